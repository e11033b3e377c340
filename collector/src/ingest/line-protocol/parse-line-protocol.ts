import type { FieldValue } from '../../core/point';

/**
 * InfluxDB line protocol parser, the collector's ingest hot path.
 *
 *   <measurement>[,<tag_key>=<tag_value>…] <field_key>=<field_value>[,…] [<timestamp>]
 *
 * Escaping follows InfluxDB 1.x (the store finmon writes to), checked against influxd 1.6:
 * - measurement: `\,` and `\ ` stand for comma and space;
 * - tag keys, tag values, field keys: `\,`, `\=` and `\ `;
 * - string field values (in double quotes): `\"` and `\\`;
 * - any other backslash is a literal backslash (so `a\\b` is the three characters a, \, b).
 * Field values: floats (`1`, `-1.5`, `.5`, `1e-3`), integers (`5i`, int64), unsigned (`5u`, uint64),
 * booleans (t, T, true, True, TRUE, f, F, false, False, FALSE) and strings.
 * Lines are separated by `\n` (a trailing `\r` is dropped); blank lines and lines whose first
 * non-blank character is `#` are skipped. Sections are separated by one or more spaces; leading and
 * trailing spaces/tabs are ignored. Stricter than influxd 1.6 in a few corners: a repeated field
 * key is an error (influxd keeps the last), so is any unescaped "=" in a tag value (influxd lets one
 * through right after the "="), text glued to a closing quote, and a string spanning lines.
 *
 * Integer and unsigned values are returned as JS numbers (exact up to 2^53). Never throws.
 */

/** Timestamp precisions accepted by the write endpoint. */
export type Precision = 'ns' | 'us' | 'u' | 'ms' | 's' | 'm' | 'h';

export const PRECISIONS: readonly Precision[] = ['ns', 'us', 'u', 'ms', 's', 'm', 'h'];

/** True when `value` names a precision this parser accepts. */
export function isPrecision(value: string): value is Precision {
  return (PRECISIONS as readonly string[]).includes(value);
}

/** A syntactically valid point, before any check against the KPI catalog. */
export interface ParsedRecord {
  readonly measurement: string;
  readonly tags: Record<string, string>;
  readonly fields: Record<string, FieldValue>;
  /** Epoch nanoseconds, or undefined when the line carries no timestamp. */
  readonly timestamp: bigint | undefined;
}

/** A parsed line with its 1-based line number in the body. */
export interface LineProtocolRecord extends ParsedRecord {
  readonly line: number;
}

/** A line that could not be parsed. */
export interface LineProtocolError {
  /** 1-based line number in the body. */
  readonly line: number;
  /** What is wrong and where (1-based column). */
  readonly reason: string;
  /** The offending line, truncated to about 200 characters. */
  readonly text: string;
}

/** Receives each data line's outcome, in line order. */
export interface LineProtocolVisitor {
  /** A parsed line; the line's text is `text.slice(lineStart, lineEnd)` (see `lineExcerpt`). */
  record(record: LineProtocolRecord, lineStart: number, lineEnd: number): void;
  error(error: LineProtocolError): void;
}

export interface ScanOptions {
  precision?: Precision;
  /** Stop after this many data lines (blank and comment lines do not count). */
  maxLines?: number;
}

export interface ScanSummary {
  /** Data lines seen (records + errors). */
  readonly dataLines: number;
  /** True when scanning stopped because a data line beyond `maxLines` was found. */
  readonly exceededMaxLines: boolean;
}

const MAX_ERROR_TEXT = 200;

