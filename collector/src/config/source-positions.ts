import { isMap, isScalar, isSeq, LineCounter, type Document, type Node as YamlNode } from 'yaml';

/**
 * Positions in a configuration file, so an error can say "line 57". A `PathLocator` answers for a
 * path inside the parsed document (e.g. ["kpis", 3, "rules", 0, "above"]) with the position of the
 * deepest part of the path that exists: the key of an object member, or the start of an array
 * element. A path that names a missing field therefore points at the object that lacks it.
 */

/** 1-based line and column. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export type DocumentPath = readonly PropertyKey[];
export type PathLocator = (path: DocumentPath) => SourcePosition | undefined;

/** Converts character offsets of a text to 1-based lines and columns. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** The 1-based line and column of a character offset. O(log lines). */
  position(offset: number): SourcePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
}

/** A locator over a `yaml` Document parsed with the given LineCounter. */
export function yamlPathLocator(doc: Document, lineCounter: LineCounter): PathLocator {
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return (path) => {
    let node: unknown = doc.contents;
    let best: SourcePosition | undefined = rangeStart(node) === undefined ? undefined : at(rangeStart(node)!);
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const keyStart = rangeStart(pair.key);
        if (keyStart !== undefined) best = at(keyStart);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        const start = rangeStart(item);
        if (start !== undefined) best = at(start);
        node = item;
      } else {
        break;
      }
    }
    return best;
  };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as YamlNode | null | undefined)?.range;
  return range ? range[0] : undefined;
}
