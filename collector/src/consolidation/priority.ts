import { SEVERITY_RANK, type Alert, type Incident } from '../alerting/alert-model';

/**
 * The priority of an incident (0–100): the most urgent of its active alerts (each alert's priority
 * comes from its severity and its KPI's business impact, see the lifecycle), plus 2 points for each
 * further KPI affected (at most 10): a problem that shows on several KPIs is broader.
 * A resolved incident keeps the priority of all its alerts.
 */
export function incidentPriority(alerts: readonly Alert[]): number {
  const active = alerts.filter((a) => a.state === 'firing' || a.state === 'acknowledged');
  const counted = active.length > 0 ? active : alerts;
  if (counted.length === 0) return 0;
  const top = Math.max(...counted.map((a) => a.priority));
  const kpis = new Set(counted.map((a) => a.kpi)).size;
  return Math.min(100, top + Math.min(10, 2 * (kpis - 1)));
}

const STATE_RANK: Readonly<Record<Incident['state'], number>> = { firing: 2, acknowledged: 1, resolved: 0 };

/**
 * Order of incidents for people and for work: firing before acknowledged before resolved, then
 * higher priority, higher severity, older first, and the id to break ties.
 */
export function compareIncidents(a: Incident, b: Incident): number {
  return (
    STATE_RANK[b.state] - STATE_RANK[a.state] ||
    b.priority - a.priority ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.openedAt - b.openedAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Alerts most urgent first: severity, priority, then the earliest. */
export function compareAlerts(a: Alert, b: Alert): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    b.priority - a.priority ||
    (a.firingAt ?? a.startsAt) - (b.firingAt ?? b.startsAt) ||
    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)
  );
}
