import type { Clock } from '../core/clock';
import { nsToMs, type Point } from '../core/point';
import type { KpiDefinition } from '../config/kpi-schema';
import type { ParsedRecord } from './line-protocol/parse-line-protocol';

/** What ingest needs to know of a KPI; a full `KpiDefinition` fits. */
export type IngestibleKpi = Pick<KpiDefinition, 'dimensions' | 'formula'>;

/** Finds a KPI definition by id; undefined when the catalog has no such KPI. */
export type KpiLookup = (kpiId: string) => IngestibleKpi | undefined;

/** Bounds on what a pushed point may contain. */
export interface PointLimits {
  /** Earliest accepted timestamp, epoch ms (default 2000-01-01T00:00:00Z). */
  readonly minTime: number;
  /** How far past `clock.now()` a timestamp may lie, ms (default 7 days). */
  readonly maxFutureMs: number;
  /** Longest accepted dimension (tag) value, in UTF-16 code units (default 256). */
  readonly maxTagValueLength: number;
}

export const DEFAULT_POINT_LIMITS: PointLimits = Object.freeze({
  minTime: Date.UTC(2000, 0, 1),
  maxFutureMs: 7 * 86_400_000,
  maxTagValueLength: 256,
});

export type PointValidation = { readonly ok: true; readonly point: Point } | { readonly ok: false; readonly reason: string };

const NS_PER_MS = 1_000_000n;
/** The range `Date` can show as ISO text. */
const MAX_DATE_MS = 8.64e15;
const MAX_NAMES_LISTED = 10;

/**
 * Turns a parsed record (from line protocol or the JSON batch) into a `Point`, or says why not:
 * the measurement must be a pushable KPI of the catalog, the only field must be a finite numeric
 * `value`, tags must be declared dimensions of that KPI with non-empty values of at most
 * `maxTagValueLength` characters that line protocol can carry, and the timestamp (absent → now)
 * must lie in [minTime, now + maxFutureMs]. Pure; reads `clock.now()` once. O(tags + fields).
 *
 * @example validatePoint({ measurement: 'revenue', tags: { region: 'na' }, fields: { value: 5 },
 *   timestamp: undefined }, lookup, clock) // → { ok: true, point: { kpi: 'revenue', … } }
 */
export function validatePoint(
  record: ParsedRecord,
  catalog: KpiLookup,
  clock: Clock,
  limits: PointLimits = DEFAULT_POINT_LIMITS,
): PointValidation {
  const kpiId = record.measurement;
  const kpi = catalog(kpiId);
  if (kpi === undefined) return reject(`unknown KPI ${quoted(kpiId)} (not in metrics_config.json)`);
  if (kpi.formula !== undefined) return reject(`KPI ${quoted(kpiId)} is derived from a formula; push its inputs`);

  const valueProblem = checkFields(record.fields);
  if (valueProblem !== undefined) return reject(`KPI ${quoted(kpiId)}: ${valueProblem}`);
  const value = record.fields.value as number;

  const tagProblem = checkTags(record.tags, kpi, limits.maxTagValueLength);
  if (tagProblem !== undefined) return reject(`KPI ${quoted(kpiId)}: ${tagProblem}`);

  const now = clock.now();
  let ns = record.timestamp;
  let time: number;
  if (ns === undefined) {
    time = Math.trunc(now);
    ns = BigInt(time) * NS_PER_MS;
  } else {
    time = nsToMs(ns);
  }
  if (time < limits.minTime) {
    return reject(`KPI ${quoted(kpiId)}: timestamp ${isoOf(time)} is absurd: before ${isoOf(limits.minTime)}`);
  }
  if (time > now + limits.maxFutureMs) {
    return reject(
      `KPI ${quoted(kpiId)}: timestamp ${isoOf(time)} is absurd: more than ${describeMs(limits.maxFutureMs)} after now (${isoOf(now)})`,
    );
  }
  return { ok: true, point: { kpi: kpiId, tags: record.tags, value, time, ns } };
}

function reject(reason: string): PointValidation {
  return { ok: false, reason };
}

/** Undefined when `fields` is exactly { value: finite number }, else what is wrong. */
function checkFields(fields: Readonly<Record<string, unknown>>): string | undefined {
  let extra: string[] | undefined;
  let hasValue = false;
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    if (key === 'value') hasValue = true;
    else (extra ??= []).push(key);
  }
  if (extra !== undefined) {
    const names = listNames(extra);
    return `unexpected field${extra.length > 1 ? 's' : ''} ${names}; only the field "value" is accepted`;
  }
  if (!hasValue) return 'missing the field "value"';
  const value = fields.value;
  if (typeof value !== 'number') {
    const shown = typeof value === 'string' ? quoted(value) : String(value);
    return `field "value" must be numeric (float, integer or unsigned); got ${typeof value} ${shown}`;
  }
  if (!Number.isFinite(value)) return `field "value" must be a finite number; got ${value}`;
  return undefined;
}

/** Undefined when every tag is a declared dimension with an acceptable value, else what is wrong. */
function checkTags(tags: Readonly<Record<string, string>>, kpi: IngestibleKpi, maxLength: number): string | undefined {
  for (const key in tags) {
    if (!Object.hasOwn(tags, key)) continue;
    if (!kpi.dimensions.includes(key)) {
      const allowed = kpi.dimensions.length === 0 ? 'it has no dimensions' : `allowed: ${kpi.dimensions.join(', ')}`;
      return `unknown dimension (tag) ${quoted(key)}; ${allowed}`;
    }
    const value = tags[key];
    if (typeof value !== 'string') return `dimension ${quoted(key)} must be a string`;
    if (value === '') return `dimension ${quoted(key)} has an empty value`;
    if (value.length > maxLength) return `dimension ${quoted(key)} is longer than ${maxLength} characters (${value.length})`;
    if (value.includes('\n') || value.includes('\r')) return `dimension ${quoted(key)} contains a line break`;
    if (value.endsWith('\\')) return `dimension ${quoted(key)} ends with a backslash, which line protocol cannot store`;
  }
  return undefined;
}

function quoted(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMES_LISTED).map(quoted).join(', ');
  return names.length > MAX_NAMES_LISTED ? `${shown} and ${names.length - MAX_NAMES_LISTED} more` : shown;
}

/** ISO-8601 text of an epoch-ms time, or a plain count when Date cannot show it. */
export function isoOf(timeMs: number): string {
  return Math.abs(timeMs) <= MAX_DATE_MS ? new Date(timeMs).toISOString() : `${timeMs} ms after 1970-01-01T00:00:00Z`;
}

function describeMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day${ms === 86_400_000 ? '' : 's'}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${ms} ms`;
}