const NS_PER_UNIT: Record<Precision, bigint> = {
  ns: 1n,
  us: 1_000n,
  u: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Influx's time range: int64 nanoseconds minus the two values it reserves. */
const MIN_NS = -9223372036854775806n;
const MAX_NS = 9223372036854775806n;
const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';
const UINT64_MAX_DIGITS = '18446744073709551615';

const BACKSLASH = 92;
const COMMA = 44;
const SPACE = 32;
const TAB = 9;
const EQUALS = 61;
const QUOTE = 34;
const HASH = 35;
const CR = 13;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;
const LOWER_I = 105;
const LOWER_U = 117;
const LOWER_T = 116;
const UPPER_T = 84;
const LOWER_F = 102;
const UPPER_F = 70;

/** Exact powers of ten for the float fast path (all exactly representable as doubles). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Parses a line protocol body into records and errors (each in line order).
 * Never throws; `precision` defaults to `ns`.
 */
export function parseLineProtocol(
  text: string,
  options: { precision?: Precision } = {},
): { records: LineProtocolRecord[]; errors: LineProtocolError[] } {
  const records: LineProtocolRecord[] = [];
  const errors: LineProtocolError[] = [];
  scanLineProtocol(text, { record: (r) => records.push(r), error: (e) => errors.push(e) }, options);
  return { records, errors };
}

/**
 * Streams a line protocol body to a visitor: one `record` or `error` call per data line, in
 * order. Never throws itself (exceptions thrown by the visitor propagate). O(length of text).
 */
export function scanLineProtocol(text: string, visitor: LineProtocolVisitor, options: ScanOptions = {}): ScanSummary {
  const scanner = new LineScanner(text, NS_PER_UNIT[options.precision ?? 'ns'] ?? 1n);
  const maxLines = options.maxLines ?? Infinity;
  const length = text.length;
  let dataLines = 0;
  let lineNumber = 0;
  let lineStart = 0;
  while (lineStart <= length) {
    lineNumber++;
    let next = text.indexOf('\n', lineStart);
    if (next === -1) next = length;
    let lineEnd = next;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === CR) lineEnd--;

    let start = lineStart;
    let c = text.charCodeAt(start);
    while (start < lineEnd && (c === SPACE || c === TAB)) c = text.charCodeAt(++start);
    if (start < lineEnd && c !== HASH) {
      if (dataLines === maxLines) return { dataLines, exceededMaxLines: true };
      dataLines++;
      const record = scanner.parseLine(lineStart, start, lineEnd, lineNumber);
      if (record !== undefined) visitor.record(record, lineStart, lineEnd);
      else visitor.error({ line: lineNumber, reason: scanner.error, text: lineExcerpt(text, lineStart, lineEnd) });
    }
    lineStart = next + 1;
  }
  return { dataLines, exceededMaxLines: false };
}

/** text[start, end), cut to about 200 characters (never inside a surrogate pair) for reports. */
export function lineExcerpt(text: string, start: number, end: number): string {
  if (end - start <= MAX_ERROR_TEXT) return text.slice(start, end);
  let cut = start + MAX_ERROR_TEXT;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--; // do not split a surrogate pair
  return `${text.slice(start, cut)}…`;
}

/** Quotes a name for an error message, shortened so a hostile line cannot flood the report. */
function quoted(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
}

function isEscapableInKey(c: number): boolean {
  return c === COMMA || c === EQUALS || c === SPACE;
}

/** Removes measurement escapes (`\,` and `\ `). */
function unescapeMeasurement(raw: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length - 1; i++) {
    if (raw.charCodeAt(i) !== BACKSLASH) continue;
    const n = raw.charCodeAt(i + 1);
    if (n === COMMA || n === SPACE) {
      out += raw.slice(from, i);
      from = i + 1;
      i++;
    }
  }
  return out + raw.slice(from);
}

/** Removes tag key/value and field key escapes (`\,`, `\=`, `\ `). */
function unescapeKey(raw: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length - 1; i++) {
    if (raw.charCodeAt(i) !== BACKSLASH) continue;
    if (isEscapableInKey(raw.charCodeAt(i + 1))) {
      out += raw.slice(from, i);
      from = i + 1;
      i++;
    }
  }
  return out + raw.slice(from);
}

/** Removes string field escapes (`\"` and `\\`). */
function unescapeString(raw: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length - 1; i++) {
    if (raw.charCodeAt(i) !== BACKSLASH) continue;
    const n = raw.charCodeAt(i + 1);
    if (n === QUOTE || n === BACKSLASH) {
      out += raw.slice(from, i);
      from = i + 1;
      i++;
    }
  }
  return out + raw.slice(from);
}

/** Compares two strings of decimal digits without leading zeros, as numbers. */
function digitsExceed(digits: string, max: string): boolean {
  return digits.length > max.length || (digits.length === max.length && digits > max);
}

function stripLeadingZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === ZERO) i++;
  return i === 0 ? digits : digits.slice(i);
}

/**
 * Parses one line at a time. `pos` moves through the line; on failure a method returns a
 * sentinel and leaves the reason in `error` (no exceptions on the hot path).
 */
