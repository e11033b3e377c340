import type { Alert } from '../alerting/alert-model';
import { ErrorCodes } from '../core/errors';
import { SilenceMuter } from './silences';
import { alert, fire, HOUR, MINUTE, move, SECOND, T0 } from './test-support/alert-fixtures';
import { harness } from './test-support/consolidation-harness';

const user = { kind: 'user', name: 'dana' } as const;

const acct = (account: string, severity: Alert['severity'] = 'critical', kpi = 'bank_balance') =>
  alert({ kpi, severity, series: { account }, fingerprint: `${kpi}:${account}:${severity}` });

describe('grouping timers', () => {
  it('waits groupWait, then notifies once with every alert that came meanwhile', () => {
    const h = harness();
    h.at(T0, fire(acct('ops'), T0));
    h.at(T0 + 10 * SECOND, fire(acct('payroll'), T0 + 10 * SECOND));
    h.advanceTo(T0 + 30 * SECOND - 1);
    expect(h.sent).toEqual([]);
    h.advanceTo(T0 + 30 * SECOND);
    expect(h.sent).toEqual([
      expect.objectContaining({ at: T0 + 30 * SECOND, reason: 'firing', alerts: ['bank_balance:ops:critical', 'bank_balance:payroll:critical'] }),
    ]);
    expect(h.consolidator.records()).toHaveLength(1);
  });

  it('sends updates on the group-interval grid, several new alerts in one update', () => {
    const h = harness();
    const first = T0 + 30 * SECOND;
    h.at(T0, fire(acct('ops'), T0));
    h.at(T0 + MINUTE, fire(acct('payroll'), T0 + MINUTE));
    h.at(T0 + 2 * MINUTE, fire(acct('reserve'), T0 + 2 * MINUTE));
    h.advanceTo(first + 5 * MINUTE - 1);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
    h.advanceTo(first + 5 * MINUTE);
    expect(h.sent.map((s) => [s.reason, s.at, s.alerts.length])).toEqual([
      ['firing', first, 1],
      ['update', first + 5 * MINUTE, 3],
    ]);
    // A new alert long after: the next grid point at least one interval after the last update.
    h.at(first + 62 * MINUTE, fire(acct('escrow'), first + 62 * MINUTE));
    h.advanceTo(first + 65 * MINUTE);
    expect(h.sent.at(-1)).toMatchObject({ reason: 'update', at: first + 65 * MINUTE });
  });

  it('repeats a firing, unacknowledged incident after repeatInterval, and again after that', () => {
    const h = harness({ repeatInterval: '4h' });
    const first = T0 + 30 * SECOND;
    h.at(T0, fire(acct('ops'), T0));
    h.advanceTo(first + 4 * HOUR - 1);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
    h.advanceTo(first + 8 * HOUR);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', first],
      ['repeat', first + 4 * HOUR],
      ['repeat', first + 8 * HOUR],
    ]);
  });

  it('does not repeat an acknowledged incident', () => {
    const h = harness();
    const a = acct('ops');
    h.at(T0, fire(a, T0));
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'acknowledged', T0 + HOUR));
    h.advanceTo(T0 + 24 * HOUR);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
    expect(h.consolidator.records()[0]!.incident.state).toBe('acknowledged');
  });

  it('notifies the resolution at once, off the grid', () => {
    const h = harness();
    const a = acct('ops');
    h.at(T0, fire(a, T0));
    h.at(T0 + 7 * MINUTE + 3 * SECOND, move({ ...a, firingAt: T0 }, 'resolved', T0 + 7 * MINUTE + 3 * SECOND));
    expect(h.sent.map((s) => [s.reason, s.at, s.state])).toEqual([
      ['firing', T0 + 30 * SECOND, 'firing'],
      ['resolved', T0 + 7 * MINUTE + 3 * SECOND, 'resolved'],
    ]);
    expect(h.consolidator.records()).toEqual([]);
  });

  it('says nothing about an incident that resolved within its group wait', () => {
    const h = harness();
    const a = acct('ops');
    h.at(T0, fire(a, T0));
    h.at(T0 + 20 * SECOND, move({ ...a, firingAt: T0 }, 'resolved', T0 + 20 * SECOND));
    h.advanceTo(T0 + 10 * HOUR);
    expect(h.sent).toEqual([]);
    expect(h.consolidator.records()).toEqual([]);
  });

  it('does not notify a partial resolution; the last resolution notifies with every alert', () => {
    const h = harness();
    const a = acct('ops');
    const b = acct('payroll');
    h.at(T0, fire(a, T0), fire(b, T0));
    h.at(T0 + 10 * MINUTE, move({ ...a, firingAt: T0 }, 'resolved', T0 + 10 * MINUTE));
    h.advanceTo(T0 + 2 * HOUR);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
    h.at(T0 + 2 * HOUR, move({ ...b, firingAt: T0 }, 'resolved', T0 + 2 * HOUR));
    expect(h.sent.map((s) => [s.reason, s.alerts.length])).toEqual([
      ['firing', 2],
      ['resolved', 2],
    ]);
  });

  it('lets a critical alert bring the first notification forward to its shorter group wait', () => {
    const h = harness({ timing: { critical: { groupWait: '5s' } } });
    h.at(T0, fire(acct('ops', 'warning'), T0));
    h.at(T0 + 2 * SECOND, fire(acct('ops', 'critical'), T0 + 2 * SECOND));
    h.advanceTo(T0 + 5 * SECOND);
    expect(h.sent).toEqual([expect.objectContaining({ reason: 'firing', at: T0 + 5 * SECOND })]);
  });

  it('a new alert joining hours later is an update at the next grid point', () => {
    const h = harness({ groupBy: ['kpi'], repeatInterval: '1d' });
    h.at(T0, fire(acct('ops'), T0));
    h.at(T0 + 3 * HOUR, fire(acct('payroll', 'warning'), T0 + 3 * HOUR));
    h.advanceTo(T0 + 3 * HOUR + 5 * MINUTE);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', T0 + 30 * SECOND],
      ['update', T0 + 3 * HOUR + 30 * SECOND],
    ]);
  });

  it('resumes its timers from stored records after a restart', () => {
    const h = harness();
    h.at(T0, fire(acct('ops'), T0));
    h.advanceTo(T0 + HOUR);
    h.restart();
    h.advanceTo(T0 + 30 * SECOND + 4 * HOUR);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', T0 + 30 * SECOND],
      ['repeat', T0 + 30 * SECOND + 4 * HOUR],
    ]);
  });
});

