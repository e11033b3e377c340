import { DateTime } from 'luxon';
import { SEVERITY_RANK, type Alert, type Incident, type Severity } from '../../alerting/alert-model';
import type { Recipient } from '../../config/notification-settings-schema';
import type { NotificationMessage } from '../../notify/channel-port';
import type { TemplateShape, TemplateView } from './template';

/**
 * The values every channel's templates can use, built from one message for one recipient: texts
 * already formatted (numbers, times in the recipient's time zone), flags for sections. This is the
 * single place deciding what a notification says; channels only lay it out.
 */

/** How many alerts of an incident the view lists (the rest are counted in `moreAlerts`). */
export const MAX_LISTED_ALERTS = 10;

const ALERT_SHAPE: TemplateShape = {
  summary: 'value',
  kpi: 'value',
  severity: 'value',
  severityUpper: 'value',
  state: 'value',
  value: 'value',
  threshold: 'value',
  series: 'value',
  since: 'value',
};

const DIGEST_ROW_SHAPE: TemplateShape = {
  kpi: 'value',
  name: 'value',
  value: 'value',
  unit: 'value',
  target: 'value',
  status: 'value',
  statusUpper: 'value',
  isProblem: 'value',
};

/** The names templates may use (checked when the configuration loads). */
export const MESSAGE_VIEW_SHAPE: TemplateShape = {
  kind: 'value',
  isIncident: 'value',
  isDigest: 'value',
  isResolved: 'value',
  severity: 'value',
  severityUpper: 'value',
  severityLabel: 'value',
  reason: 'value',
  reasonText: 'value',
  title: 'value',
  summary: 'value',
  category: 'value',
  alertClass: 'value',
  state: 'value',
  incidentId: 'value',
  kpis: 'value',
  alertCount: 'value',
  alerts: { list: ALERT_SHAPE },
  moreAlerts: 'value',
  level: 'value',
  at: 'value',
  atIso: 'value',
  openedAt: 'value',
  dashboardUrl: 'value',
  folded: 'value',
  recipientName: 'value',
  timezone: 'value',
  digest: {
    object: {
      periodStart: 'value',
      periodEnd: 'value',
      rows: { list: DIGEST_ROW_SHAPE },
      alerts: { list: ALERT_SHAPE },
      alertCount: 'value',
      problemCount: 'value',
    },
  },
  chart: { object: { src: 'value', alt: 'value' } },
};

const REASON_TEXT: Readonly<Record<NotificationMessage['reason'], string>> = {
  firing: 'Firing',
  update: 'Updated',
  repeat: 'Still firing',
  escalation: 'Escalated',
  ack_timeout: 'Acknowledgement expired',
  resolved: 'Resolved',
  information: 'Information',
  digest: 'Digest',
};

const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

/** The view of `message` for `recipient`. `chart` is set by channels that attach one (email). */
export function buildMessageView(
  message: NotificationMessage,
  recipient: Pick<Recipient, 'name' | 'timezone'>,
  extra: { chart?: { src: string; alt: string } } = {},
): TemplateView {
  const zone = recipient.timezone;
  const incident = message.incident;
  const digest = message.digest;
  const severity = messageSeverity(message);
  const alerts = incident ? sortAlerts(incident.alerts) : [];
  const top = alerts[0];
  const listed = alerts.slice(0, MAX_LISTED_ALERTS).map((a) => alertView(a, zone));
  const title = incident?.title ?? digest?.title ?? 'finmon notification';
  const summary = incident
    ? (top?.summary ?? incident.title)
    : digest
      ? `${digest.rows.length} KPIs, ${digest.alerts.length} alerts`
      : '';
  return {
    kind: message.kind,
    isIncident: message.kind === 'incident',
    isDigest: message.kind === 'digest',
    isResolved: message.reason === 'resolved' || incident?.state === 'resolved',
    severity,
    severityUpper: severity.toUpperCase(),
    severityLabel: SEVERITY_LABEL[severity],
    reason: message.reason,
    reasonText: REASON_TEXT[message.reason],
    title,
    summary,
    category: incident?.category ?? '',
    alertClass: incident?.alertClass ?? '',
    state: incident?.state ?? '',
    incidentId: incident?.id ?? '',
    kpis: incident ? incident.kpis.join(', ') : '',
    alertCount: incident ? incident.alerts.length : (digest?.alerts.length ?? 0),
    alerts: listed,
    moreAlerts: alerts.length > MAX_LISTED_ALERTS ? alerts.length - MAX_LISTED_ALERTS : undefined,
    level: message.level !== undefined ? message.level + 1 : undefined,
    at: formatTime(message.at, zone),
    atIso: new Date(message.at).toISOString(),
    openedAt: incident ? formatTime(incident.openedAt, zone) : '',
    dashboardUrl: safeUrl(message.dashboardUrl),
    folded: message.folded !== undefined && message.folded > 0 ? message.folded : undefined,
    recipientName: recipient.name,
    timezone: zone,
    digest: digest
      ? {
          periodStart: formatTime(digest.periodStart, zone),
          periodEnd: formatTime(digest.periodEnd, zone),
          rows: digest.rows.map((row) => ({
            kpi: row.kpi,
            name: row.name,
            value: row.value === undefined ? '–' : formatNumber(row.value),
            unit: row.unit,
            target: row.target === undefined ? '' : formatNumber(row.target),
            status: row.status,
            statusUpper: row.status.toUpperCase(),
            isProblem: row.status === 'warning' || row.status === 'critical',
          })),
          alerts: sortAlerts(digest.alerts).map((a) => alertView(a, zone)),
          alertCount: digest.alerts.length,
          problemCount: digest.rows.filter((r) => r.status === 'warning' || r.status === 'critical').length,
        }
      : undefined,
    chart: extra.chart,
  };
}

/** The message's severity: the incident's, or for a digest the highest among its alerts (info when none). */
export function messageSeverity(message: NotificationMessage): Severity {
  if (message.incident) return message.incident.severity;
  let highest: Severity = 'info';
  for (const alert of message.digest?.alerts ?? []) {
    if (SEVERITY_RANK[alert.severity] > SEVERITY_RANK[highest]) highest = alert.severity;
  }
  return highest;
}

/** The incident's most important alert (highest priority, firing before others): the one a chart shows. */
export function leadAlert(incident: Incident): Alert | undefined {
  return sortAlerts(incident.alerts)[0];
}

const STATE_ORDER: Readonly<Record<Alert['state'], number>> = { firing: 0, acknowledged: 1, pending: 2, resolved: 3 };

function sortAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      b.priority - a.priority ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
}

function alertView(alert: Alert, zone: string): TemplateView {
  return {
    summary: alert.summary,
    kpi: alert.kpi,
    severity: alert.severity,
    severityUpper: alert.severity.toUpperCase(),
    state: alert.state,
    value: alert.value === undefined ? '' : formatNumber(alert.value),
    threshold: alert.threshold === undefined ? '' : formatNumber(alert.threshold),
    series: Object.entries(alert.series)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
    since: formatTime(alert.firingAt ?? alert.startsAt, zone),
  };
}

/** 1234567.891 → "1,234,567.89"; large magnitudes keep two decimals at most, tiny ones four significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && abs < 0.01) return value.toPrecision(4);
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** "2026-03-04 09:15 EST" in the recipient's time zone. */
export function formatTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-LL-dd HH:mm ZZZZ');
}

/** Only http(s) links reach a template (a `javascript:` URL would otherwise survive escaping). */
function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}
