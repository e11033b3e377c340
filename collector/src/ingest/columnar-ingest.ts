import type { Point } from '../core/point';
import { scanLineProtocol, type LineProtocolRecord } from './line-protocol/parse-line-protocol';
import type { PointColumns, SeriesIdentity, SeriesSpace } from './point-columns';
import { murmurFinish, murmurStep, SeriesKeyTable, TAIL_MASKS } from './series-key-table';
import { validatePoint, type IngestibleKpi, type KpiLookup, type PointLimits } from './validate-point';

/**
 * The ingest hot path: a line-protocol body whose every line has the plain form
 *
 *     <series key> value=<decimal> <nanosecond timestamp>
 *
 * (one space between the parts, a decimal of at most 15 digits without exponent, no blank or
 * comment lines, `\n` line ends, at most one trailing `\n`) is validated straight from its bytes,
 * without decoding it to text and without building a record or tags object per line.
 *
 * The series key (`measurement,tag=value,…` as received) decides everything the catalog checks
 * (KPI known and pushable, tags declared dimensions with acceptable values), so it is checked once:
 * the first line with a new key goes through the full parser and `validatePoint`, and the key's
 * bytes are interned with the KPI and tags they stand for. Later lines with the same bytes only
 * check their value and timestamp. An interned key is checked again when the catalog returns a
 * different definition for its KPI (configuration reload) or the tag length limit changed.
 *
 * Anything else — another form, a line the checks reject, too many lines — makes
 * `ingestColumns` return undefined, and the caller runs the full parser over the body, which lists
 * every rejection with its reason. So the result is always what the full path gives: the same
 * points accepted, in the same order, with the same values and times. O(body bytes).
 */

/** A series key checked against the catalog: what it stands for and what it was checked with. */
interface CheckedSeries extends SeriesIdentity {
  readonly check: KpiCheck;
}

/** One KPI definition as the catalog gave it when series of the KPI were checked. */
interface KpiCheck {
  readonly kpi: string;
  readonly def: IngestibleKpi;
  readonly maxTagValueLength: number;
  /** The batch that last confirmed the catalog still returns `def`, and whether it did. */
  stamp: number;
  current: boolean;
}

const NEWLINE = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
/** "valu" and "e=" as little-endian words. */
const VALU = 0x756c6176;
const E_EQUALS = 0x3d65;

/** Exact powers of ten (as the full parser's float fast path uses). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** Bodies larger than this take the full path (the scan works on a padded copy kept for reuse). */
const MAX_FAST_BODY_BYTES = 32 * 1024 * 1024;
/** Zero bytes after the copied body: every word read of the scan stays inside the copy. */
const SCRATCH_PADDING = 16;

/** The zero-padded copy of the body being scanned (scans are synchronous, so one is shared). */
let scratch = new Uint8Array(64 * 1024);
let scratchView = new DataView(scratch.buffer);

/** Bounds of the interned keys (see SeriesKeyTable); defaults suit a collector's life. */
export interface ColumnarIngestOptions {
  readonly maxSeriesKeys?: number;
  readonly maxSeriesKeyBytes?: number;
}

/**
 * The hot path's memory: interned series keys checked against the catalog, and which key followed
 * which last time. One instance serves every request (`sharedColumnarIngest`); tests make their
 * own with small bounds.
 */
export class ColumnarIngest {
  private readonly table: SeriesKeyTable<CheckedSeries>;
  private readonly kpiChecks = new Map<string, KpiCheck>();
  private batchStamp = 0;
  private space: SeriesSpace;
  private spaceGeneration: number;
  /**
   * For each series id, the id of the line that followed it last time (-1: none yet), and the id
   * of the first line of the last body: agents send the same series in the same order every
   * interval, so the next key is usually known and only needs comparing (no scan for its end, no
   * hashing).
   */
  private follows: Int32Array = new Int32Array(1024).fill(-1);
  private firstOfLastBody = -1;

  constructor(options: ColumnarIngestOptions = {}) {
    this.table = new SeriesKeyTable<CheckedSeries>(options.maxSeriesKeys, options.maxSeriesKeyBytes);
    this.space = this.newSpace();
    this.spaceGeneration = this.table.generation;
  }

  /** Series keys interned now. */
  get internedKeys(): number {
    return this.table.size;
  }

  private newSpace(): SeriesSpace {
    const entries = this.table.entries;
    return { identity: (id) => entries[id]! };
  }

