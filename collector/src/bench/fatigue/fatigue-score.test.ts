import type { Alert, Dispatch, Incident } from '../../alerting/alert-model';
import type { Incident as DemoIncident } from '../../sources/demo-company';
import { collapsedPages, decisionsOf, fatigueLine, incidentsShownBy, isNotification, pageOfDispatch, scorePages, type Page } from './fatigue-score';
import { alertShowsIncident, INCIDENT_SIGNATURES } from './incident-signatures';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 5, 3, 18); // 14:00 New York

const outage: DemoIncident = {
  id: 'outage-api',
  kind: 'outage',
  kpis: ['platform_uptime', 'response_time_p95'],
  entity: { service: 'api' },
  start: T0,
  end: T0 + 2 * HOUR,
  expectedSeverity: 'critical',
  description: 'api outage',
};

const shortfall: DemoIncident = {
  id: 'revenue-shortfall-emea',
  kind: 'revenue_shortfall',
  kpis: ['revenue'],
  entity: { region: 'emea' },
  start: T0 - 5 * DAY,
  end: T0 + 5 * DAY,
  expectedSeverity: 'warning',
  description: 'emea revenue down',
};

function page(over: Partial<Page> & Pick<Page, 'alerts'>): Page {
  return { at: T0 + 10 * MIN, reason: 'firing', severity: 'critical', recipients: ['sre-alex'], source: 'inc-1', ...over };
}

const uptimeApi = { kpi: 'platform_uptime', series: { service: 'api' }, ruleId: 'uptime-critical' };
const uptimePayments = { kpi: 'platform_uptime', series: { service: 'payments' }, ruleId: 'uptime-critical' };
const revenueTotal = { kpi: 'revenue', series: {}, ruleId: 'revenue-week' };

describe('alertShowsIncident', () => {
  it('matches a signature KPI of the same entity from the start until the end plus the grace period', () => {
    const grace = INCIDENT_SIGNATURES.outage.platform_uptime!.graceMs;
    expect(alertShowsIncident(uptimeApi, T0, outage)).toBe(true);
    expect(alertShowsIncident(uptimeApi, T0 - 1, outage)).toBe(false);
    expect(alertShowsIncident(uptimeApi, outage.end + grace - 1, outage)).toBe(true);
    expect(alertShowsIncident(uptimeApi, outage.end + grace, outage)).toBe(false);
  });

  it('refuses another entity, and a KPI the kind does not affect', () => {
    expect(alertShowsIncident(uptimePayments, T0 + MIN, outage)).toBe(false);
    expect(alertShowsIncident({ kpi: 'cash_position', series: {} }, T0 + MIN, outage)).toBe(false);
  });

  it('lets a company-wide alert (without the entity tag) match an entity incident', () => {
    expect(alertShowsIncident(revenueTotal, T0, shortfall)).toBe(true);
    expect(alertShowsIncident({ kpi: 'revenue', series: { region: 'amer', product: 'robots' } }, T0, shortfall)).toBe(false);
    expect(alertShowsIncident({ kpi: 'revenue', series: { region: 'emea', product: 'robots' } }, T0, shortfall)).toBe(true);
  });

  it('counts every account for a cash drop (the treasury refills from the reserve) but only its own service for an outage', () => {
    const drop: DemoIncident = {
      ...outage,
      id: 'cash-drop',
      kind: 'cash_drop',
      kpis: ['bank_balance'],
      entity: { account: 'ops-usd', bank: 'jpmorgan', currency: 'USD' },
      expectedSeverity: 'critical',
    };
    const reserve = { kpi: 'bank_balance', series: { account: 'reserve-usd', bank: 'wells-fargo', currency: 'USD' } };
    expect(alertShowsIncident(reserve, T0 + DAY, { ...drop, end: T0 + 3 * DAY })).toBe(true);
    expect(alertShowsIncident(reserve, T0 + 5 * DAY, { ...drop, end: T0 + 3 * DAY })).toBe(false);
    expect(alertShowsIncident({ kpi: 'cash_position', series: {} }, T0 + DAY, { ...drop, end: T0 + 3 * DAY })).toBe(true);
  });

  it('gives every incident kind a signature that includes the KPIs the demo records for it', () => {
    // The demo's own incident.kpis per kind (collector/src/sources/demo-company/incidents.ts).
    const recorded: Record<keyof typeof INCIDENT_SIGNATURES, string[]> = {
      cash_drop: ['bank_balance', 'cash_position', 'net_cash_flow', 'burn_rate', 'runway_months', 'current_ratio'],
      revenue_shortfall: ['revenue'],
      expense_spike: ['expenses'],
      outage: ['platform_uptime', 'response_time_p95'],
      data_outage: ['bank_balance', 'cash_position'],
      covenant_squeeze: ['ebitda', 'revenue', 'total_debt', 'debt_to_ebitda', 'interest_coverage'],
    };
    for (const [kind, kpis] of Object.entries(recorded)) {
      expect(Object.keys(INCIDENT_SIGNATURES[kind as keyof typeof recorded])).toEqual(expect.arrayContaining(kpis));
    }
  });
});

