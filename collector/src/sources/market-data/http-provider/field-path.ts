/**
 * Field paths into a JSON response: `quote.price`, `data[0].close`, `["Global Quote"]["05. price"]`,
 * `rates.{symbol}` (the placeholder replaced first). `$` or an empty path is the whole document.
 */

export type PathSegment = string | number;

/** Parses a path; throws an Error saying where it is malformed. */
export function parseFieldPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = path.startsWith('$') ? 1 : 0;
  if (path[i] === '.') i++;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) throw new Error(`field path ${JSON.stringify(path)}: "[" at ${i} is not closed`);
      const inner = path.slice(i + 1, close);
      if (/^[0-9]+$/.test(inner)) segments.push(Number(inner));
      else if (/^"[^"]*"$/.test(inner) || /^'[^']*'$/.test(inner)) segments.push(inner.slice(1, -1));
      else throw new Error(`field path ${JSON.stringify(path)}: [${inner}] must be an index [0] or a quoted key ["name"]`);
      i = close + 1;
      if (path[i] === '.') i++;
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
    const key = path.slice(i, j);
    if (key === '') throw new Error(`field path ${JSON.stringify(path)}: empty key at ${i}`);
    segments.push(key);
    i = path[j] === '.' ? j + 1 : j;
    if (path[j] === '.' && i >= path.length) throw new Error(`field path ${JSON.stringify(path)}: ends with "."`);
  }
  return segments;
}

/** The value at `segments` in `document`, or undefined when any step is missing. */
export function readFieldPath(document: unknown, segments: readonly PathSegment[]): unknown {
  let current: unknown = document;
  for (const segment of segments) {
    if (current === null || current === undefined) return undefined;
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (typeof current !== 'object' || Array.isArray(current)) return undefined;
      current = Object.hasOwn(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
    }
  }
  return current;
}
