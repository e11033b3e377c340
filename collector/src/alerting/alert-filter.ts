import type { Alert, AlertCategory, AlertClass, AlertState, Severity } from './alert-model';

/** Filters of `GET /api/v1/alerts`: each given field must match (a list matches any of its values). */
export interface AlertFilter {
  readonly state?: AlertState | readonly AlertState[];
  readonly severity?: Severity | readonly Severity[];
  readonly category?: AlertCategory | readonly AlertCategory[];
  readonly alertClass?: AlertClass | readonly AlertClass[];
  readonly kpi?: string | readonly string[];
}

function matches<T extends string>(value: T, wanted: T | readonly T[] | undefined): boolean {
  if (wanted === undefined) return true;
  return typeof wanted === 'string' ? value === wanted : (wanted as readonly T[]).includes(value);
}

export function alertMatches(alert: Alert, filter: AlertFilter): boolean {
  return (
    matches(alert.state, filter.state) &&
    matches(alert.severity, filter.severity) &&
    matches(alert.category, filter.category) &&
    matches(alert.alertClass, filter.alertClass) &&
    matches(alert.kpi, filter.kpi)
  );
}

/** The order alert lists use: open before resolved, then priority (high first), then newest first. */
export function compareAlerts(a: Alert, b: Alert): number {
  const openA = a.state === 'resolved' ? 1 : 0;
  const openB = b.state === 'resolved' ? 1 : 0;
  if (openA !== openB) return openA - openB;
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.startsAt !== b.startsAt) return b.startsAt - a.startsAt;
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}
