import type { Alert } from '../alerting/alert-model';
import { ErrorCodes } from '../core/errors';
import { SilenceMuter } from './silences';
import { alert, fire, HOUR, MINUTE, move, SECOND, T0 } from './test-support/alert-fixtures';

const DAY = 24 * HOUR;
import { harness } from './test-support/consolidation-harness';

const user = { kind: 'user', name: 'dana' } as const;

const acct = (account: string, severity: Alert['severity'] = 'critical', kpi = 'bank_balance') =>
  alert({ kpi, severity, series: { account }, fingerprint: `${kpi}:${account}:${severity}` });

/** A warning on the ops account, fired at T0 and told (its group wait is over at T0 + 1 min). */
function opsWarningTold() {
  const h = harness();
  const a = acct('ops', 'warning');
  h.at(T0, fire(a, T0));
  h.advanceTo(T0 + MINUTE);
  return { h, a, id: h.consolidator.records()[0]!.incident.id };
}

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

  it('tells a resolution by itself once it has stayed resolved for its confirm period, off the grid', () => {
    const h = harness();
    const a = acct('ops');
    const resolvedAt = T0 + 7 * MINUTE + 3 * SECOND;
    const confirmed = resolvedAt + 30 * MINUTE; // 2 × the 15-minute cadence of bank_balance
    h.at(T0, fire(a, T0));
    h.at(resolvedAt, move({ ...a, firingAt: T0 }, 'resolved', resolvedAt));
    expect(h.consolidator.records()[0]).toMatchObject({ confirmUntil: confirmed, nextFlushAt: confirmed });
    h.advanceTo(confirmed - 1);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
    h.advanceTo(confirmed);
    expect(h.sent.map((s) => [s.reason, s.at, s.state])).toEqual([
      ['firing', T0 + 30 * SECOND, 'firing'],
      ['resolved', confirmed, 'resolved'],
    ]);
    // Kept reopenable for a day (a financial incident), then closed without another word.
    expect(h.consolidator.records().map((r) => [r.incident.state, r.heldUntil, r.confirmUntil])).toEqual([['resolved', confirmed + DAY, undefined]]);
    h.advanceTo(confirmed + DAY);
    expect(h.consolidator.records()).toEqual([]);
    expect(h.sent).toHaveLength(2);
  });

  it.each([
    ['a 5-minute KPI: the 15-minute floor', 'platform_uptime', 15 * MINUTE],
    ['a 15-minute KPI: twice its cadence', 'bank_balance', 30 * MINUTE],
    ['a daily KPI: two days', 'revenue', 2 * DAY],
    ['a weekly KPI: the two-day cap', 'cash_forecast_13w', 2 * DAY],
  ])('confirms a resolution of %s', (_name, kpi, confirmMs) => {
    const h = harness();
    const category = kpi === 'platform_uptime' ? 'operational' : 'financial';
    const a = alert({ kpi, severity: 'warning', category, fingerprint: kpi });
    h.at(T0, fire(a, T0));
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.advanceTo(T0 + HOUR + confirmMs - 1);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
    h.advanceTo(T0 + HOUR + confirmMs);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', T0 + 30 * SECOND],
      ['resolved', T0 + HOUR + confirmMs],
    ]);
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
    h.advanceTo(T0 + 3 * HOUR);
    expect(h.sent.map((s) => [s.reason, s.alerts.length, s.at])).toEqual([
      ['firing', 2, T0 + 30 * SECOND],
      ['resolved', 2, T0 + 2 * HOUR + 30 * MINUTE],
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

  it('does not merge related alerts of fast KPIs that fire far apart, nor unrelated ones', () => {
    const h = harness();
    h.at(T0, fire(alert({ kpi: 'bank_balance', fingerprint: 'bal' }), T0));
    h.at(T0 + 6 * MINUTE, fire(alert({ kpi: 'cash_position', fingerprint: 'cash' }), T0 + 6 * MINUTE));
    h.at(T0 + 6 * MINUTE, fire(alert({ kpi: 'platform_uptime', category: 'operational', fingerprint: 'up', labels: { source: 'platform' } }), T0 + 6 * MINUTE));
    expect(h.consolidator.records()).toHaveLength(3);
  });

  it('joins a related alert of a slow (daily) KPI to an incident whose related alert is still active, days later', () => {
    const h = harness();
    h.at(T0, fire(alert({ kpi: 'revenue', severity: 'warning', fingerprint: 'rev' }), T0));
    h.at(T0 + 3 * DAY, fire(alert({ kpi: 'cogs', severity: 'warning', fingerprint: 'cogs' }), T0 + 3 * DAY));
    expect(h.consolidator.records().map((r) => r.incident.alerts.map((a) => a.fingerprint))).toEqual([['rev', 'cogs']]);
    // Unrelated (another source, no shared derivation): its own incident.
    h.at(T0 + 3 * DAY, fire(alert({ kpi: 'churned_customers', severity: 'warning', category: 'operational', fingerprint: 'churn' }), T0 + 3 * DAY));
    expect(h.consolidator.records()).toHaveLength(2);
  });

  it('does not join a slow alert to an incident whose related alerts all resolved and that can no longer reopen', () => {
    const h = harness();
    const rev = alert({ kpi: 'revenue', severity: 'warning', fingerprint: 'rev' });
    h.at(T0, fire(rev, T0));
    h.at(T0 + HOUR, move({ ...rev, firingAt: T0 }, 'resolved', T0 + HOUR));
    // Told after two days (its confirm period), then reopenable for a week (7 × its daily cadence).
    h.advanceTo(T0 + HOUR + 9 * DAY - 1);
    expect(h.consolidator.records()).toHaveLength(1);
    h.advanceTo(T0 + HOUR + 9 * DAY);
    expect(h.consolidator.records()).toEqual([]);
    h.at(T0 + 10 * DAY, fire(alert({ kpi: 'cogs', severity: 'warning', fingerprint: 'cogs' }), T0 + 10 * DAY));
    expect(h.consolidator.records()[0]!.incident.alerts.map((a) => a.fingerprint)).toEqual(['cogs']);
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
  it('acknowledges the incident: what joins it no more severe stays quiet; a more severe alert makes it fire again', () => {
    const h = harness();
    h.at(T0, fire(acct('ops', 'warning'), T0));
    h.advanceTo(T0 + MINUTE);
    const id = h.consolidator.records()[0]!.incident.id;
    const acked = h.consolidator.acknowledge(id, user, T0 + 2 * MINUTE, 'on it');
    expect(acked.incident.state).toBe('acknowledged');
    expect(acked.acknowledged).toEqual({ by: user, at: T0 + 2 * MINUTE, fingerprints: ['bank_balance:ops:warning'], severity: 'warning', comment: 'on it' });
    h.at(T0 + 3 * MINUTE, fire(acct('payroll', 'warning'), T0 + 3 * MINUTE));
    expect(h.consolidator.get(id)!.incident.state).toBe('acknowledged');
    h.advanceTo(T0 + 2 * DAY);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']); // no update, no repeat
    h.at(T0 + 2 * DAY, fire(acct('reserve', 'critical'), T0 + 2 * DAY));
    expect(h.consolidator.get(id)!.incident.state).toBe('firing');
    h.advanceTo(T0 + 2 * DAY + 5 * MINUTE);
    expect(h.sent.map((s) => [s.reason, s.alerts])).toEqual([
      ['firing', ['bank_balance:ops:warning']],
      ['update', ['bank_balance:ops:warning', 'bank_balance:payroll:warning', 'bank_balance:reserve:critical']],
    ]);
  });

  it('goes on with an acknowledged incident that fires again before its resolution was told: quiet, same incident', () => {
    const { h, a, id } = opsWarningTold();
    h.consolidator.acknowledge(id, user, T0 + 2 * MINUTE);
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    expect(h.consolidator.get(id)!.confirmUntil).toBe(T0 + HOUR + 30 * MINUTE);
    h.at(T0 + HOUR + 20 * MINUTE, fire(a, T0 + HOUR + 20 * MINUTE));
    const [goesOn] = h.consolidator.records();
    expect([goesOn!.incident.id, goesOn!.incident.state]).toEqual([id, 'acknowledged']);
    expect(goesOn!.acknowledged).toMatchObject({ by: user });
    expect(goesOn!.confirmUntil).toBeUndefined();
    // Another alert of its group key, no more severe, is covered by the acknowledgement too.
    h.at(T0 + 2 * HOUR, fire(acct('payroll', 'warning'), T0 + 2 * HOUR));
    h.advanceTo(T0 + 3 * DAY);
    expect(h.consolidator.records().map((r) => [r.incident.id, r.incident.state])).toEqual([[id, 'acknowledged']]);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']); // no resolution, no update, no repeat
  });

  it('keeps the acknowledgement of an incident that resolves and fires again before any flush', () => {
    const { h, a, id } = opsWarningTold();
    h.consolidator.acknowledge(id, user, T0 + 2 * MINUTE);
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR), fire(a, T0 + HOUR));
    expect(h.consolidator.get(id)).toMatchObject({ acknowledged: { by: user }, incident: { state: 'acknowledged' } });
    h.advanceTo(T0 + 2 * DAY);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
  });

  it('goes on with an unacknowledged incident that fires again before its resolution was told, by the usual update rules', () => {
    const h = harness();
    const a = acct('ops', 'warning');
    const first = T0 + 30 * SECOND;
    h.at(T0, fire(a, T0));
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.at(T0 + HOUR + 10 * MINUTE, fire(a, T0 + HOUR + 10 * MINUTE));
    const id = h.sent[0]!.incident;
    expect(h.consolidator.records().map((r) => [r.incident.id, r.incident.state])).toEqual([[id, 'firing']]);
    // The same alert as told: nothing new to say.
    h.advanceTo(T0 + HOUR + 12 * MINUTE);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
    // A new alert: an update on the group-interval grid; still firing, unacknowledged: a repeat.
    h.at(T0 + HOUR + 12 * MINUTE, fire(acct('payroll', 'warning'), T0 + HOUR + 12 * MINUTE));
    h.advanceTo(first + 5 * HOUR + 15 * MINUTE);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', first],
      ['update', first + HOUR + 15 * MINUTE],
      ['repeat', first + 5 * HOUR + 15 * MINUTE],
    ]);
    expect(new Set(h.sent.map((s) => s.incident))).toEqual(new Set([id]));
  });

  it('keeps the confirm period across a restart: firing again goes on, quiet', () => {
    const { h, a, id } = opsWarningTold();
    h.consolidator.acknowledge(id, user, T0 + 2 * MINUTE);
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.restart();
    h.at(T0 + HOUR + 20 * MINUTE, fire(acct('payroll', 'warning'), T0 + HOUR + 20 * MINUTE)); // same group key
    expect(h.consolidator.records().map((r) => [r.incident.id, r.incident.state])).toEqual([[id, 'acknowledged']]);
    h.advanceTo(T0 + DAY);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
  });

  it('pages an update when an incident fires again after its resolution was told, even one that was acknowledged', () => {
    const { h, a, id } = opsWarningTold();
    const first = T0 + 30 * SECOND;
    h.consolidator.acknowledge(id, user, T0 + 2 * MINUTE);
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.advanceTo(T0 + HOUR + 30 * MINUTE);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing', 'resolved']);
    h.at(T0 + 15 * HOUR, fire(a, T0 + 15 * HOUR));
    const [reopened] = h.consolidator.records();
    expect([reopened!.incident.id, reopened!.incident.state]).toEqual([id, 'firing']);
    expect(reopened!.acknowledged).toBeUndefined();
    expect(reopened!.heldUntil).toBeUndefined();
    // Firing and nobody acknowledged it since: the update, then repeats.
    h.advanceTo(first + 19 * HOUR);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', first],
      ['resolved', T0 + HOUR + 30 * MINUTE],
      ['update', first + 15 * HOUR],
      ['repeat', first + 19 * HOUR],
    ]);
    expect(new Set(h.sent.map((s) => s.incident))).toEqual(new Set([id]));
  });

  it('keeps an incident reopenable across a restart, by its group key too', () => {
    const { h, a, id } = opsWarningTold();
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.advanceTo(T0 + 2 * HOUR);
    h.restart();
    h.at(T0 + 5 * HOUR, fire(acct('payroll', 'warning'), T0 + 5 * HOUR)); // same group key, another alert
    expect(h.consolidator.records().map((r) => [r.incident.id, r.incident.state])).toEqual([[id, 'firing']]);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing', 'resolved']);
  });

  it('tells the resolution at once when a person resolves an incident in its confirm period; firing again is new', () => {
    const h = harness();
    const a = alert({ kpi: 'revenue', severity: 'warning', fingerprint: 'rev' }); // daily: a two-day confirm period
    h.at(T0, fire(a, T0));
    h.advanceTo(T0 + MINUTE);
    const id = h.consolidator.records()[0]!.incident.id;
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.advanceTo(T0 + 5 * HOUR);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing']);
    h.consolidator.resolve(id, user, T0 + 5 * HOUR, 'done');
    h.advanceTo(T0 + 5 * HOUR);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', T0 + 30 * SECOND],
      ['resolved', T0 + 5 * HOUR],
    ]);
    expect(h.consolidator.records()).toEqual([]);
    h.at(T0 + 6 * HOUR, fire(a, T0 + 6 * HOUR));
    expect(h.consolidator.records()[0]!.incident.id).not.toBe(id);
    h.advanceTo(T0 + 3 * DAY);
    expect(h.sent.filter((s) => s.reason === 'resolved')).toHaveLength(1);
  });

  it('tells the resolution at once when a person resolves an incident that resolved by itself before its flush', () => {
    const { h, a, id } = opsWarningTold();
    // A flush not committed yet (e.g. its submission failed): the person's resolution still counts.
    h.consolidator.apply(move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR), T0 + HOUR);
    h.consolidator.resolve(id, user, T0 + HOUR + SECOND);
    h.advanceTo(T0 + HOUR + SECOND);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', T0 + 30 * SECOND],
      ['resolved', T0 + HOUR + SECOND],
    ]);
    expect(h.consolidator.records()).toEqual([]);
  });

  it('closes a reopenable incident at once when a person resolves it after its resolution was told: no second word', () => {
    const { h, a, id } = opsWarningTold();
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.advanceTo(T0 + 2 * HOUR);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing', 'resolved']);
    h.consolidator.resolve(id, user, T0 + 2 * HOUR, 'done');
    h.advanceTo(T0 + 2 * HOUR);
    expect(h.consolidator.records()).toEqual([]);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing', 'resolved']); // no second resolution
    h.at(T0 + 3 * HOUR, fire(a, T0 + 3 * HOUR));
    expect(h.consolidator.records()[0]!.incident.id).not.toBe(id);
  });

  it('says nothing more about an incident that reopened after its resolution was told and resolved again before an update', () => {
    const h = harness();
    const a = acct('ops', 'warning');
    h.at(T0, fire(a, T0));
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.advanceTo(T0 + 2 * HOUR);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing', 'resolved']);
    // Fires again (its update waits for the group interval) and resolves before that.
    h.at(T0 + 2 * HOUR + MINUTE, fire(a, T0 + 2 * HOUR + MINUTE));
    h.at(T0 + 2 * HOUR + 3 * MINUTE, move({ ...a, firingAt: T0 + 2 * HOUR + MINUTE }, 'resolved', T0 + 2 * HOUR + 3 * MINUTE));
    h.advanceTo(T0 + 3 * HOUR);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing', 'resolved']);
    // Still reopenable: firing again later is an update of the same incident.
    expect(h.consolidator.records()[0]!.heldUntil).toBeGreaterThan(T0 + 3 * HOUR);
    h.at(T0 + 3 * HOUR, fire(a, T0 + 3 * HOUR));
    h.advanceTo(T0 + 3 * HOUR + 5 * MINUTE);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', T0 + 30 * SECOND],
      ['resolved', T0 + HOUR + 30 * MINUTE],
      ['update', T0 + 3 * HOUR + 30 * SECOND],
    ]);
    expect(new Set(h.sent.map((s) => s.incident)).size).toBe(1);
  });

  it('holds the all-clear of an incident that came back after its resolution was told for as long as it stays reopenable', () => {
    const h = harness();
    const a = acct('ops', 'warning'); // bank_balance: 15-minute cadence, financial: reopenable for a day
    h.at(T0, fire(a, T0));
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.at(T0 + 3 * HOUR, fire(a, T0 + 3 * HOUR)); // back after "resolved" was told: an update
    h.advanceTo(T0 + 3 * HOUR + 5 * MINUTE);
    h.consolidator.acknowledge(h.consolidator.records()[0]!.incident.id, user, T0 + 3 * HOUR + 5 * MINUTE);
    h.at(T0 + 4 * HOUR, move({ ...a, firingAt: T0 + 3 * HOUR }, 'resolved', T0 + 4 * HOUR));
    expect(h.consolidator.records()[0]).toMatchObject({ reopenedAfterTold: 1, confirmUntil: T0 + 4 * HOUR + DAY });
    h.advanceTo(T0 + 10 * HOUR);
    // Flapping: no second "resolved" half an hour later; it fires again within the day and goes
    // on quietly (still acknowledged).
    h.at(T0 + 10 * HOUR, fire(a, T0 + 10 * HOUR));
    h.at(T0 + 12 * HOUR, move({ ...a, firingAt: T0 + 10 * HOUR }, 'resolved', T0 + 12 * HOUR));
    h.advanceTo(T0 + 12 * HOUR + DAY - 1);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', T0 + 30 * SECOND],
      ['resolved', T0 + HOUR + 30 * MINUTE],
      ['update', T0 + 3 * HOUR + 30 * SECOND],
    ]);
    h.advanceTo(T0 + 12 * HOUR + DAY);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', T0 + 30 * SECOND],
      ['resolved', T0 + HOUR + 30 * MINUTE],
      ['update', T0 + 3 * HOUR + 30 * SECOND],
      ['resolved', T0 + 12 * HOUR + DAY],
    ]);
    expect(new Set(h.sent.map((s) => s.incident)).size).toBe(1);
    // Told again, it is reopenable again; firing then is news, as after the first resolution.
    h.at(T0 + 14 * HOUR + DAY, fire(a, T0 + 14 * HOUR + DAY));
    h.advanceTo(T0 + 15 * HOUR + DAY);
    expect(h.sent.at(-1)).toMatchObject({ reason: 'update' });
    expect(h.consolidator.records()[0]!.reopenedAfterTold).toBe(2);
  });

  it('says nothing when a person resolves an incident that reopened after its resolution was told, before its update', () => {
    const h = harness();
    const rev = alert({ kpi: 'revenue', severity: 'warning', series: { product: 'b' }, fingerprint: 'rev' });
    h.at(T0, fire(rev, T0));
    h.at(T0 + HOUR, move({ ...rev, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.advanceTo(T0 + 3 * DAY);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing', 'resolved']);
    const id = h.sent[0]!.incident;
    // A related alert of a slow KPI reopens it; a person resolves it before its update goes out.
    h.at(T0 + 3 * DAY, fire(alert({ kpi: 'cogs', severity: 'warning', fingerprint: 'cogs' }), T0 + 3 * DAY));
    expect(h.consolidator.records().map((r) => [r.incident.id, r.incident.state])).toEqual([[id, 'firing']]);
    h.consolidator.resolve(id, user, T0 + 3 * DAY + MINUTE);
    h.advanceTo(T0 + 10 * DAY);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing', 'resolved']);
    expect(h.consolidator.records()).toEqual([]);
  });

  it('reopens an unacknowledged incident with an update, and pages anew once it can no longer reopen', () => {
    const h = harness();
    const a = acct('ops', 'warning');
    h.at(T0, fire(a, T0));
    h.at(T0 + HOUR, move({ ...a, firingAt: T0 }, 'resolved', T0 + HOUR));
    h.at(T0 + 2 * HOUR, fire(a, T0 + 2 * HOUR));
    h.advanceTo(T0 + 3 * HOUR);
    expect(h.sent.map((s) => s.reason)).toEqual(['firing', 'resolved', 'update']);
    expect(new Set(h.sent.map((s) => s.incident)).size).toBe(1);
    h.at(T0 + 4 * HOUR, move({ ...a, firingAt: T0 + 2 * HOUR }, 'resolved', T0 + 4 * HOUR));
    // It came back once after its resolution was told: the next all-clear waits as long as it would
    // stay reopenable (a day: a financial incident), and it then stays reopenable a day.
    h.advanceTo(T0 + 4 * HOUR + 2 * DAY - 1);
    expect(h.consolidator.records()).toHaveLength(1);
    h.advanceTo(T0 + 4 * HOUR + 2 * DAY);
    expect(h.consolidator.records()).toEqual([]);
    h.at(T0 + 3 * DAY, fire(a, T0 + 3 * DAY));
    h.advanceTo(T0 + 3 * DAY + MINUTE);
    expect(h.sent.map((s) => [s.reason, s.at])).toEqual([
      ['firing', T0 + 30 * SECOND],
      ['resolved', T0 + HOUR + 30 * MINUTE],
      ['update', T0 + 30 * SECOND + 2 * HOUR],
      ['resolved', T0 + 4 * HOUR + DAY],
      ['firing', T0 + 3 * DAY + 30 * SECOND],
    ]);
    expect(h.sent.at(-1)!.incident).not.toBe(h.sent[0]!.incident);
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
