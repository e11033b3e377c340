import type { Actor, AlertCategory, AlertClass, AlertState, AlertTransition, Severity } from '../../alerting/alert-model';

/**
 * One entry of the dashboard's news feed: an alert transition as people read it. Served by
 * GET /api/v1/feed (newest first) and mirrored as an annotation point in InfluxDB `alert_events`.
 */
export interface FeedEvent {
  /** Deterministic: the same transition recorded twice is one entry. */
  readonly id: string;
  readonly time: number;
  readonly fingerprint: string;
  readonly kpi: string;
  readonly severity: Severity;
  readonly category: AlertCategory;
  readonly alertClass: AlertClass;
  readonly from: AlertState | null;
  readonly to: AlertState;
  /** "Firing: Cash position ops-usd 812,400 USD is below 1,000,000 USD" */
  readonly title: string;
  /** Why, and who when a person did it: "acknowledged: looking into it (by Dana Whitfield)" */
  readonly text: string;
  readonly value?: number;
  readonly threshold?: number;
  readonly incident?: string;
  readonly actor: Actor;
  readonly series: Readonly<Record<string, string>>;
}

const STATE_LABEL: Readonly<Record<AlertState, string>> = {
  pending: 'Pending',
  firing: 'Firing',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

const MAX_TITLE = 300;
const MAX_TEXT = 1000;

/** The feed entry of a transition (pure). `incidentId`: the incident the alert belongs to, if any. */
export function feedEventFromTransition(transition: AlertTransition, incidentId?: string): FeedEvent {
  const alert = transition.alert;
  const by = transition.actor.kind === 'system' ? '' : ` (by ${transition.actor.name})`;
  return {
    id: feedEventId(transition),
    time: transition.at,
    fingerprint: transition.fingerprint,
    kpi: alert.kpi,
    severity: alert.severity,
    category: alert.category,
    alertClass: alert.alertClass,
    from: transition.from,
    to: transition.to,
    title: clip(`${STATE_LABEL[transition.to]}: ${alert.summary}`, MAX_TITLE),
    text: clip(`${transition.reason}${by}`, MAX_TEXT),
    ...(alert.value !== undefined && Number.isFinite(alert.value) ? { value: alert.value } : {}),
    ...(alert.threshold !== undefined && Number.isFinite(alert.threshold) ? { threshold: alert.threshold } : {}),
    ...(incidentId === undefined ? {} : { incident: incidentId }),
    actor: transition.actor,
    series: alert.series,
  };
}

/** `{fingerprint}:{time}:{state}`: one entry per alert, instant and new state. */
export function feedEventId(transition: Pick<AlertTransition, 'fingerprint' | 'at' | 'to'>): string {
  return `${transition.fingerprint}:${transition.at}:${transition.to}`;
}

function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
