import type { Alert } from '../alert-model';
import type { AlertRecordState, StoredAlert } from '../lifecycle/alert-lifecycle';
import type { PersistedSeries } from '../rules/series-table';

/**
 * Decoding of stored alert JSON. Stores hand back what they stored, but a row edited by hand or
 * written by a newer version must not stop the collector: each decoder returns the value or a
 * description of what is wrong (the caller skips the row and reports it).
 */

const STATES = new Set(['pending', 'firing', 'acknowledged', 'resolved']);
const SEVERITIES = new Set(['critical', 'warning', 'info']);

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What is wrong with a stored alert, or undefined when it has the fields the engine relies on. */
export function alertProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'not a JSON object';
  if (typeof v.fingerprint !== 'string' || v.fingerprint === '') return 'no fingerprint';
  if (typeof v.kpi !== 'string' || typeof v.ruleId !== 'string') return 'no kpi or ruleId';
  if (typeof v.state !== 'string' || !STATES.has(v.state)) return `unknown state ${JSON.stringify(v.state)}`;
  if (typeof v.severity !== 'string' || !SEVERITIES.has(v.severity)) return `unknown severity ${JSON.stringify(v.severity)}`;
  if (typeof v.startsAt !== 'number' || typeof v.updatedAt !== 'number') return 'no startsAt/updatedAt';
  if (!isObject(v.series) || !isObject(v.labels) || !isObject(v.details)) return 'series, labels or details missing';
  if (typeof v.priority !== 'number' || typeof v.flapping !== 'boolean') return 'no priority or flapping';
  return undefined;
}

function lifecycleProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'lifecycle is not a JSON object';
  if (typeof v.forMs !== 'number' || typeof v.seq !== 'number') return 'lifecycle without forMs or seq';
  if (typeof v.event !== 'boolean' || typeof v.manuallyResolved !== 'boolean') return 'lifecycle without event or manuallyResolved';
  if (!Array.isArray(v.changes) || !v.changes.every((t) => typeof t === 'number')) return 'lifecycle changes are not times';
  return undefined;
}

export function decodeStoredAlert(alertJson: string, lifecycleJson: string): StoredAlert | string {
  const alert = parse(alertJson);
  const lifecycle = parse(lifecycleJson);
  const problem = alertProblem(alert) ?? lifecycleProblem(lifecycle);
  if (problem !== undefined) return problem;
  return { alert: alert as Alert, lifecycle: lifecycle as AlertRecordState };
}

export function decodeTransitionAlert(json: string): Alert | undefined {
  const alert = parse(json);
  return alertProblem(alert) === undefined ? (alert as Alert) : undefined;
}

export function decodePersistedSeries(json: string): PersistedSeries | string {
  const v = parse(json);
  if (!isObject(v)) return 'not a JSON object';
  if (!isObject(v.tags) || !Object.values(v.tags).every((t) => typeof t === 'string')) return 'tags are not strings';
  if (typeof v.lastSeenAt !== 'number') return 'no lastSeenAt';
  if (v.silentSince !== undefined && typeof v.silentSince !== 'number') return 'silentSince is not a time';
  return v as unknown as PersistedSeries;
}

/** A filter field as a list, or undefined when not filtered. */
export function filterValues(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : value;
}