describe('isNotification', () => {
  it('counts attention reasons of critical and warning incidents sent to someone', () => {
    for (const reason of ['firing', 'update', 'repeat', 'escalation', 'ack_timeout'] as const) {
      expect(isNotification(page({ alerts: [uptimeApi], reason }))).toBe(true);
    }
    expect(isNotification(page({ alerts: [uptimeApi], severity: 'warning' }))).toBe(true);
  });

  it('leaves out resolutions, information, info incidents and dispatches to nobody (unless asked)', () => {
    expect(isNotification(page({ alerts: [uptimeApi], reason: 'resolved' }))).toBe(false);
    expect(isNotification(page({ alerts: [uptimeApi], reason: 'information', severity: 'info' }))).toBe(false);
    expect(isNotification(page({ alerts: [uptimeApi], severity: 'info' }))).toBe(false);
    expect(isNotification(page({ alerts: [uptimeApi], recipients: [] }))).toBe(false);
    expect(isNotification(page({ alerts: [uptimeApi], recipients: [] }), false)).toBe(true);
  });
});

describe('scorePages', () => {
  it('counts pages once, attributes them to the incidents they show and the rest as false pages', () => {
    const pages: Page[] = [
      page({ alerts: [uptimeApi], at: T0 + 11 * MIN, recipients: ['sre-alex'] }),
      page({ alerts: [uptimeApi], at: T0 + 21 * MIN, reason: 'escalation', recipients: ['sre-alex', 'sre-jordan', 'sre-sam'] }),
      page({ alerts: [uptimeApi], at: T0 + 3 * HOUR, reason: 'resolved' }),
      page({ alerts: [uptimePayments], at: T0 + 30 * MIN }),
      page({ alerts: [uptimePayments, { ...uptimePayments, ruleId: 'uptime-warning' }], at: T0 + 40 * DAY, severity: 'warning', reason: 'repeat' }),
      page({ alerts: [revenueTotal], at: T0 + 1 * DAY, severity: 'warning', recipients: ['fpa-analyst', 'finance-alerts'] }),
    ];
    const score = scorePages(pages, [outage, shortfall]);
    expect(score).toMatchObject({
      incidents: 2,
      detected: 2,
      criticalIncidents: 1,
      criticalDetected: 1,
      notifications: 5,
      recipientMessages: 1 + 3 + 1 + 1 + 2,
      attributed: 3,
      perIncident: 1.5,
      falsePages: 2,
      byReason: { firing: 3, escalation: 1, repeat: 1 },
    });
    expect(score.falseByRule).toEqual([
      { rule: 'platform_uptime/uptime-critical', pages: 2 },
      { rule: 'platform_uptime/uptime-warning', pages: 1 },
    ]);
    expect(score.outcomes.map((o) => [o.incident.id, o.notifications, o.firstPageAfterMs, o.detected])).toEqual([
      ['outage-api', 2, 11 * MIN, true],
      ['revenue-shortfall-emea', 1, 6 * DAY, true],
    ]);
    expect(fatigueLine(score)).toBe('fatigue incidents=2 detected=2 notifications=5 per_incident=1.50 false_pages=2');
  });

  it('counts a page that shows two overlapping incidents once, but for each incident', () => {
    const second: DemoIncident = { ...outage, id: 'outage-api-2', start: T0 + 5 * MIN };
    const score = scorePages([page({ alerts: [uptimeApi] })], [outage, second]);
    expect(score).toMatchObject({ notifications: 1, attributed: 1, falsePages: 0, detected: 2, perIncident: 0.5 });
    expect(incidentsShownBy(page({ alerts: [uptimeApi] }), [outage, second, shortfall]).map((i) => i.id)).toEqual(['outage-api', 'outage-api-2']);
  });

  it('reports an undetected incident and a zero ratio without incidents', () => {
    const missed = scorePages([page({ alerts: [uptimePayments] })], [outage]);
    expect(missed).toMatchObject({ detected: 0, criticalDetected: 0, falsePages: 1 });
    expect(missed.outcomes[0]!.firstPageAfterMs).toBeUndefined();
    expect(scorePages([], [])).toMatchObject({ incidents: 0, notifications: 0, perIncident: 0 });
  });

  it('scores baseline firings (no recipients) only when asked to', () => {
    const firing = page({ alerts: [uptimeApi], recipients: [] });
    expect(scorePages([firing], [outage]).notifications).toBe(0);
    expect(scorePages([firing], [outage], { countWithoutRecipients: true })).toMatchObject({ notifications: 1, attributed: 1, recipientMessages: 0 });
  });
});

