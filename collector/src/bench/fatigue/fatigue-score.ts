import type { Dispatch, DispatchReason, Severity } from '../../alerting/alert-model';
import type { Incident as DemoIncident, IncidentKind } from '../../sources/demo-company';
import { alertShowsIncident, INCIDENT_SIGNATURES, isCriticalIncident, type AlertRef, type IncidentSignature } from './incident-signatures';

/**
 * Scores what people were told against the demo's recorded incidents:
 *
 *   notifications   pages: dispatches of a critical or warning incident to at least one recipient,
 *                   for a reason that asks for attention (firing, update, repeat, escalation,
 *                   ack_timeout); 'resolved' and 'information' messages are not pages. The
 *                   dispatches of one decision (same incident, reason and instant) are one
 *                   notification: a dispatch carries one channel list for all its recipients, so
 *                   a page that reaches the treasurer by push and SMS and #finance-alerts by Slack
 *                   travels as two dispatches, yet it is one notification (`decisionsOf`); the
 *                   dispatch count is kept beside it (`dispatches`)
 *   attributed      a page one of whose alerts shows a recorded incident (see alertShowsIncident);
 *                   a page's alerts are its incident's active ones (see `pageOfDispatch`)
 *   detected        recorded incidents with at least one attributed page
 *   per_incident    attributed pages / recorded incidents
 *   false_pages     pages attributed to no recorded incident
 *
 * Pure: the replay hands in pages, this counts them.
 */

/** The dispatch reasons that ask a person for attention. */
export const PAGING_REASONS: ReadonlySet<DispatchReason> = new Set<DispatchReason>(['firing', 'update', 'repeat', 'escalation', 'ack_timeout']);

/** One message to people as scoring sees it (a dispatch, or a baseline alert firing). */
export interface Page {
  readonly at: number;
  readonly reason: DispatchReason;
  readonly severity: Severity;
  /** Recipient ids (a baseline firing has none known: it counts as one page). */
  readonly recipients: readonly string[];
  /** The alerts the message is about. */
  readonly alerts: readonly (AlertRef & { readonly ruleId: string })[];
  /** What produced it: the finmon incident id, or the alert fingerprint of a baseline firing. */
  readonly source: string;
}

/**
 * A dispatch → a page about the alerts of its incident that were active (firing or acknowledged)
 * when it went out: those are what it asks people to look at. An incident also lists the alerts
 * that resolved earlier in its life, for context; a page that reopens a month-old incident for a
 * new alert is not about the alert that resolved weeks before. (A resolution notice, whose alerts
 * all resolved, keeps them all.)
 */
export function pageOfDispatch(dispatch: Dispatch): Page {
  return {
    at: dispatch.at,
    reason: dispatch.reason,
    severity: dispatch.incident.severity,
    recipients: dispatch.recipients,
    alerts: alertsOfPage(dispatch.incident.alerts).map((a) => ({ kpi: a.kpi, series: a.series, ruleId: a.ruleId })),
    source: dispatch.incident.id,
  };
}

function alertsOfPage(alerts: Dispatch['incident']['alerts']): Dispatch['incident']['alerts'] {
  const active = alerts.filter((a) => a.state === 'firing' || a.state === 'acknowledged');
  return active.length > 0 ? active : alerts;
}

/** Whether a page asks a person for attention (see the module comment). */
export function isNotification(page: Page, requireRecipients = true): boolean {
  return (
    PAGING_REASONS.has(page.reason) &&
    (page.severity === 'critical' || page.severity === 'warning') &&
    (!requireRecipients || page.recipients.length > 0)
  );
}

/** The recorded incidents a page shows (empty: a false page). */
export function incidentsShownBy(
  page: Page,
  incidents: readonly DemoIncident[],
  signatures: Readonly<Record<IncidentKind, IncidentSignature>> = INCIDENT_SIGNATURES,
): DemoIncident[] {
  return incidents.filter((incident) => page.alerts.some((alert) => alertShowsIncident(alert, page.at, incident, signatures)));
}