  /**
   * Validates a body of plain lines (see the module comment) into columns, or returns undefined
   * when the body is not made of plain lines that all pass the checks (the caller then runs the
   * full parser). `now` is the batch's clock reading. Never throws.
   *
   * The scan reads the body four bytes at a time where it can (SWAR: "some byte of this word is a
   * space", "every byte is a digit"), from a zero-padded copy so a word read never leaves it. A
   * line whose key is the one that followed the previous line's key last time is recognised by
   * comparing its bytes with that key (and a space after them) before anything else.
   */
  ingest(bytes: Buffer, catalog: KpiLookup, now: number, limits: PointLimits, maxLines: number): PointColumns | undefined {
    const length = bytes.length;
    if (length === 0 || length > MAX_FAST_BODY_BYTES) return undefined;
    const table = this.table;
    let follows = this.follows;
    if (this.spaceGeneration !== table.generation) {
      this.space = this.newSpace();
      this.spaceGeneration = table.generation;
    }
    if (scratch.length < length + SCRATCH_PADDING) {
      scratch = new Uint8Array(Math.max(length + SCRATCH_PADDING, scratch.length * 2));
      scratchView = new DataView(scratch.buffer);
    }
    const b = scratch;
    const view = scratchView;
    b.set(bytes);
    b.fill(0, length, length + SCRATCH_PADDING);

    const stamp = ++this.batchStamp;
    const minTime = limits.minTime;
    const maxTime = now + limits.maxFutureMs;
    const maxTagValueLength = limits.maxTagValueLength;
    let capacity = Math.min(maxLines, (length >> 6) + 16);
    let ids: Int32Array = new Int32Array(capacity);
    let times: Float64Array = new Float64Array(capacity);
    let values: Float64Array = new Float64Array(capacity);
    let n = 0;
    let pos = 0;
    let previousId = -1;
    while (pos < length) {
      if (n === capacity) {
        if (n === maxLines) return undefined;
        capacity = Math.min(maxLines, capacity * 2);
        ids = grownInt32(ids, capacity);
        times = grownFloat64(times, capacity);
        values = grownFloat64(values, capacity);
      }
      const lineStart = pos;
      const first = b[pos]!;
      if (first === SPACE || first === TAB || first === HASH || first === NEWLINE || first === CR) return undefined;

      // Series key: up to the first space. Interned keys hold no space, line feed or backslash, so
      // bytes equal to the predicted key followed by a space are exactly that key.
      let id = -1;
      let keyEnd = 0;
      let hash = 0;
      const predicted = previousId < 0 ? this.firstOfLastBody : follows[previousId]!;
      if (predicted >= 0) {
        const keyLength = table.matchAt(predicted, view, lineStart, length);
        if (keyLength > 0 && b[lineStart + keyLength] === SPACE) {
          id = predicted;
          keyEnd = lineStart + keyLength;
        }
      }
      if (id < 0) {
        // Four bytes at a time: hash whole words, and stop at the first word holding a space, a line
        // feed or a backslash (an escape: the full path handles it).
        let word = 0;
        let stop = 0;
        for (;;) {
          if (pos >= length) return undefined;
          word = view.getInt32(pos, true);
          const s = word ^ 0x20202020;
          const f = word ^ 0x0a0a0a0a;
          const k = word ^ 0x5c5c5c5c;
          stop = (((s - 0x01010101) & ~s) | ((f - 0x01010101) & ~f) | ((k - 0x01010101) & ~k)) & 0x80808080;
          if (stop !== 0) break;
          hash = murmurStep(hash, word);
          pos += 4;
        }
        const tailBytes = (31 - Math.clz32(stop & -stop)) >> 3;
        keyEnd = pos + tailBytes;
        if (b[keyEnd] !== SPACE || keyEnd === lineStart) return undefined;
        hash = murmurFinish(hash, word & TAIL_MASKS[tailBytes]!, tailBytes, keyEnd - lineStart);
      }

      // value=
      if (view.getInt32(keyEnd + 1, true) !== VALU || view.getUint16(keyEnd + 5, true) !== E_EQUALS) return undefined;
      pos = keyEnd + 7;
      let c = b[pos]!;
      const negative = c === MINUS;
      if (negative) c = b[++pos]!;
      let mantissa = 0;
      let digits = 0;
      while (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        c = b[++pos]!;
      }
      let fractionDigits = 0;
      if (c === DOT) {
        c = b[++pos]!;
        while (c >= ZERO && c <= NINE) {
          mantissa = mantissa * 10 + (c - ZERO);
          fractionDigits++;
          c = b[++pos]!;
        }
      }
      if (c !== SPACE || digits + fractionDigits === 0 || digits + fractionDigits > 15 || pos >= length) return undefined;
      const magnitude = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
      const value = negative ? -magnitude : magnitude;

      // Timestamp: decimal nanoseconds up to the line end, found four bytes at a time.
      const tsStart = pos + 1;
      pos = tsStart;
      let nonDigit = 0;
      for (;;) {
        nonDigit = nonDigitBytes(view.getInt32(pos, true));
        if (nonDigit !== 0) break;
        pos += 4;
      }
      const tsEnd = pos + ((31 - Math.clz32(nonDigit & -nonDigit)) >> 3);
      const tsDigits = tsEnd - tsStart;
      // ms = every digit but the last six: exact for up to 21 digits (15 for ms).
      if (tsDigits < 7 || tsDigits > 21 || (tsEnd < length && b[tsEnd] !== NEWLINE) || tsEnd > length) return undefined;
      const msEnd = tsEnd - 6;
      let time = 0;
      let q = tsStart;
      for (; q + 4 <= msEnd; q += 4) time = time * 10_000 + fourDigits(view.getInt32(q, true));
      for (; q < msEnd; q++) time = time * 10 + (b[q]! - ZERO);
      if (time < minTime || time > maxTime) return undefined;

      if (id < 0) id = table.find(view, lineStart, keyEnd, hash);
      if (id >= 0) {
        const check = table.value(id).check;
        if (check.stamp !== stamp) {
          check.current = catalog(check.kpi) === check.def && check.maxTagValueLength === maxTagValueLength;
          check.stamp = stamp;
        }
        if (!check.current) {
          const series = this.checkSeries(bytes, lineStart, tsEnd, value, time, catalog, now, limits, stamp);
          if (series === undefined) return undefined;
          table.setValue(id, series);
        }
      } else {
        const series = this.checkSeries(bytes, lineStart, tsEnd, value, time, catalog, now, limits, stamp);
        if (series === undefined) return undefined;
        id = table.add(b, lineStart, keyEnd, hash, series);
        if (id < 0) {
          // Full: start over with an empty table next time; this body takes the full path.
          table.clear();
          this.kpiChecks.clear();
          this.follows.fill(-1);
          this.firstOfLastBody = -1;
          return undefined;
        }
        if (id >= follows.length) {
          follows = grownFollows(follows, table.size);
          this.follows = follows;
        }
      }
      if (previousId < 0) this.firstOfLastBody = id;
      else follows[previousId] = id;
      previousId = id;
      ids[n] = id;
      times[n] = time;
      values[n] = value;
      n++;
      pos = tsEnd + 1;
    }
    return new IngestedColumns(bytes, n, this.space, ids, times, values);
  }