describe('pageOfDispatch', () => {
  it('takes time, reason, severity, recipients and the alerts of the notified incident', () => {
    const alert = { kpi: 'platform_uptime', series: { service: 'api' }, ruleId: 'uptime-critical', fingerprint: 'f1' } as unknown as Alert;
    const incident = { id: 'inc-9', severity: 'critical', alerts: [alert] } as unknown as Incident;
    const dispatch: Dispatch = { key: 'inc-9:firing:1', reason: 'firing', incident, recipients: ['sre-sam'], at: T0, level: 0, policy: 'sre-oncall' };
    expect(pageOfDispatch(dispatch)).toEqual({
      at: T0,
      reason: 'firing',
      severity: 'critical',
      recipients: ['sre-sam'],
      alerts: [{ kpi: 'platform_uptime', series: { service: 'api' }, ruleId: 'uptime-critical' }],
      source: 'inc-9',
    });
  });
});

describe('pageOfDispatch of a reopened incident', () => {
  it('is about the alerts active when it went out, not those that resolved earlier in the incident', () => {
    const alert = (ruleId: string, state: Alert['state']) => ({ kpi: 'revenue', series: {}, ruleId, fingerprint: ruleId, state }) as unknown as Alert;
    const incident = { id: 'inc-7', severity: 'warning', alerts: [alert('rev-low', 'resolved'), alert('rev-week', 'firing'), alert('rev-mtd', 'acknowledged')] } as unknown as Incident;
    const update: Dispatch = { key: 'inc-7:update:3', reason: 'update', incident, recipients: ['fpa-analyst'], at: T0, level: 0, policy: 'finance' };
    expect(pageOfDispatch(update).alerts.map((a) => a.ruleId)).toEqual(['rev-week', 'rev-mtd']);
    const allResolved = { ...incident, alerts: [alert('rev-low', 'resolved')] } as unknown as Incident;
    expect(pageOfDispatch({ ...update, reason: 'resolved', incident: allResolved }).alerts.map((a) => a.ruleId)).toEqual(['rev-low']);
  });
});

describe('collapsedPages', () => {
  it('merges the dispatches of one notification and keeps reminders only when they raise the severity', () => {
    const inc = (over: Partial<Page>) => page({ alerts: [uptimeApi], source: 'inc-1', ...over });
    const pages = [
      inc({ at: 1, reason: 'firing', severity: 'warning', recipients: ['treasurer'] }),
      inc({ at: 1, reason: 'firing', severity: 'warning', recipients: ['finance-alerts'] }),
      inc({ at: 2, reason: 'update', severity: 'warning' }),
      inc({ at: 3, reason: 'ack_timeout', severity: 'warning' }),
      inc({ at: 4, reason: 'update', severity: 'critical' }),
      inc({ at: 5, reason: 'repeat', severity: 'critical' }),
      inc({ at: 6, reason: 'escalation', severity: 'critical' }),
      inc({ at: 7, reason: 'resolved', severity: 'critical' }),
      page({ alerts: [uptimePayments], source: 'inc-2', at: 8, reason: 'update', severity: 'warning' }),
    ];
    expect(collapsedPages(pages).map((p) => `${p.source} ${p.at} ${p.reason}`)).toEqual([
      'inc-1 1 firing',
      'inc-1 4 update',
      'inc-1 6 escalation',
      'inc-2 8 update',
    ]);
  });
});

describe('decisionsOf', () => {
  it('merges the dispatches of one decision (same incident, reason, instant) and keeps the others apart', () => {
    const a = page({ alerts: [uptimeApi], recipients: ['treasurer'] });
    const b = page({ alerts: [uptimeApi], recipients: ['finance-alerts', 'treasurer'] });
    const later = page({ alerts: [uptimeApi], at: T0 + 11 * MIN });
    const other = page({ alerts: [uptimeApi], source: 'inc-2' });
    const resolved = page({ alerts: [uptimeApi], reason: 'resolved' });
    const merged = decisionsOf([a, b, later, other, resolved]);
    expect(merged.map((p) => [p.source, p.reason, p.at, p.recipients])).toEqual([
      ['inc-1', 'firing', T0 + 10 * MIN, ['treasurer', 'finance-alerts']],
      ['inc-1', 'firing', T0 + 11 * MIN, ['sre-alex']],
      ['inc-2', 'firing', T0 + 10 * MIN, ['sre-alex']],
      ['inc-1', 'resolved', T0 + 10 * MIN, ['sre-alex']],
    ]);
    expect(merged[0]!.alerts).toEqual([uptimeApi]);
  });

  it('lets scorePages count a decision once, and every dispatch when asked', () => {
    const pages = [page({ alerts: [uptimeApi], recipients: ['treasurer'] }), page({ alerts: [uptimeApi], recipients: ['cfo'] })];
    expect(scorePages(pages, [outage])).toMatchObject({ notifications: 1, dispatches: 2, attributed: 1, perIncident: 1 });
    expect(scorePages(pages, [outage], { perDispatch: true })).toMatchObject({ notifications: 2, dispatches: 2, attributed: 2, perIncident: 2 });
  });
});