export interface IncidentOutcome {
  readonly incident: DemoIncident;
  readonly critical: boolean;
  /** Pages attributed to it (a page showing two overlapping incidents counts for both here). */
  readonly notifications: number;
  /** First attributed page, ms after the incident's start. */
  readonly firstPageAfterMs?: number;
  readonly detected: boolean;
}

export interface FatigueScore {
  readonly incidents: number;
  readonly detected: number;
  readonly criticalIncidents: number;
  readonly criticalDetected: number;
  /** Pages, each decision once (the dispatches of one decision merged, see `decisionsOf`). */
  readonly notifications: number;
  /** Paging dispatches, each once (several for a decision whose recipients use different channels). */
  readonly dispatches: number;
  /** Pages × their recipients. */
  readonly recipientMessages: number;
  readonly attributed: number;
  /** attributed / incidents (0 without incidents). */
  readonly perIncident: number;
  readonly falsePages: number;
  readonly outcomes: readonly IncidentOutcome[];
  /** False pages by "kpi/ruleId" of their alerts (a page with two rules counts for each), most first. */
  readonly falseByRule: readonly { readonly rule: string; readonly pages: number }[];
  /** Pages by reason. */
  readonly byReason: Readonly<Partial<Record<DispatchReason, number>>>;
}

export interface ScoreOptions {
  /** Count each dispatch as a notification (the count before decisions were merged; diagnosis). */
  readonly perDispatch?: boolean;
  /** Count pages without recipients too (the baseline has no routing: every firing is one page). */
  readonly countWithoutRecipients?: boolean;
  readonly signatures?: Readonly<Record<IncidentKind, IncidentSignature>>;
}

/** Counts pages, detections and false pages. O(pages × incidents × alerts per page). */
export function scorePages(all: readonly Page[], incidents: readonly DemoIncident[], options: ScoreOptions = {}): FatigueScore {
  const signatures = options.signatures ?? INCIDENT_SIGNATURES;
  const dispatches = all.filter((p) => isNotification(p, !options.countWithoutRecipients)).length;
  const pages = options.perDispatch ? all : decisionsOf(all);
  const perIncident = new Map<DemoIncident, { notifications: number; first?: number }>(incidents.map((i) => [i, { notifications: 0 }]));
  const falseByRule = new Map<string, number>();
  const byReason: Partial<Record<DispatchReason, number>> = {};
  let notifications = 0;
  let recipientMessages = 0;
  let attributed = 0;
  let falsePages = 0;
  for (const page of pages) {
    if (!isNotification(page, !options.countWithoutRecipients)) continue;
    notifications++;
    recipientMessages += page.recipients.length;
    byReason[page.reason] = (byReason[page.reason] ?? 0) + 1;
    const shown = incidentsShownBy(page, incidents, signatures);
    if (shown.length === 0) {
      falsePages++;
      for (const rule of new Set(page.alerts.map((a) => `${a.kpi}/${a.ruleId}`))) falseByRule.set(rule, (falseByRule.get(rule) ?? 0) + 1);
      continue;
    }
    attributed++;
    for (const incident of shown) {
      const entry = perIncident.get(incident)!;
      entry.notifications++;
      if (entry.first === undefined || page.at < entry.first) entry.first = page.at;
    }
  }
  const outcomes: IncidentOutcome[] = incidents.map((incident) => {
    const entry = perIncident.get(incident)!;
    return {
      incident,
      critical: isCriticalIncident(incident),
      notifications: entry.notifications,
      ...(entry.first === undefined ? {} : { firstPageAfterMs: entry.first - incident.start }),
      detected: entry.first !== undefined,
    };
  });
  return {
    incidents: incidents.length,
    detected: outcomes.filter((o) => o.detected).length,
    criticalIncidents: outcomes.filter((o) => o.critical).length,
    criticalDetected: outcomes.filter((o) => o.critical && o.detected).length,
    notifications,
    dispatches,
    recipientMessages,
    attributed,
    perIncident: incidents.length === 0 ? 0 : attributed / incidents.length,
    falsePages,
    outcomes,
    falseByRule: [...falseByRule].map(([rule, n]) => ({ rule, pages: n })).sort((a, b) => b.pages - a.pages || a.rule.localeCompare(b.rule)),
    byReason,
  };
}