  /**
   * Runs the full parser and `validatePoint` over one line whose key is not interned (or whose KPI
   * definition changed); returns what the key stands for when the line is accepted with exactly the
   * value and time the fast scan read, else undefined.
   */
  private checkSeries(
    bytes: Buffer,
    lineStart: number,
    lineEnd: number,
    value: number,
    time: number,
    catalog: KpiLookup,
    now: number,
    limits: PointLimits,
    stamp: number,
  ): CheckedSeries | undefined {
    const text = bytes.toString('utf8', lineStart, lineEnd);
    if (text.includes('\uFFFD')) return undefined; // invalid UTF-8: the full path decides what is stored
    let record: LineProtocolRecord | undefined;
    scanLineProtocol(text, { record: (r) => (record = r), error: () => undefined }, { precision: 'ns' });
    if (record === undefined || record.timestamp === undefined) return undefined;
    const outcome = validatePoint(record, catalog, { now: () => now }, limits);
    if (!outcome.ok || !Object.is(outcome.point.value, value) || outcome.point.time !== time) return undefined;
    const def = catalog(record.measurement)!;
    let check = this.kpiChecks.get(record.measurement);
    if (check === undefined || check.def !== def || check.maxTagValueLength !== limits.maxTagValueLength) {
      check = { kpi: record.measurement, def, maxTagValueLength: limits.maxTagValueLength, stamp, current: true };
      this.kpiChecks.set(record.measurement, check);
    }
    return { kpi: record.measurement, tags: Object.freeze(record.tags), check };
  }
}