describe('groups', () => {
  it('keeps different KPIs and categories apart without correlation', () => {
    const h = harness({ correlation: { relations: [] } });
    h.at(T0, fire(alert({ kpi: 'revenue', fingerprint: 'r' }), T0), fire(alert({ kpi: 'cogs', fingerprint: 'c' }), T0));
    h.advanceTo(T0 + MINUTE);
    expect(h.sent).toHaveLength(2);
    expect(h.consolidator.records().map((r) => r.incident.groupKey).sort()).toEqual([
      '{kpi="cogs",category="financial"}',
      '{kpi="revenue",category="financial"}',
    ]);
  });

  it('keeps information alerts (milestones) apart, tells them as information and never repeats them', () => {
    const h = harness();
    const milestone = alert({ kpi: 'revenue', severity: 'info', origin: 'milestone', fingerprint: 'm' });
    h.at(T0, fire(alert({ kpi: 'revenue', severity: 'warning', fingerprint: 'w' }), T0), fire(milestone, T0));
    h.advanceTo(T0 + 12 * HOUR);
    expect(h.sent.map((s) => [s.reason, s.alerts])).toEqual(
      expect.arrayContaining([
        ['information', ['m']],
        ['firing', ['w']],
      ]),
    );
    expect(h.sent.filter((s) => s.reason === 'information')).toHaveLength(1);
  });
});