/**
 * The pages of one decision (same source, reason and instant: what escalation sent in one step)
 * merged into one page with every recipient and alert, in order of first page. Pages of different
 * decisions, and every baseline firing (its own source), stay apart. O(pages × alerts per page).
 */
export function decisionsOf(pages: readonly Page[]): Page[] {
  const byKey = new Map<string, { page: Page; recipients: Set<string>; alerts: Map<string, Page['alerts'][number]> }>();
  for (const page of pages) {
    const key = `${page.source}\n${page.reason}\n${page.at}`;
    let entry = byKey.get(key);
    if (entry === undefined) {
      entry = { page, recipients: new Set(), alerts: new Map() };
      byKey.set(key, entry);
    }
    for (const r of page.recipients) entry.recipients.add(r);
    for (const a of page.alerts) entry.alerts.set(`${a.kpi}\n${a.ruleId}\n${JSON.stringify(a.series)}`, a);
  }
  return [...byKey.values()].map(({ page, recipients, alerts }) => ({ ...page, recipients: [...recipients], alerts: [...alerts.values()] }));
}

/**
 * Where pages come from, for diagnosis: pages (of the kind `which` selects) counted by reason,
 * severity and the rules and series of their alerts, most first.
 */
export function pageBreakdown(
  pages: readonly Page[],
  incidents: readonly DemoIncident[],
  which: 'false' | 'attributed',
  options: ScoreOptions = {},
): { readonly key: string; readonly pages: number }[] {
  const counts = new Map<string, number>();
  for (const page of decisionsOf(pages)) {
    if (!isNotification(page, !options.countWithoutRecipients)) continue;
    const shown = incidentsShownBy(page, incidents, options.signatures).length > 0;
    if (shown !== (which === 'attributed')) continue;
    const alerts = [...new Set(page.alerts.map((a) => `${a.kpi}/${a.ruleId}${seriesText(a.series)}`))].sort().join(' + ');
    const key = `${page.reason} ${page.severity} ${alerts}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => ({ key, pages: n })).sort((a, b) => b.pages - a.pages || a.key.localeCompare(b.key));
}

function seriesText(series: Readonly<Record<string, string>>): string {
  const parts = Object.entries(series).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { info: 1, warning: 2, critical: 3 };

/**
 * What people would get if (a) the dispatches of one notification (same incident, reason and
 * time, e.g. a route's receivers and a policy's first level) were one message and (b) a reminder
 * (update, repeat, ack_timeout) paged only when it raises the incident's severity above what was
 * paged before. A diagnostic counterfactual for the report, not a score: the pages kept, in order.
 */
export function collapsedPages(pages: readonly Page[]): Page[] {
  const seen = new Set<string>();
  const highest = new Map<string, number>();
  const out: Page[] = [];
  for (const page of pages) {
    if (!PAGING_REASONS.has(page.reason)) continue;
    const key = `${page.source} ${page.reason} ${page.at}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rank = SEVERITY_ORDER[page.severity];
    const before = highest.get(page.source);
    if (page.reason !== 'firing' && page.reason !== 'escalation' && before !== undefined && rank <= before) continue;
    highest.set(page.source, Math.max(rank, before ?? 0));
    out.push(page);
  }
  return out;
}

/** The benchmark's last line. */
export function fatigueLine(score: FatigueScore): string {
  return `fatigue incidents=${score.incidents} detected=${score.detected} notifications=${score.notifications} per_incident=${score.perIncident.toFixed(2)} false_pages=${score.falsePages}`;
}
