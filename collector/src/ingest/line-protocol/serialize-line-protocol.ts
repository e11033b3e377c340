import type { FieldValue, Point } from '../../core/point';

/**
 * Points → InfluxDB line protocol with nanosecond timestamps, escaped as InfluxDB 1.x (and
 * `parseLineProtocol`) read it back: measurement escapes comma and space; tag keys, tag values
 * and field keys escape comma, equals and space; string fields escape `"` and `\`.
 * Tags are written sorted by key (InfluxDB's preferred order); `value` is the first field.
 *
 * Some names cannot be expressed in line protocol and make these functions throw an Error naming
 * the point: an empty name or tag value, a line break in any name or string, a name or tag value
 * ending in a backslash (it would escape the separator after it), a measurement starting with
 * `#` or a tab (read as a comment or blank), a non-finite number, or an extra field called
 * `value`. `validatePoint` rejects such input at ingest, so only a programming error can get here.
 *
 * One influxd 1.6 quirk is not covered: in field keys it reads `\\` as a pair, so a field key with
 * a backslash right before a comma, "=" or space is stored differently from how `parseLineProtocol`
 * reads it. Field keys are fixed names in finmon (`value`, rollup fields), so this does not arise.
 */

const NEEDS_KEY_ESCAPE = /[,= \\\n]/;
const NEEDS_MEASUREMENT_ESCAPE = /[, \\\n#\t]/;
const NEEDS_STRING_ESCAPE = /["\\\n]/;

/** Serializes points, one line each, every line ending in "\n"; a point's received `line` is used as is. */
export function serializeLineProtocol(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const lines = new Array<string>(points.length);
  for (let i = 0; i < points.length; i++) {
    const point = points[i] as Point;
    lines[i] = point.line ?? serializePoint(point);
  }
  return `${lines.join('\n')}\n`;
}

/** Serializes one point as a single line (without the trailing newline). */
export function serializePoint(point: Point): string {
  let line = escapeMeasurement(point.kpi, point);
  const tags = point.tags;
  const keys = Object.keys(tags);
  if (keys.length > 1) keys.sort();
  for (const key of keys) {
    line += `,${escapeKey(key, 'tag key', point)}=${escapeKey(tags[key] as string, `tag ${JSON.stringify(key)}`, point)}`;
  }
  line += ` value=${formatFloat(point.value, 'value', point)}`;
  const fields = point.fields;
  if (fields !== undefined) {
    for (const key of Object.keys(fields)) {
      if (key === 'value') fail(point, 'has an extra field named "value", which would repeat the point value');
      line += `,${escapeKey(key, 'field key', point)}=${formatField(fields[key] as FieldValue, key, point)}`;
    }
  }
  return `${line} ${point.ns}`;
}

function escapeMeasurement(name: string, point: Point): string {
  if (!NEEDS_MEASUREMENT_ESCAPE.test(name) && name !== '') return name;
  if (name === '') fail(point, 'has an empty KPI id (measurement)');
  const first = name.charCodeAt(0);
  if (first === 35 || first === 9) fail(point, 'has a measurement starting with "#" or a tab, which line protocol reads as a comment or blank');
  checkRepresentable(name, 'measurement', point);
  return name.replace(/[, ]/g, '\\$&');
}

function escapeKey(text: string, what: string, point: Point): string {
  if (!NEEDS_KEY_ESCAPE.test(text) && text !== '') return text;
  if (text === '') fail(point, `has an empty ${what}`);
  checkRepresentable(text, what, point);
  return text.replace(/[,= ]/g, '\\$&');
}

function checkRepresentable(text: string, what: string, point: Point): void {
  if (text.includes('\n')) fail(point, `has a line break in ${what} ${JSON.stringify(text)}`);
  if (text.endsWith('\\')) fail(point, `has ${what} ${JSON.stringify(text)} ending in a backslash, which line protocol cannot express`);
}

function formatFloat(value: number, key: string, point: Point): string {
  if (!Number.isFinite(value)) fail(point, `has a non-finite field ${JSON.stringify(key)} (${value})`);
  return Object.is(value, -0) ? '-0' : String(value);
}

function formatField(value: FieldValue, key: string, point: Point): string {
  if (typeof value === 'number') return formatFloat(value, key, point);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (!NEEDS_STRING_ESCAPE.test(value)) return `"${value}"`;
  if (value.includes('\n')) fail(point, `has a line break in string field ${JSON.stringify(key)}`);
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function fail(point: Point, problem: string): never {
  const tags = JSON.stringify(point.tags);
  throw new Error(`cannot write point ${JSON.stringify(point.kpi)} ${tags.length > 200 ? `${tags.slice(0, 200)}…` : tags} at ${point.ns}ns as line protocol: it ${problem}`);
}