describe('correlation', () => {
  it('makes related alerts that fire together one incident with one notification', () => {
    const h = harness();
    h.at(T0, fire(alert({ kpi: 'revenue', severity: 'warning', fingerprint: 'revenue' }), T0));
    h.at(T0 + 20 * SECOND, fire(alert({ kpi: 'gross_margin', severity: 'critical', fingerprint: 'margin' }), T0 + 20 * SECOND));
    h.advanceTo(T0 + MINUTE);
    expect(h.sent).toEqual([expect.objectContaining({ reason: 'firing', alerts: ['revenue', 'margin'] })]);
    const [record] = h.consolidator.records();
    expect(record!.groupKeys).toEqual(['{kpi="revenue",category="financial"}', '{kpi="gross_margin",category="financial"}']);
    expect(record!.incident).toMatchObject({ severity: 'critical', kpis: ['revenue', 'gross_margin'], title: 'gross_margin critical (+1 more: revenue)' });
  });

  it('later alerts of a correlated KPI join by group key, outside the window too', () => {
    const h = harness();
    h.at(T0, fire(alert({ kpi: 'revenue', fingerprint: 'rev-1', series: { region: 'emea' } }), T0));
    h.at(T0 + MINUTE, fire(alert({ kpi: 'cogs', fingerprint: 'cogs-1' }), T0 + MINUTE));
    h.at(T0 + 2 * HOUR, fire(alert({ kpi: 'cogs', fingerprint: 'cogs-2', series: { product: 'arm' } }), T0 + 2 * HOUR));
    expect(h.consolidator.records()).toHaveLength(1);
  });

  it('does not merge related alerts that fire far apart, nor unrelated ones', () => {
    const h = harness();
    h.at(T0, fire(alert({ kpi: 'revenue', fingerprint: 'rev' }), T0));
    h.at(T0 + 6 * MINUTE, fire(alert({ kpi: 'cogs', fingerprint: 'cogs' }), T0 + 6 * MINUTE));
    h.at(T0 + 6 * MINUTE, fire(alert({ kpi: 'platform_uptime', category: 'operational', fingerprint: 'up', labels: { source: 'platform' } }), T0 + 6 * MINUTE));
    expect(h.consolidator.records()).toHaveLength(3);
  });

  it('joins the most urgent related incident', () => {
    const h = harness({ correlation: { relations: [{ kind: 'same_entity', dimensions: ['region'] }] } });
    h.at(T0, fire(alert({ kpi: 'expenses', severity: 'warning', priority: 50, series: { region: 'emea' }, fingerprint: 'exp' }), T0));
    h.at(T0, fire(alert({ kpi: 'new_customers', severity: 'critical', priority: 80, series: { region: 'emea' }, fingerprint: 'cust', category: 'operational' }), T0));
    expect(h.consolidator.records()).toHaveLength(1); // the second correlated with the first
    h.at(T0 + MINUTE, fire(alert({ kpi: 'churned_customers', severity: 'warning', series: { region: 'emea' }, fingerprint: 'churn', category: 'operational' }), T0 + MINUTE));
    expect(h.consolidator.records()).toHaveLength(1);
    expect(h.consolidator.records()[0]!.incident.alerts.map((a) => a.fingerprint)).toEqual(['exp', 'cust', 'churn']);
  });
});

describe('muting', () => {
  const silence = (endsAt: number) =>
    new SilenceMuter([
      { id: 'sil-1', matchers: [{ name: 'kpi', op: '=', value: 'bank_balance' }], startsAt: T0, endsAt, createdBy: 'dana', comment: 'bank migration', createdAt: T0, updatedAt: T0 },
    ]);

  it('holds a silenced incident back and notifies it when the silence expires, if still firing', () => {
    const expiry = T0 + 17 * MINUTE;
    const h = harness({}, [silence(expiry)]);
    h.at(T0, fire(acct('ops'), T0));
    h.advanceTo(expiry - 1);
    expect(h.sent).toEqual([]);
    h.advanceTo(expiry + 5 * MINUTE);
    // The first grid point after the expiry: T0+30s + 4·5m.
    expect(h.sent).toEqual([expect.objectContaining({ reason: 'firing', at: T0 + 30 * SECOND + 20 * MINUTE })]);
  });

  it('never notifies an incident that resolves while silenced', () => {
    const h = harness({}, [silence(T0 + 2 * HOUR)]);
    const a = acct('ops');
    h.at(T0, fire(a, T0));
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.advanceTo(T0 + 5 * HOUR);
    expect(h.sent).toEqual([]);
  });

  it('leaves silenced alerts out of a notification about the others', () => {
    const h = harness({ groupBy: ['team'] }, [silence(T0 + 2 * HOUR)]);
    h.at(T0, fire(acct('ops'), T0), fire(alert({ kpi: 'cash_position', fingerprint: 'cash' }), T0));
    h.advanceTo(T0 + MINUTE);
    expect(h.sent).toEqual([expect.objectContaining({ reason: 'firing', alerts: ['cash'] })]);
  });

  it('inhibits the warning of a series with a critical; the warning is heard once the critical resolves', () => {
    const h = harness();
    const crit = acct('ops', 'critical');
    const warn = acct('ops', 'warning');
    h.at(T0, fire(warn, T0), fire(crit, T0));
    h.advanceTo(T0 + MINUTE);
    expect(h.sent).toEqual([expect.objectContaining({ reason: 'firing', alerts: ['bank_balance:ops:critical'] })]);
    h.at(T0 + 20 * MINUTE, move({ ...crit, firingAt: T0 }, 'resolved', T0 + 20 * MINUTE));
    h.advanceTo(T0 + 30 * MINUTE);
    expect(h.sent.map((s) => [s.reason, s.alerts])).toEqual([
      ['firing', ['bank_balance:ops:critical']],
      ['update', ['bank_balance:ops:warning', 'bank_balance:ops:critical']],
    ]);
    expect(h.sent[1]!.at).toBe(T0 + 30 * SECOND + 20 * MINUTE);
  });

  it('tells about a failed source, not about the alerts derived from its data', () => {
    const h = harness();
    const bankDown = alert({ kpi: 'bank_feed', origin: 'source_failure', category: 'system', fingerprint: 'bank-down', labels: { source: 'bank', team: 'sre' } });
    h.at(T0, fire(bankDown, T0), fire(alert({ kpi: 'runway_months', fingerprint: 'runway' }), T0), fire(acct('ops'), T0));
    h.advanceTo(T0 + HOUR);
    expect(h.sent.flatMap((s) => s.alerts)).toEqual(['bank-down']);
  });

  it('waits for a flapping alert to settle', () => {
    const h = harness();
    const a = { ...acct('ops'), flapping: true };
    h.at(T0, fire(a, T0));
    h.advanceTo(T0 + HOUR);
    expect(h.sent).toEqual([]);
    h.at(T0 + HOUR, { ...fire(a, T0), alert: { ...fire(a, T0).alert, flapping: false, updatedAt: T0 + HOUR } });
    h.advanceTo(T0 + HOUR + 5 * MINUTE);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
  });
});

