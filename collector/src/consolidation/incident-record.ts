import { createHash } from 'node:crypto';
import { SEVERITY_RANK, type Actor, type Alert, type Incident, type Severity } from '../alerting/alert-model';
import type { NotificationLog } from './needs-update';
import { compareAlerts } from './priority';

/**
 * What the consolidator keeps per incident: the incident itself (rebuilt from its alerts on every
 * change), the group keys it gathered, its group timers and what was last notified. Plain JSON:
 * the state store saves it as is, and a restarted collector continues from it.
 */
export interface IncidentRecord {
  readonly incident: Incident;
  /** Group keys of its alerts: one, or several when correlation merged related alerts. */
  readonly groupKeys: readonly string[];
  /** The first flush (openedAt + group wait); later flushes fall on this plus whole group intervals. */
  readonly firstFlushAt: number;
  /** When the consolidator looks at it next; undefined: only an event will. */
  readonly nextFlushAt?: number;
  /** The last notification (Alertmanager's notification log entry). */
  readonly notified?: NotificationLog;
  readonly notifications: number;
  /** An acknowledgement of the whole incident: see `ackCovers` for the alerts it covers. */
  readonly acknowledged?: IncidentAcknowledgement;
  /** A person resolved the incident by hand. */
  readonly resolvedBy?: { readonly by: Actor; readonly at: number; readonly comment?: string };
  /**
   * Resolved by itself and its resolution told: kept open (reopenable, see
   * `ConsolidationConfig.reopen`) until then, and closed at that time if nothing fired again.
   */
  readonly heldUntil?: number;
  /**
   * Resolved by itself, its resolution not told yet: told at this time if nothing fired again
   * (see `ConsolidationConfig.confirmResolved`).
   */
  readonly confirmUntil?: number;
  /**
   * How many times it fired again after its resolution was told (absent: never). An incident that
   * came back once is flapping: its next all-clear waits as long as it stays reopenable (see
   * `ConsolidationConfig.confirmResolved`).
   */
  readonly reopenedAfterTold?: number;
  /** Resolved and its resolution handled: nothing more happens to it. */
  readonly closed: boolean;
}

/** A person acknowledged the whole incident. */
export interface IncidentAcknowledgement {
  readonly by: Actor;
  readonly at: number;
  /** The alerts active at that time. */
  readonly fingerprints: readonly string[];
  /** The incident's severity at that time (absent in records of older versions). */
  readonly severity?: Severity;
  readonly comment?: string;
}

/**
 * Whether an acknowledgement of the incident covers an alert (PagerDuty's semantics: alerts grouped
 * into an acknowledged incident do not page again unless they make it worse): every alert no more
 * severe than the incident was when acknowledged, whether it was there then or joined later. An
 * alert more severe than that (a new one, or one whose severity rose) makes the incident fire
 * again. An acknowledgement without a severity (older records) covers the alerts it listed.
 */
export function ackCovers(ack: IncidentAcknowledgement | undefined, alert: Alert): boolean {
  if (ack === undefined) return false;
  if (ack.severity === undefined) return ack.fingerprints.includes(alert.fingerprint);
  return SEVERITY_RANK[alert.severity] <= SEVERITY_RANK[ack.severity];
}

/** Deterministic incident id from its first group key, opening time and first alert. */
export function incidentId(groupKey: string, openedAt: number, fingerprint: string): string {
  return `inc-${createHash('sha256').update(`${groupKey}\n${openedAt}\n${fingerprint}`).digest('hex').slice(0, 16)}`;
}

export function isActive(alert: Alert): boolean {
  return alert.state === 'firing' || alert.state === 'acknowledged';
}

/**
 * Builds the incident of a set of alerts:
 * - state: resolved when resolved by hand or no alert is active; acknowledged when every active
 *   alert is acknowledged (or covered by an acknowledgement of the incident, see `ackCovers`);
 *   firing otherwise;
 * - severity, class, category and title from the most urgent active alert (all alerts once resolved);
 * - priority: see `incidentPriority`.
 */
