import { SEVERITY_RANK, type Alert, type Dispatch, type Incident } from '../alerting/alert-model';
import type { DigestContent, NotificationMessage } from './channel-port';

/** Deep links into Grafana (or the preview page); the lead wires the base URL. */
export interface DashboardLinks {
  incidentUrl(incident: Incident): string | undefined;
  digestUrl?(digestId: string): string | undefined;
}

/** The message of a dispatch: one incident, why it is sent and at which level. */
export function incidentMessage(dispatch: Dispatch, links?: DashboardLinks): NotificationMessage {
  const url = links?.incidentUrl(dispatch.incident);
  return {
    kind: 'incident',
    reason: dispatch.reason,
    incident: dispatch.incident,
    ...(dispatch.level === undefined ? {} : { level: dispatch.level }),
    at: dispatch.at,
    ...(url === undefined ? {} : { dashboardUrl: url }),
  };
}

/**
 * One message for notifications a rate limit held back: a digest of their incidents' alerts (the
 * latest state of each alert), `folded` = how many notifications it stands for.
 */
export function foldedMessage(
  recipientName: string,
  held: readonly NotificationMessage[],
  folded: number,
  now: number,
): NotificationMessage {
  const periodStart = Math.min(now, ...held.map((m) => m.at));
  return {
    kind: 'digest',
    reason: 'digest',
    digest: {
      id: `fold:${now}`,
      title: `${folded} notifications for ${recipientName} held back by the rate limit`,
      periodStart,
      periodEnd: now,
      rows: [],
      alerts: latestAlerts(held.flatMap((m) => [...(m.incident?.alerts ?? []), ...(m.digest?.alerts ?? [])])),
    },
    folded,
    at: now,
  };
}

/** A scheduled digest's message. */
export function digestMessage(content: DigestContent, at: number, dashboardUrl?: string): NotificationMessage {
  return { kind: 'digest', reason: 'digest', digest: content, at, ...(dashboardUrl === undefined ? {} : { dashboardUrl }) };
}

/** Each alert once (by fingerprint), in its latest state; most severe, then highest priority, then newest first. */
export function latestAlerts(alerts: readonly Alert[]): Alert[] {
  const byFingerprint = new Map<string, Alert>();
  for (const alert of alerts) {
    const seen = byFingerprint.get(alert.fingerprint);
    if (seen === undefined || alert.updatedAt >= seen.updatedAt) byFingerprint.set(alert.fingerprint, alert);
  }
  return [...byFingerprint.values()].sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.priority - a.priority || b.updatedAt - a.updatedAt,
  );
}

/** The most severe severity among messages (incident or digest alerts); info when there is none. */
export function highestSeverity(messages: readonly NotificationMessage[]): Incident['severity'] {
  const all = messages.flatMap((m) => [m.incident?.severity, ...(m.digest?.alerts ?? []).map((a) => a.severity)]);
  if (all.includes('critical')) return 'critical';
  if (all.includes('warning')) return 'warning';
  return 'info';
}