describe('acknowledge and resolve by hand', () => {
  it('acknowledges the alerts firing now; a new alert makes the incident fire again', () => {
    const h = harness();
    h.at(T0, fire(acct('ops'), T0));
    h.advanceTo(T0 + MINUTE);
    const id = h.consolidator.records()[0]!.incident.id;
    const acked = h.consolidator.acknowledge(id, user, T0 + 2 * MINUTE, 'on it');
    expect(acked.incident.state).toBe('acknowledged');
    expect(acked.acknowledged).toEqual({ by: user, at: T0 + 2 * MINUTE, fingerprints: ['bank_balance:ops:critical'], comment: 'on it' });
    h.at(T0 + 3 * MINUTE, fire(acct('payroll'), T0 + 3 * MINUTE));
    expect(h.consolidator.get(id)!.incident.state).toBe('firing');
    h.advanceTo(T0 + 10 * MINUTE);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing', 'update']);
  });

  it('resolves by hand: the resolution is told at once; the alert firing again is a new incident', () => {
    const h = harness();
    const a = acct('ops');
    h.at(T0, fire(a, T0));
    h.advanceTo(T0 + MINUTE);
    const id = h.consolidator.records()[0]!.incident.id;
    h.consolidator.resolve(id, user, T0 + 2 * MINUTE, 'false alarm');
    h.advanceTo(T0 + 2 * MINUTE);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', T0 + 30 * SECOND],
      ['resolved', T0 + 2 * MINUTE],
    ]);
    expect(h.consolidator.get(id)).toBeUndefined();
    h.at(T0 + 3 * HOUR, fire(a, T0 + 3 * HOUR));
    expect(h.consolidator.records()[0]!.incident.id).not.toBe(id);
  });

  it('refuses unknown and resolved incidents with stable codes', () => {
    const h = harness();
    expect(() => h.consolidator.acknowledge('inc-nope', user, T0)).toThrow(expect.objectContaining({ code: ErrorCodes.NOT_FOUND, httpStatus: 404 }));
    const a = acct('ops');
    h.at(T0, fire(a, T0));
    const id = h.consolidator.records()[0]!.incident.id;
    h.consolidator.resolve(id, user, T0 + SECOND);
    expect(() => h.consolidator.acknowledge(id, user, T0 + SECOND)).toThrow(expect.objectContaining({ code: ErrorCodes.INCIDENT_STATE_CONFLICT, httpStatus: 409 }));
  });

  it('ignores pending alerts and acknowledgements of alerts no incident holds', () => {
    const h = harness();
    const a = acct('ops');
    expect(h.consolidator.apply(move({ ...a, state: 'pending' }, 'pending', T0), T0)).toBeUndefined();
    expect(h.consolidator.apply(move(a, 'acknowledged', T0), T0)).toBeUndefined();
    expect(h.consolidator.apply(move(a, 'resolved', T0), T0)).toBeUndefined();
    expect(h.consolidator.records()).toEqual([]);
  });
});
