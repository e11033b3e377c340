import type { Alert, AlertCategory, FeedEvent, Severity } from '../collector/collector-types';

/** Which severities and categories to show; an empty list shows all. */
export interface FeedFilter {
  severities: readonly Severity[];
  categories: readonly AlertCategory[];
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };
const STATE_RANK: Record<Alert['state'], number> = { firing: 3, pending: 2, acknowledged: 1, resolved: 0 };

function passes(filter: FeedFilter, severity: Severity | undefined, category: AlertCategory | undefined): boolean {
  const severityOk = filter.severities.length === 0 || (severity !== undefined && filter.severities.includes(severity));
  const categoryOk = filter.categories.length === 0 || (category !== undefined && filter.categories.includes(category));
  return severityOk && categoryOk;
}

/**
 * The active alerts (not resolved) that pass the filter, most urgent first: firing before pending
 * before acknowledged, then by severity, priority, and the newest start.
 */
export function activeAlerts(alerts: readonly Alert[], filter: FeedFilter): Alert[] {
  return alerts
    .filter((a) => a.state !== 'resolved' && passes(filter, a.severity, a.category))
    .sort(
      (a, b) =>
        STATE_RANK[b.state] - STATE_RANK[a.state] ||
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        (b.priority ?? 0) - (a.priority ?? 0) ||
        b.startsAt - a.startsAt
    );
}

/** Epoch ms of an event's time (epoch ms or ISO string); NaN when unreadable. */
export function eventTime(event: FeedEvent): number {
  return typeof event.time === 'number' ? event.time : Date.parse(event.time);
}

/** The events that pass the filter, newest first, at most `limit`. Events without severity pass only an empty severity filter. */
export function recentEvents(events: readonly FeedEvent[], filter: FeedFilter, limit: number): FeedEvent[] {
  return events
    .filter((e) => passes(filter, e.severity, e.category))
    .sort((a, b) => (eventTime(b) || 0) - (eventTime(a) || 0))
    .slice(0, Math.max(0, limit));
}

/** Adds or removes one value of a multi-choice filter. */
export function toggle<T>(values: readonly T[], value: T): T[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}
