import type { Alert, AlertTransition } from '../../alert-model';
import type { StoredAlert, StoredTransition } from '../../lifecycle/alert-lifecycle';
import type { AlertChanges, AlertStore } from '../alert-store';

/** Builds a fresh, empty store; `dispose` releases it. */
export type AlertStoreFactory = () => Promise<{ store: AlertStore; dispose(): Promise<void> }>;

const T0 = Date.UTC(2025, 2, 3, 14);

export function alertFixture(fingerprint: string, patch: Partial<Alert> = {}): Alert {
  return {
    fingerprint,
    kpi: 'cash_position',
    ruleId: 'cash-critical',
    origin: 'static',
    series: {},
    labels: { kpi: 'cash_position', rule: 'cash-critical', severity: 'critical', category: 'financial', class: 'critical', team: 'treasury' },
    severity: 'critical',
    category: 'financial',
    alertClass: 'critical',
    state: 'firing',
    summary: 'Cash position 3,812,400 USD is below 4,000,000 USD',
    value: 3_812_400,
    threshold: 4_000_000,
    details: { comparison: 'below', threshold: 4_000_000, recoverAt: 4_500_000 },
    priority: 100,
    startsAt: T0,
    firingAt: T0,
    updatedAt: T0,
    flapping: false,
    ruleFile: 'metrics_config.json',
    ...patch,
  };
}

function storedAlert(alert: Alert, manuallyResolved = false, seq = 1): StoredAlert {
  return { alert, lifecycle: { forMs: 0, event: false, manuallyResolved, changes: [alert.startsAt], seq } };
}

function transition(alert: Alert, from: AlertTransition['from'], seq: number, patch: Partial<AlertTransition> = {}): StoredTransition {
  return {
    seq,
    transition: { fingerprint: alert.fingerprint, from, to: alert.state, at: alert.updatedAt, actor: { kind: 'system', name: 'finmon' }, reason: 'why', alert, ...patch },
  };
}

const none: AlertChanges = { alerts: [], history: [], ruleStates: [], staleRuleStates: [] };