/** The instance behind `ingestLineProtocol`. */
export const sharedColumnarIngest = new ColumnarIngest();

/**
 * Bytes of a little-endian word that are not ASCII digits, flagged by their top bit; exact up to
 * and including the first such byte (a carry from it may flag later bytes too).
 */
function nonDigitBytes(word: number): number {
  // A digit is 0x30–0x39: high nibble 3, and adding 6 to the low nibble does not carry.
  return ((word & 0xf0f0f0f0) ^ 0x30303030) | ((((word + 0x06060606) | 0) & 0xf0f0f0f0) ^ 0x30303030);
}

/** The number written by four ASCII digits (a little-endian word, first digit lowest). */
function fourDigits(word: number): number {
  const d = (word - 0x30303030) | 0;
  const pairs = (Math.imul(d & 0x000f000f, 10) + ((d >>> 8) & 0x000f000f)) | 0;
  return (pairs & 0xffff) * 100 + (pairs >>> 16);
}

/**
 * Columns of a body the fast path accepted. `toPoints` builds points of what the columns hold (KPI,
 * tags, value, time); each point's exact nanosecond timestamp and line text are read from the body
 * when first asked for, since the points' usual reader, rule evaluation, needs neither.
 */
class IngestedColumns implements PointColumns {
  private points: Point[] | undefined;
  /** Each line's text and exact timestamp, decoded once, at the first `line` or `ns` asked for. */
  private lines: BodyLines | undefined;

  constructor(
    private readonly bytes: Buffer,
    readonly length: number,
    readonly space: SeriesSpace,
    readonly ids: Int32Array,
    readonly times: Float64Array,
    readonly values: Float64Array,
  ) {}

  toPoints(): Point[] {
    if (this.points) return this.points;
    const points: Point[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) {
      const series = this.space.identity(this.ids[i]!);
      points[i] = new BodyPoint(series.kpi, series.tags, this.values[i]!, this.times[i]!, this, i);
    }
    this.points = points;
    return points;
  }

  /** The text and exact timestamp of every line. */
  bodyLines(): BodyLines {
    if (this.lines) return this.lines;
    const texts: string[] = new Array(this.length);
    const stamps: bigint[] = new Array(this.length);
    // One decode of the body; lines are slices of it. Lines of one interval usually share their
    // timestamp, so its BigInt is reused while the text repeats.
    const text = this.bytes.toString('utf8');
    let start = 0;
    let lastStamp = '';
    let lastNs = 0n;
    for (let i = 0; i < this.length; i++) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      const stamp = line.slice(line.lastIndexOf(' ') + 1);
      if (stamp !== lastStamp) {
        lastStamp = stamp;
        lastNs = BigInt(stamp);
      }
      texts[i] = line;
      stamps[i] = lastNs;
      start = end + 1;
    }
    this.lines = { texts, stamps };
    return this.lines;
  }
}

interface BodyLines {
  readonly texts: readonly string[];
  readonly stamps: readonly bigint[];
}

/** A point of an ingested body (see IngestedColumns); `ns` and `line` are read from the body on demand. */
class BodyPoint implements Point {
  readonly #body: IngestedColumns;
  readonly #index: number;

  constructor(
    readonly kpi: string,
    readonly tags: Readonly<Record<string, string>>,
    readonly value: number,
    readonly time: number,
    body: IngestedColumns,
    index: number,
  ) {
    this.#body = body;
    this.#index = index;
  }

  get ns(): bigint {
    return this.#body.bodyLines().stamps[this.#index]!;
  }

  get line(): string {
    return this.#body.bodyLines().texts[this.#index]!;
  }
}

function grownFollows(old: Int32Array, needed: number): Int32Array {
  let size = old.length * 2;
  while (size < needed) size *= 2;
  const next = new Int32Array(size).fill(-1);
  next.set(old);
  return next;
}

function grownInt32(old: Int32Array, size: number): Int32Array {
  const next = new Int32Array(size);
  next.set(old);
  return next;
}

function grownFloat64(old: Float64Array, size: number): Float64Array {
  const next = new Float64Array(size);
  next.set(old);
  return next;
}
