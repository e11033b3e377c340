import { ErrorCodes, FinmonError } from '../../core/errors';
import type { ParsedRecord } from '../line-protocol/parse-line-protocol';

/**
 * The JSON body of `POST /api/v1/metrics`:
 *
 *   {"points":[{"kpi":"revenue","value":1234.5,"time":"2026-11-24T10:00:00Z",
 *               "dimensions":{"region":"na","product":"platform"}}]}
 *
 * `time` is optional (absent → the ingest clock's now), either an ISO-8601 date-time with a time
 * zone (Z or ±hh:mm, up to nanosecond fractions) or an integer of epoch milliseconds.
 * `dimensions` is optional. Each item is checked on its own; a bad item does not spoil the rest.
 */

/** A well-formed item, as a record `validatePoint` understands, with its index in `points`. */
export interface JsonBatchItem {
  readonly index: number;
  readonly record: ParsedRecord;
}

/** An item that is not well-formed; `reason` starts with `points[i]`. */
export interface JsonBatchError {
  readonly index: number;
  readonly reason: string;
}

export interface JsonBatch {
  readonly items: JsonBatchItem[];
  readonly errors: JsonBatchError[];
  /** Length of the `points` array. */
  readonly total: number;
}

const ITEM_KEYS = new Set(['kpi', 'value', 'time', 'dimensions']);
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const NS_PER_MS = 1_000_000n;
/** Date's range, ±100,000,000 days. */
const MAX_DATE_MS = 8.64e15;

/**
 * Parses and shape-checks a JSON batch body. Item problems are returned in `errors` (one per item,
 * e.g. `points[3]: "value" must be a number; got string "12"`); a body that is not JSON, not an
 * object or has no `points` array throws `FinmonError(INGEST_MALFORMED, …, 400)`.
 * `maxPoints` is checked before any item is examined: more items throw
 * `FinmonError(INGEST_BODY_TOO_LARGE, …, 413)`. O(body length).
 */
export function parseJsonBatch(body: string, maxPoints = Infinity): JsonBatch {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw malformed(`request body is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw malformed(`request body must be a JSON object like {"points":[…]}; got ${describeJson(parsed)}`);
  }
  const points = (parsed as Record<string, unknown>).points;
  if (!Object.hasOwn(parsed, 'points')) throw malformed('request body has no "points" array; expected {"points":[…]}');
  if (!Array.isArray(points)) throw malformed(`"points" must be an array; got ${describeJson(points)}`);
  const unknownKeys = Object.keys(parsed).filter((k) => k !== 'points');
  if (unknownKeys.length > 0) {
    throw malformed(`request body has unknown propert${unknownKeys.length > 1 ? 'ies' : 'y'} ${unknownKeys.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')}; expected only "points"`);
  }
  if (points.length > maxPoints) {
    throw new FinmonError(
      ErrorCodes.INGEST_BODY_TOO_LARGE,
      `request has ${points.length} points; at most ${maxPoints} are accepted per request, split the batch`,
      413,
    );
  }
  const items: JsonBatchItem[] = [];
  const errors: JsonBatchError[] = [];
  for (let index = 0; index < points.length; index++) {
    const outcome = parseItem(points[index]);
    if (typeof outcome === 'string') errors.push({ index, reason: `points[${index}]${outcome}` });
    else items.push({ index, record: outcome });
  }
  return { items, errors, total: points.length };
}

/** A record, or a reason starting with ": " or "." (appended to `points[i]`). */
function parseItem(item: unknown): ParsedRecord | string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return `: must be an object like {"kpi":"revenue","value":1}; got ${describeJson(item)}`;
  }
  const fieldsOfItem = item as Record<string, unknown>;
  for (const key of Object.keys(fieldsOfItem)) {
    if (!ITEM_KEYS.has(key)) return `: unknown property ${quoted(key)}; expected kpi, value, time, dimensions`;
  }
  const { kpi, value, time, dimensions } = fieldsOfItem;
  if (kpi === undefined) return ': missing "kpi"';
  if (typeof kpi !== 'string' || kpi === '') return `.kpi must be a non-empty string; got ${describeJson(kpi)}`;
  if (value === undefined) return ': missing "value"';
  if (typeof value !== 'number') return `.value must be a number; got ${describeJson(value)}`;

  let timestamp: bigint | undefined;
  if (time !== undefined && time !== null) {
    const ns = parseTime(time);
    if (typeof ns === 'string') return `.time ${ns}`;
    timestamp = ns;
  }

  let tags: Record<string, string> = {};
  if (dimensions !== undefined && dimensions !== null) {
    if (typeof dimensions !== 'object' || Array.isArray(dimensions)) {
      return `.dimensions must be an object of strings; got ${describeJson(dimensions)}`;
    }
    for (const [name, dimensionValue] of Object.entries(dimensions)) {
      if (typeof dimensionValue !== 'string') {
        const path = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `.${name}` : `[${quoted(name)}]`;
        return `.dimensions${path} must be a string; got ${describeJson(dimensionValue)}`;
      }
    }
    tags = dimensions as Record<string, string>;
  }
  return { measurement: kpi, tags, fields: { value }, timestamp };
}

/** Epoch ns of an ISO date-time string or epoch-ms integer, or what is wrong with it. */
function parseTime(time: unknown): bigint | string {
  if (typeof time === 'number') {
    if (!Number.isSafeInteger(time) || Math.abs(time) > MAX_DATE_MS) {
      return `must be an ISO-8601 date-time or an integer of epoch milliseconds; got ${time}`;
    }
    return BigInt(time) * NS_PER_MS;
  }
  if (typeof time !== 'string') {
    return `must be an ISO-8601 date-time or an integer of epoch milliseconds; got ${describeJson(time)}`;
  }
  return parseIsoTime(time);
}

/** Epoch ns of an ISO-8601 date-time with time zone, or what is wrong with it. */
export function parseIsoTime(text: string): bigint | string {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) {
    return `${quoted(text)} is not an ISO-8601 date-time with time zone, e.g. "2026-11-24T10:00:00Z" or "2026-11-24T05:00:00-05:00"`;
  }
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number, number, number, number, number, number,
  ];
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  check.setUTCHours(hour, minute, second, 0);
  const ms = check.getTime();
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return `${quoted(text)} is not a real date and time`;
  }
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return `${quoted(text)} has an invalid time zone offset`;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const fraction = m[7] ?? '';
  const fractionNs = fraction === '' ? 0n : BigInt(fraction.padEnd(9, '0'));
  return BigInt(ms - offsetMinutes * 60_000) * NS_PER_MS + fractionNs;
}

function malformed(message: string): FinmonError {
  return new FinmonError(ErrorCodes.INGEST_MALFORMED, message, 400);
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

/** A short description of a JSON value for error messages: its type and, when small, itself. */
function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return `string ${quoted(value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