export function buildIncident(input: {
  id: string;
  groupKey: string;
  alerts: readonly Alert[];
  openedAt: number;
  updatedAt: number;
  acknowledged?: IncidentRecord['acknowledged'];
  resolvedBy?: IncidentRecord['resolvedBy'];
}): Incident {
  const { alerts } = input;
  if (alerts.length === 0) throw new Error(`incident ${input.id} has no alerts`);
  // One pass over the alerts (incidents may hold thousands and are rebuilt on every change),
  // summarising the active alerts and all alerts side by side.
  const ack = input.acknowledged;
  const active = new Summary();
  const all = new Summary();
  let allAcknowledged = true;
  let lastChange = Number.NEGATIVE_INFINITY;
  for (const a of alerts) {
    all.add(a);
    lastChange = Math.max(lastChange, a.resolvedAt ?? a.updatedAt);
    if (!isActive(a)) continue;
    active.add(a);
    if (a.state !== 'acknowledged' && !ackCovers(ack, a)) allAcknowledged = false;
  }
  const resolved = input.resolvedBy !== undefined || active.count === 0;
  const state: Incident['state'] = resolved ? 'resolved' : allAcknowledged ? 'acknowledged' : 'firing';
  const counted = active.count > 0 && !resolved ? active : all;
  const top = counted.top!;
  const resolvedAt = resolved ? (input.resolvedBy?.at ?? lastChange) : undefined;
  return {
    id: input.id,
    groupKey: input.groupKey,
    title: counted.title(),
    severity: top.severity,
    category: top.category,
    alertClass: top.alertClass,
    // The same as incidentPriority(alerts): the active alerts count while there are any.
    priority: (active.count > 0 ? active : all).priority(),
    state,
    alerts,
    kpis: [...all.kpis.keys()],
    openedAt: input.openedAt,
    updatedAt: input.updatedAt,
    ...(resolvedAt === undefined ? {} : { resolvedAt }),
  };
}

/** Running facts about a set of alerts: the most urgent, the highest priority, alerts per KPI. */
class Summary {
  count = 0;
  top: Alert | undefined;
  maxPriority = 0;
  /** Alerts per KPI, in order of first appearance. */
  readonly kpis = new Map<string, number>();

  add(a: Alert): void {
    this.count++;
    if (this.top === undefined || compareAlerts(a, this.top) < 0) this.top = a;
    this.maxPriority = Math.max(this.maxPriority, a.priority);
    this.kpis.set(a.kpi, (this.kpis.get(a.kpi) ?? 0) + 1);
  }

  /** See `incidentPriority`. */
  priority(): number {
    if (this.count === 0) return 0;
    return Math.min(100, this.maxPriority + Math.min(10, 2 * (this.kpis.size - 1)));
  }

  /** See `incidentTitle`. */
  title(): string {
    const top = this.top!;
    if (this.count === 1) return top.summary;
    const kpis = [...this.kpis].filter(([kpi, n]) => n - (kpi === top.kpi ? 1 : 0) > 0).map(([kpi]) => kpi);
    const named = kpis.length <= 3 ? kpis.join(', ') : `${kpis.slice(0, 3).join(', ')}…`;
    return `${top.summary} (+${this.count - 1} more: ${named})`;
  }
}

/**
 * One alert: its summary. Several: the most urgent one's summary and the KPIs of the others (in
 * the order they joined), e.g.
 * "Cash position 812,400 USD is below 1,000,000 USD (+2 more: bank_balance, runway_months)".
 */
export function incidentTitle(top: Alert, alerts: readonly Alert[]): string {
  const others = alerts.filter((a) => a.fingerprint !== top.fingerprint);
  if (others.length === 0) return top.summary;
  const affected = new Set(others.map((a) => a.kpi));
  const kpis = [...new Set(alerts.map((a) => a.kpi))].filter((kpi) => affected.has(kpi));
  const named = kpis.length <= 3 ? kpis.join(', ') : `${kpis.slice(0, 3).join(', ')}…`;
  return `${top.summary} (+${others.length} more: ${named})`;
}

/** The record with its incident rebuilt from `alerts` at `now`. */
export function withAlerts(record: IncidentRecord, alerts: readonly Alert[], now: number): IncidentRecord {
  return {
    ...record,
    incident: buildIncident({
      id: record.incident.id,
      groupKey: record.incident.groupKey,
      alerts,
      openedAt: record.incident.openedAt,
      updatedAt: now,
      ...(record.acknowledged === undefined ? {} : { acknowledged: record.acknowledged }),
      ...(record.resolvedBy === undefined ? {} : { resolvedBy: record.resolvedBy }),
    }),
  };
}