class LineScanner {
  error = '';
  private pos = 0;
  private end = 0;
  private lineStart = 0;
  private hasEscape = false;

  constructor(
    private readonly text: string,
    private readonly nsPerUnit: bigint,
  ) {}

  /**
   * Parses text[start, end): the line from `lineStart` with its leading blanks skipped (not blank,
   * not a comment). Columns in error reasons count from `lineStart`.
   */
  parseLine(lineStart: number, start: number, end: number, line: number): LineProtocolRecord | undefined {
    const text = this.text;
    // Trailing spaces and tabs carry nothing.
    let c = text.charCodeAt(end - 1);
    while (c === SPACE || c === TAB) c = text.charCodeAt(--end - 1);
    this.pos = start;
    this.end = end;
    this.lineStart = lineStart;

    const measurement = this.scanMeasurement();
    if (measurement === '') return this.fail('missing measurement before the first "," or space', start);

    const tags: Record<string, string> = {};
    while (this.pos < end && text.charCodeAt(this.pos) === COMMA) {
      this.pos++;
      if (!this.scanTag(tags)) return undefined;
    }
    if (this.pos >= end) return this.fail(`missing fields: measurement ${quoted(measurement)} needs at least one field such as value=1`, this.pos);
    // Here text[pos] is a space, and a non-space follows before `end` (trailing blanks are gone).
    this.skipSpaces();

    const fields: Record<string, FieldValue> = {};
    for (;;) {
      if (!this.scanField(fields)) return undefined;
      if (this.pos >= end) break;
      if (text.charCodeAt(this.pos) === COMMA) {
        this.pos++;
        continue;
      }
      break; // a space: the timestamp follows
    }

    let timestamp: bigint | undefined;
    if (this.pos < end) {
      this.skipSpaces();
      const ts = this.scanTimestamp();
      if (ts === null) return undefined;
      timestamp = ts;
    }
    return { line, measurement, tags, fields, timestamp };
  }

  private fail(reason: string, at: number): undefined {
    this.error = `${reason} (column ${at - this.lineStart + 1})`;
    return undefined;
  }

  private skipSpaces(): void {
    while (this.pos < this.end && this.text.charCodeAt(this.pos) === SPACE) this.pos++;
  }