/** The behaviour every AlertStore shares; call inside a describe block. */
export function alertStoreContract(factory: AlertStoreFactory): void {
  let store: AlertStore;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ store, dispose } = await factory());
  });
  afterEach(async () => dispose());

  it('round-trips alerts with their lifecycle bookkeeping, and rule state', async () => {
    const pending = alertFixture('a1', { state: 'pending', firingAt: undefined, severity: 'warning', alertClass: 'warning', priority: 65 });
    const { firingAt: _f, ...pendingAlert } = pending;
    await store.apply({
      ...none,
      alerts: [{ alert: pendingAlert, lifecycle: { forMs: 1_800_000, event: false, manuallyResolved: false, changes: [], seq: 1 } }],
      ruleStates: [{ ruleKey: 'cash_position/cash-warning', version: 'v1', series: '', persisted: { tags: {}, lastSeenAt: T0, state: { a: true, t: T0 } } }],
    });
    expect(await store.load({ resolvedSince: T0 })).toEqual({
      alerts: [{ alert: pendingAlert, lifecycle: { forMs: 1_800_000, event: false, manuallyResolved: false, changes: [], seq: 1 } }],
      ruleStates: [{ ruleKey: 'cash_position/cash-warning', version: 'v1', series: '', persisted: { tags: {}, lastSeenAt: T0, state: { a: true, t: T0 } } }],
    });
  });

  it('loads open alerts, recently resolved ones and manually resolved ones still held', async () => {
    const old = alertFixture('old', { state: 'resolved', resolvedAt: T0, updatedAt: T0 });
    const recent = alertFixture('recent', { state: 'resolved', resolvedAt: T0 + 10, updatedAt: T0 + 10 });
    const held = alertFixture('held', { state: 'resolved', resolvedAt: T0, updatedAt: T0 });
    const open = alertFixture('open');
    await store.apply({ ...none, alerts: [storedAlert(old), storedAlert(recent), storedAlert(held, true), storedAlert(open)] });
    const loaded = await store.load({ resolvedSince: T0 + 5 });
    expect(loaded.alerts.map((s) => s.alert.fingerprint).sort()).toEqual(['held', 'open', 'recent']);
  });

  it('appends history once per (fingerprint, time, seq) and returns it oldest first with who and why', async () => {
    const firing = alertFixture('a1');
    const acked = alertFixture('a1', { state: 'acknowledged', acknowledgedAt: T0 + 60_000, acknowledgedBy: 'cfo', updatedAt: T0 + 60_000 });
    const batch: AlertChanges = {
      ...none,
      alerts: [storedAlert(acked, false, 2)],
      history: [
        transition(firing, null, 1),
        transition(acked, 'firing', 2, { actor: { kind: 'user', name: 'cfo' }, reason: 'acknowledged by cfo: on it' }),
      ],
    };
    await store.apply(batch);
    await store.apply(batch);
    const got = await store.getAlert('a1');
    expect(got?.alert).toEqual(acked);
    expect(got?.history.map((t) => [t.from, t.to, t.actor.name, t.reason])).toEqual([
      [null, 'firing', 'finmon', 'why'],
      ['firing', 'acknowledged', 'cfo', 'acknowledged by cfo: on it'],
    ]);
    expect(got?.history[1]).toEqual(batch.history[1]!.transition);
    expect(await store.getAlert('nope')).toBeUndefined();
    expect(await store.history('nope')).toEqual([]);
  });

  it('keeps the history of every cycle of a fingerprint', async () => {
    const first = alertFixture('a1', { updatedAt: T0 });
    const resolved = alertFixture('a1', { state: 'resolved', resolvedAt: T0 + 1, updatedAt: T0 + 1 });
    const again = alertFixture('a1', { startsAt: T0 + 2, updatedAt: T0 + 2 });
    await store.apply({ ...none, alerts: [storedAlert(resolved, false, 2)], history: [transition(first, null, 1), transition(resolved, 'firing', 2)] });
    // The same fingerprint after the in-memory record was forgotten: its sequence restarts.
    await store.apply({ ...none, alerts: [storedAlert(again, false, 1)], history: [transition(again, 'resolved', 1)] });
    expect((await store.history('a1')).map((t) => `${t.from}→${t.to}`)).toEqual(['null→firing', 'firing→resolved', 'resolved→firing']);
  });

  it('lists alerts by filters: open first, then priority, then newest', async () => {
    await store.apply({
      ...none,
      alerts: [
        storedAlert(alertFixture('crit', { priority: 100 })),
        storedAlert(alertFixture('warn', { severity: 'warning', alertClass: 'warning', priority: 65, startsAt: T0 + 1 })),
        storedAlert(alertFixture('info', { severity: 'info', alertClass: 'information', priority: 30, kpi: 'revenue', category: 'financial', origin: 'milestone' })),
        storedAlert(alertFixture('sys', { category: 'system', priority: 90, kpi: 'bank_balance', origin: 'nodata' })),
        storedAlert(alertFixture('done', { state: 'resolved', resolvedAt: T0 + 5, priority: 100 })),
      ],
    });
    const ids = async (q: Parameters<AlertStore['listAlerts']>[0]) => (await store.listAlerts(q)).map((a) => a.fingerprint);
    expect(await ids({})).toEqual(['crit', 'sys', 'warn', 'info', 'done']);
    expect(await ids({ state: 'resolved' })).toEqual(['done']);
    expect(await ids({ state: ['firing', 'acknowledged'], severity: 'critical' })).toEqual(['crit', 'sys']);
    expect(await ids({ category: 'system' })).toEqual(['sys']);
    expect(await ids({ alertClass: 'information' })).toEqual(['info']);
    expect(await ids({ kpi: ['revenue', 'bank_balance'] })).toEqual(['sys', 'info']);
    expect(await ids({ limit: 2 })).toEqual(['crit', 'sys']);
  });

  it('upserts and deletes rule state, and drops stale versions', async () => {
    const row = (ruleKey: string, version: string, series: string, v: number) => ({ ruleKey, version, series, persisted: { tags: {}, lastSeenAt: v, state: v } });
    await store.apply({
      ...none,
      ruleStates: [row('k/a', 'v1', ',x=1', 1), row('k/a', 'v1', ',x=2', 2), row('k/b', 'v1', '', 3), row('k/c', 'v1', '', 4)],
    });
    await store.apply({
      ...none,
      staleRuleStates: [{ ruleKey: 'k/b' }, { ruleKey: 'k/a', keepVersion: 'v2' }],
      ruleStates: [row('k/a', 'v2', ',x=1', 10), { ruleKey: 'k/c', version: 'v1', series: '', persisted: undefined }],
    });
    const { ruleStates } = await store.load({ resolvedSince: 0 });
    expect(ruleStates).toEqual([row('k/a', 'v2', ',x=1', 10)]);
  });

  it('hands out copies', async () => {
    await store.apply({ ...none, alerts: [storedAlert(alertFixture('a1'))] });
    const [first] = await store.listAlerts();
    (first!.labels as Record<string, string>).team = 'changed';
    expect((await store.listAlerts())[0]!.labels.team).toBe('treasury');
  });
}