  private scanMeasurement(): string {
    const text = this.text;
    const start = this.pos;
    const end = this.end;
    let i = start;
    let escaped = false;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === SPACE) break;
      if (c === BACKSLASH && i + 1 < end) {
        const n = text.charCodeAt(i + 1);
        if (n === COMMA || n === SPACE) {
          escaped = true;
          i += 2;
          continue;
        }
      }
      i++;
    }
    this.pos = i;
    const raw = text.slice(start, i);
    return escaped ? unescapeMeasurement(raw) : raw;
  }

  /**
   * Scans a tag key, tag value or field key up to an unescaped stop character.
   * Sets `hasEscape` when the token contains escapes.
   */
  private scanKeyToken(stopAtEquals: boolean): number {
    const text = this.text;
    const end = this.end;
    let i = this.pos;
    let escaped = false;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === SPACE || (stopAtEquals && c === EQUALS)) break;
      if (c === BACKSLASH && i + 1 < end && isEscapableInKey(text.charCodeAt(i + 1))) {
        escaped = true;
        i += 2;
        continue;
      }
      i++;
    }
    this.hasEscape = escaped;
    return i;
  }

  private scanTag(tags: Record<string, string>): boolean {
    const text = this.text;
    const keyStart = this.pos;
    const keyEnd = this.scanKeyToken(true);
    if (keyEnd === keyStart) return this.fail('empty tag key', keyStart) ?? false;
    const rawKey = text.slice(keyStart, keyEnd);
    const key = this.hasEscape ? unescapeKey(rawKey) : rawKey;
    if (keyEnd >= this.end || text.charCodeAt(keyEnd) !== EQUALS) {
      return this.fail(`tag ${quoted(key)} has no "=" and value`, keyEnd) ?? false;
    }
    const valueStart = keyEnd + 1;
    this.pos = valueStart;
    const valueEnd = this.scanKeyToken(false);
    if (valueEnd === valueStart) return this.fail(`tag ${quoted(key)} has an empty value`, valueStart) ?? false;
    const rawValue = text.slice(valueStart, valueEnd);
    const valueEscaped = this.hasEscape;
    if (rawValue.includes('=')) {
      // An "=" inside a tag value must be escaped; find the first unescaped one for the column.
      for (let i = 0; i < rawValue.length; i++) {
        const c = rawValue.charCodeAt(i);
        if (c === BACKSLASH && i + 1 < rawValue.length && isEscapableInKey(rawValue.charCodeAt(i + 1))) i++;
        else if (c === EQUALS) {
          return this.fail(`tag ${quoted(key)} has an unescaped "=" in its value (write \\=)`, valueStart + i) ?? false;
        }
      }
    }
    if (Object.hasOwn(tags, key)) return this.fail(`duplicate tag key ${quoted(key)}`, keyStart) ?? false;
    setOwn(tags, key, valueEscaped ? unescapeKey(rawValue) : rawValue);
    this.pos = valueEnd;
    return true;
  }

  private scanField(fields: Record<string, FieldValue>): boolean {
    const text = this.text;
    const end = this.end;
    const keyStart = this.pos;
    const keyEnd = this.scanKeyToken(true);
    if (keyEnd === keyStart) return this.fail('empty field key', keyStart) ?? false;
    const rawKey = text.slice(keyStart, keyEnd);
    const key = this.hasEscape ? unescapeKey(rawKey) : rawKey;
    if (keyEnd >= end || text.charCodeAt(keyEnd) !== EQUALS) {
      return this.fail(`field ${quoted(key)} has no "=" and value`, keyEnd) ?? false;
    }
    const valueStart = keyEnd + 1;
    if (valueStart >= end) return this.fail(`field ${quoted(key)} has no value`, valueStart) ?? false;
    let value: FieldValue | undefined;
    if (text.charCodeAt(valueStart) === QUOTE) {
      value = this.scanString(key, valueStart);
      if (value === undefined) return false;
    } else {
      let valueEnd = valueStart;
      let c = text.charCodeAt(valueEnd);
      while (valueEnd < end && c !== COMMA && c !== SPACE) c = text.charCodeAt(++valueEnd);
      if (valueEnd === valueStart) return this.fail(`field ${quoted(key)} has no value`, valueStart) ?? false;
      value = this.parseBareValue(key, valueStart, valueEnd);
      if (value === undefined) return false;
      this.pos = valueEnd;
    }
    if (Object.hasOwn(fields, key)) return this.fail(`duplicate field key ${quoted(key)}`, keyStart) ?? false;
    setOwn(fields, key, value);
    return true;
  }

  /** Scans a quoted string field value starting at the opening quote. */
  private scanString(key: string, quoteAt: number): string | undefined {
    const text = this.text;
    const end = this.end;
    let i = quoteAt + 1;
    let escaped = false;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH && i + 1 < end) {
        const n = text.charCodeAt(i + 1);
        if (n === QUOTE || n === BACKSLASH) {
          escaped = true;
          i += 2;
          continue;
        }
      }
      i++;
    }
    if (i >= end) return this.fail(`field ${quoted(key)} has an unterminated string (missing closing ")`, quoteAt);
    const raw = text.slice(quoteAt + 1, i);
    i++;
    if (i < end) {
      const c = text.charCodeAt(i);
      if (c !== COMMA && c !== SPACE) {
        return this.fail(`unexpected character after the string value of field ${quoted(key)}; expected "," or space`, i);
      }
    }
    this.pos = i;
    return escaped ? unescapeString(raw) : raw;
  }

  /** Parses a number, integer, unsigned or boolean field value in text[start, end). */
  private parseBareValue(key: string, start: number, end: number): number | boolean | undefined {
    const text = this.text;
    const first = text.charCodeAt(start);
    if (first === LOWER_T || first === UPPER_T || first === LOWER_F || first === UPPER_F) {
      const token = text.slice(start, end);
      const bool = BOOLEANS.get(token);
      if (bool !== undefined) return bool;
      return this.failValue(key, token, start);
    }
    // The digit loops need no bound check: text[end] is ",", a space or a line terminator.
    let i = start;
    const negative = first === MINUS;
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let c = text.charCodeAt(i);
    while (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      c = text.charCodeAt(++i);
    }
    let fractionDigits = 0;
    let hasDot = false;
    if (i < end && c === DOT) {
      hasDot = true;
      c = text.charCodeAt(++i);
      while (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        fractionDigits++;
        c = text.charCodeAt(++i);
      }
    }
    if (digits + fractionDigits === 0) return this.failValue(key, text.slice(start, end), start);
    let hasExponent = false;
    if (i < end && (c === LOWER_E || c === UPPER_E)) {
      hasExponent = true;
      c = text.charCodeAt(++i);
      if (c === PLUS || c === MINUS) c = text.charCodeAt(++i);
      const expStart = i;
      while (c >= ZERO && c <= NINE) c = text.charCodeAt(++i);
      if (i === expStart) return this.failValue(key, text.slice(start, end), start);
    }
    if (i === end) {
      // A float.
      if (!hasExponent && digits + fractionDigits <= 15) {
        const v = fractionDigits === 0 ? mantissa : mantissa / (POW10[fractionDigits] as number);
        return negative ? -v : v;
      }
      const v = Number(text.slice(start, end));
      if (!Number.isFinite(v)) return this.fail(`field ${quoted(key)}: float ${text.slice(start, end)} is out of range`, start);
      return v;
    }
    if (i + 1 === end && !hasDot && !hasExponent) {
      if (c === LOWER_I) {
        if (digits <= 15) return negative ? -mantissa : mantissa;
        const abs = stripLeadingZeros(text.slice(negative ? start + 1 : start, i));
        if (digitsExceed(abs, negative ? INT64_MIN_DIGITS : INT64_MAX_DIGITS)) {
          return this.fail(`field ${quoted(key)}: integer ${text.slice(start, end)} is out of the int64 range`, start);
        }
        return Number(text.slice(start, i));
      }
      if (c === LOWER_U && !negative) {
        if (digits <= 15) return mantissa;
        if (digitsExceed(stripLeadingZeros(text.slice(start, i)), UINT64_MAX_DIGITS)) {
          return this.fail(`field ${quoted(key)}: unsigned ${text.slice(start, end)} is out of the uint64 range`, start);
        }
        return Number(text.slice(start, i));
      }
    }
    return this.failValue(key, text.slice(start, end), start);
  }

  private failValue(key: string, token: string, at: number): undefined {
    const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
    return this.fail(
      `field ${quoted(key)} has an invalid value ${JSON.stringify(shown)}; expected a number (1.5), integer (5i), unsigned (5u), boolean (true/false) or "string"`,
      at,
    );
  }

  /** Scans the timestamp and whatever follows it; returns null on error. */
  private scanTimestamp(): bigint | null {
    const text = this.text;
    const end = this.end;
    const start = this.pos;
    let i = start;
    const negative = text.charCodeAt(i) === MINUS;
    if (negative) i++;
    const digitsStart = i;
    let value = 0;
    let c = text.charCodeAt(i);
    while (i < end && c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      c = text.charCodeAt(++i);
    }
    const digits = i - digitsStart;
    if (i < end && c !== SPACE) {
      let tokenEnd = i;
      while (tokenEnd < end && text.charCodeAt(tokenEnd) !== SPACE) tokenEnd++;
      const token = text.slice(start, tokenEnd);
      this.fail(`invalid timestamp ${JSON.stringify(token.length > 40 ? `${token.slice(0, 40)}…` : token)}; expected an integer`, start);
      return null;
    }
    if (digits === 0) {
      this.fail('invalid timestamp "-"; expected an integer', start);
      return null;
    }
    if (i < end) {
      // Only spaces may follow (trailing blanks were trimmed, so something else is there).
      let j = i;
      while (j < end && text.charCodeAt(j) === SPACE) j++;
      this.fail('unexpected text after the timestamp', j);
      return null;
    }
    let ns: bigint;
    if (digits <= 15) {
      ns = BigInt(negative ? -value : value) * this.nsPerUnit;
      if (this.nsPerUnit === 1n) return ns; // 15 digits of nanoseconds are always in range
    } else {
      ns = BigInt(text.slice(start, i)) * this.nsPerUnit;
    }
    if (ns < MIN_NS || ns > MAX_NS) {
      this.fail(`timestamp ${text.slice(start, i)} is outside InfluxDB's range (about 1677-09-21 to 2262-04-11 in nanoseconds)`, start);
      return null;
    }
    return ns;
  }
}

const BOOLEANS = new Map<string, boolean>([
  ['t', true],
  ['T', true],
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['f', false],
  ['F', false],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);

/** Sets an own property, even for the key "__proto__". */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
