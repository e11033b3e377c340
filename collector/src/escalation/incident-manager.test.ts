import type { Dispatch } from '../alerting/alert-model';
import { ErrorCodes } from '../core/errors';
import { InMemorySilenceStore } from '../consolidation/in-memory-silence-store';
import { SqlSilenceStore } from '../consolidation/sql-silence-store';
import { alert, exampleKpis, fire, HOUR, MINUTE, move, SECOND, T0 } from '../consolidation/test-support/alert-fixtures';
import { TEST_DIALECTS } from '../storage/state/test-support/state-db-fixtures';
import { InMemoryIncidentStateStore } from './in-memory-incident-state-store';
import { IncidentManager, type IncidentManagerOptions } from './incident-manager';
import type { IncidentStateStore } from './incident-state-store';
import { SqlIncidentStateStore } from './sql-incident-state-store';
import { RecordingSink } from './test-support/recording-sink';
import { testSettings } from './test-support/settings-fixture';
import { openConsolidationTestDb, reopenConsolidationTestDb } from './test-support/state-db';

const dana = { kind: 'user', name: 'dana' } as const;
const cash = alert({ kpi: 'cash_position', severity: 'critical', fingerprint: 'cash' });
const FIRST = T0 + 30 * SECOND; // the first flush of an incident opened at T0

function show(ds: readonly Dispatch[]): string[] {
  return ds.map((d) => [d.reason, d.level === undefined ? undefined : `L${d.level}`, d.recipients.join(',')].filter(Boolean).join(' '));
}

async function memoryManager(options: Partial<IncidentManagerOptions> = {}) {
  const sink = new RecordingSink();
  const store = new InMemoryIncidentStateStore();
  const silences = new InMemorySilenceStore();
  let n = 0;
  const manager = await IncidentManager.open(
    { settings: testSettings(), kpis: exampleKpis(), store, silences, sink, newId: () => `sil-${++n}`, ...options },
    T0,
  );
  return { manager, sink, store, silences };
}

/** A cash warning fired at T0, told, acknowledged by Dana a minute later and resolved by itself at T0 + 1 h. */
async function cashWarningAcknowledgedThenResolved() {
  const { manager, sink } = await memoryManager();
  const low = alert({ kpi: 'cash_position', severity: 'warning', fingerprint: 'cash-low', labels: { team: 'treasury', source: 'bank' } });
  await manager.onTransitions([fire(low, T0)], T0);
  await manager.tick(FIRST);
  const [open] = await manager.incidents();
  await manager.acknowledgeIncident(open!.id, dana, FIRST + MINUTE);
  await manager.onTransitions([move({ ...low, firingAt: T0 }, 'resolved', T0 + HOUR)], T0 + HOUR);
  return { manager, sink, open, low };
}

describe('IncidentManager', () => {
  it('turns transitions into grouped, escalated dispatches; ack stops; a resolution by itself tells everyone once confirmed', async () => {
    const { manager, sink } = await memoryManager();
    expect(await manager.onTransitions([fire(cash, T0)], T0)).toEqual([]);
    expect(manager.nextWakeAt()).toBe(FIRST);
    expect(show(await manager.tick(FIRST))).toEqual(['firing L0 priya,tomas']);
    expect(manager.nextWakeAt()).toBe(FIRST + 15 * MINUTE);
    expect(show(await manager.tick(FIRST + 15 * MINUTE))).toEqual(['escalation L1 dana']);

    const [open] = await manager.incidents();
    const acked = await manager.acknowledgeIncident(open!.id, dana, FIRST + 20 * MINUTE, 'looking into it');
    expect(acked.incident.state).toBe('acknowledged');
    expect(acked.dispatches).toEqual([]);
    expect(show(await manager.tick(FIRST + 2 * HOUR))).toEqual([]);
    expect((await manager.incident(open!.id, FIRST + 2 * HOUR))!.escalation).toMatchObject({
      policy: 'finance-critical',
      state: 'acknowledged',
      level: 1,
      nextAt: FIRST + 20 * MINUTE + 4 * HOUR,
      paged: ['priya', 'tomas', 'dana'],
    });

    // Resolved by itself: told once it has stayed resolved 2 × the 15-minute cadence of cash_position.
    const resolvedAt = T0 + 3 * HOUR + 7 * SECOND;
    const confirmed = resolvedAt + 30 * MINUTE;
    expect(await manager.onTransitions([move({ ...cash, firingAt: T0 }, 'resolved', resolvedAt)], resolvedAt)).toEqual([]);
    expect(manager.nextWakeAt()).toBe(confirmed);
    expect(await manager.tick(confirmed - 1)).toEqual([]);
    const resolved = await manager.tick(confirmed);
    expect(show(resolved)).toEqual(['resolved priya,tomas', 'resolved dana']);
    expect(resolved.every((d) => d.at === confirmed)).toBe(true);
    expect(sink.pages()).toEqual(['firing L0 priya,tomas', 'escalation L1 dana', 'resolved priya,tomas', 'resolved dana']);
    // Kept reopenable for a day (a financial incident), then closed without another dispatch.
    const holdEnds = confirmed + 24 * HOUR;
    expect(manager.nextWakeAt()).toBe(holdEnds);
    expect((await manager.incidents({ state: 'resolved' })).map((i) => i.id)).toEqual([open!.id]);
    expect((await manager.incident(open!.id, T0 + 4 * HOUR))!.escalation.state).toBe('resolved');
    expect(await manager.tick(holdEnds)).toEqual([]);
    expect(manager.nextWakeAt()).toBeUndefined();
    expect((await manager.incidents({ state: 'resolved' })).map((i) => i.id)).toEqual([open!.id]);
    expect((await manager.incident(open!.id, holdEnds))!.escalation.state).toBe('resolved');
  });

  it('goes on quietly with an acknowledged incident that fires again before its resolution was told; a critical raise pages', async () => {
    const { manager, sink, open, low } = await cashWarningAcknowledgedThenResolved();
    const before = sink.pages().length;
    // Within its confirm period (30 minutes for cash_position): nobody was told it resolved.
    expect(await manager.tick(T0 + HOUR + 10 * MINUTE)).toEqual([]);
    expect(await manager.onTransitions([fire(low, T0 + HOUR + 20 * MINUTE)], T0 + HOUR + 20 * MINUTE)).toEqual([]);
    expect(await manager.tick(T0 + 16 * HOUR)).toEqual([]);
    expect((await manager.incidents()).map((i) => [i.id, i.state])).toEqual([[open!.id, 'acknowledged']]);
    expect(sink.pages()).toHaveLength(before);
    // A critical joins: worse than what was acknowledged, so it pages (policy level 0 and those told).
    await manager.onTransitions([fire(cash, T0 + 17 * HOUR)], T0 + 17 * HOUR);
    const raised = await manager.tick(T0 + 17 * HOUR + 5 * MINUTE);
    expect(raised.length).toBeGreaterThan(0);
    expect(raised.every((d) => d.reason === 'update' && d.incident.id === open!.id && d.incident.severity === 'critical')).toBe(true);
    expect(raised.some((d) => d.level === 0 && d.policy === 'finance-critical')).toBe(true);
  });

  it('pages an update when an acknowledged incident fires again after its resolution was told', async () => {
    const { manager, sink, open, low } = await cashWarningAcknowledgedThenResolved();
    expect((await manager.tick(T0 + HOUR + 30 * MINUTE)).map((d) => d.reason)).toContain('resolved');
    const before = sink.pages().length;
    // Everyone was told it resolved: its acknowledgement ended with it, so firing again is news.
    await manager.onTransitions([fire(low, T0 + 15 * HOUR)], T0 + 15 * HOUR);
    expect((await manager.incidents()).map((i) => [i.id, i.state])).toEqual([[open!.id, 'firing']]);
    const reopened = await manager.tick(T0 + 15 * HOUR + 5 * MINUTE);
    expect(reopened.length).toBeGreaterThan(0);
    expect(reopened.every((d) => d.reason === 'update' && d.incident.id === open!.id)).toBe(true);
    expect(sink.pages().length).toBeGreaterThan(before);
  });

  it('with no group wait pages at once, telling the alerts of one batch together', async () => {
    const settings = testSettings((s) => void (s.consolidation = { timing: { critical: { groupWait: '0s' } } }));
    const { manager } = await memoryManager({ settings });
    const bank = alert({ kpi: 'bank_balance', fingerprint: 'bank-ops', series: { account: 'ops' } });
    const sent = await manager.onTransitions([fire(bank, T0), fire(cash, T0)], T0);
    expect(show(sent)).toEqual(['firing L0 priya,tomas']);
    expect(sent[0]!.incident.alerts.map((a) => a.fingerprint)).toEqual(['bank-ops', 'cash']);
  });

  it('retries a dispatch delivery refused at the next tick, with the same key', async () => {
    const { manager, sink } = await memoryManager();
    await manager.onTransitions([fire(cash, T0)], T0);
    sink.refuse = 1;
    expect(await manager.tick(FIRST)).toEqual([]);
    expect(manager.nextWakeAt()).toBe(FIRST);
    const retried = await manager.tick(FIRST + 5 * SECOND);
    expect(show(retried)).toEqual(['firing L0 priya,tomas']);
    expect(retried[0]!.key).toMatch(/^inc-[0-9a-f]{16}:firing:1$/);
    expect(sink.duplicates).toEqual([]);
  });

  it('serves silences: create, list, mute, expire early, and the alert is heard at the next flush', async () => {
    const { manager, sink } = await memoryManager();
    await expect(manager.createSilence({ matchers: [], endsAt: T0 + HOUR, createdBy: 'dana', comment: 'x' }, T0)).rejects.toMatchObject({
      code: ErrorCodes.SILENCE_INVALID,
    });
    const silence = await manager.createSilence(
      { matchers: [{ name: 'kpi', op: '=', value: 'cash_position' }], endsAt: T0 + 2 * HOUR, createdBy: 'dana', comment: 'bank migration' },
      T0,
    );
    expect(silence).toMatchObject({ id: 'sil-1', status: 'active', startsAt: T0, endsAt: T0 + 2 * HOUR, createdBy: 'dana' });
    await manager.onTransitions([fire(cash, T0)], T0);
    await manager.tick(T0 + HOUR);
    expect(sink.accepted).toEqual([]);
    const [open] = await manager.incidents();
    expect((await manager.incident(open!.id, T0 + HOUR))!.muted).toEqual([
      { fingerprint: 'cash', reason: { kind: 'silence', id: 'sil-1', until: T0 + 2 * HOUR }, text: expect.stringContaining('silenced by sil-1') },
    ]);

    const expired = await manager.expireSilence('sil-1', T0 + HOUR + MINUTE);
    expect(expired).toMatchObject({ status: 'expired', endsAt: T0 + HOUR + MINUTE });
    expect(show(sink.accepted)).toEqual(['firing L0 priya,tomas']);
    expect(sink.accepted[0]!.at).toBe(T0 + HOUR + MINUTE);
    expect(await manager.listSilences(T0 + HOUR + 2 * MINUTE)).toEqual([]);
    expect((await manager.listSilences(T0 + HOUR + 2 * MINUTE, { includeExpired: true })).map((s) => s.id)).toEqual(['sil-1']);
    expect(await manager.getSilence('sil-1', T0)).toMatchObject({ id: 'sil-1' });
    await expect(manager.expireSilence('sil-404', T0)).rejects.toMatchObject({ code: ErrorCodes.NOT_FOUND, httpStatus: 404 });
  });

  it('mutes alerts in a maintenance window of the settings and tells them once it closes', async () => {
    const settings = testSettings((s) => {
      s.consolidation = {
        maintenance: [{ name: 'bank-upgrade', matchers: [{ name: 'source', value: 'bank' }], timezone: 'America/New_York', start: '2025-03-03T09:00', end: '2025-03-03T11:00' }],
      };
    });
    const { manager, sink } = await memoryManager({ settings });
    expect(manager.openMaintenanceWindows(T0)).toEqual([{ name: 'bank-upgrade', until: T0 + HOUR }]);
    await manager.onTransitions([fire(cash, T0)], T0);
    await manager.tick(T0 + HOUR - 1);
    expect(sink.accepted).toEqual([]);
    expect(manager.nextWakeAt()).toBe(FIRST + HOUR); // the first grid point after the window closes
    expect(show(await manager.tick(FIRST + HOUR))).toEqual(['firing L0 priya,tomas']);
  });

  it('correlates a failing bank feed with what it breaks, and tells only the failure', async () => {
    const { manager } = await memoryManager();
    const bankDown = alert({ kpi: 'bank_feed', origin: 'source_failure', category: 'system', fingerprint: 'bank-down', labels: { source: 'bank', team: 'sre' } });
    const runway = alert({ kpi: 'runway_months', fingerprint: 'runway' });
    await manager.onTransitions([fire(bankDown, T0), fire(runway, T0 + 10 * SECOND), fire(cash, T0 + 20 * SECOND)], T0 + 20 * SECOND);
    const sent = await manager.tick(FIRST);
    // One incident; routes of the audible alert only: the system route (SRE on call) and the SRE
    // policy, both reaching sam: one dispatch with the channels of both.
    expect(show(sent)).toEqual(['firing L0 sam']);
    expect(sent[0]!.channels).toEqual(['sms']); // not the same SMS twice
    expect(new Set(sent.map((d) => d.incident.id)).size).toBe(1);
    expect(sent[0]!.incident.alerts.map((a) => a.fingerprint)).toEqual(['bank-down']);
    const [incident] = await manager.incidents();
    expect(incident!.alerts.map((a) => a.fingerprint)).toEqual(['bank-down', 'runway', 'cash']);
  });

  it('orders incidents by priority and shows who is on which level now', async () => {
    const { manager } = await memoryManager();
    const warning = alert({ kpi: 'revenue', severity: 'warning', fingerprint: 'rev', labels: { team: 'fpa', source: 'erp' } });
    const platform = alert({ kpi: 'platform_uptime', severity: 'critical', priority: 80, category: 'operational', fingerprint: 'up', labels: { team: 'sre', source: 'platform' } });
    await manager.onTransitions([fire(warning, T0), fire(platform, T0), fire(cash, T0)], T0);
    await manager.tick(FIRST);
    expect((await manager.incidents()).map((i) => i.kpis[0])).toEqual(['cash_position', 'platform_uptime', 'revenue']);
    expect((await manager.incidents({ state: 'firing', limit: 1 })).map((i) => i.kpis[0])).toEqual(['cash_position']);
    expect(manager.escalationsNow(FIRST + MINUTE).map((e) => [e.policy, e.level, e.targets, e.nextAt])).toEqual([
      ['finance-critical', 0, ['priya', 'tomas'], FIRST + 15 * MINUTE],
      ['sre-oncall', 0, ['sam'], FIRST + 10 * MINUTE],
    ]);
  });

  it('tells information to its route without escalating', async () => {
    const { manager, sink } = await memoryManager();
    const milestone = alert({ kpi: 'cash_position', severity: 'info', origin: 'milestone', fingerprint: 'm' });
    await manager.onTransitions([fire(milestone, T0)], T0);
    await manager.tick(T0 + 10 * HOUR);
    expect(sink.pages()).toEqual(['information priya,tomas']);
    expect(manager.escalationsNow(T0 + 10 * HOUR)).toEqual([]);
  });

  it('refuses to acknowledge unknown or resolved incidents; resolving twice changes nothing', async () => {
    const { manager } = await memoryManager();
    await expect(manager.acknowledgeIncident('inc-nope', dana, T0)).rejects.toMatchObject({ code: ErrorCodes.NOT_FOUND });
    await expect(manager.resolveIncident('inc-nope', dana, T0)).rejects.toMatchObject({ code: ErrorCodes.NOT_FOUND });
    await manager.onTransitions([fire(cash, T0)], T0);
    await manager.tick(FIRST);
    const [open] = await manager.incidents();
    const resolved = await manager.resolveIncident(open!.id, dana, FIRST + MINUTE, 'handled at the bank');
    expect(resolved.incident.state).toBe('resolved');
    expect(show(resolved.dispatches)).toEqual(['resolved priya,tomas']);
    await expect(manager.acknowledgeIncident(open!.id, dana, FIRST + 2 * MINUTE)).rejects.toMatchObject({
      code: ErrorCodes.INCIDENT_STATE_CONFLICT,
      httpStatus: 409,
    });
    expect((await manager.resolveIncident(open!.id, dana, FIRST + 3 * MINUTE)).dispatches).toEqual([]);
  });

  it('applies new settings without losing running escalations; a broken catalog changes nothing', async () => {
    const { manager } = await memoryManager();
    await manager.onTransitions([fire(cash, T0)], T0);
    await manager.tick(FIRST);
    manager.reconfigure(testSettings((s) => void (s.escalation.policies[0].levels[0].timeout = '5m')));
    expect(show(await manager.tick(FIRST + 15 * MINUTE))).toEqual(['escalation L1 dana']); // the running timer stays
    const cyclic = exampleKpis().map((k) => (k.id === 'cash_position' ? { ...k, formula: 'runway_months * 2' } : k));
    expect(() => manager.reconfigure(testSettings(), cyclic)).toThrow(expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID }));
    expect(show(await manager.tick(FIRST + 45 * MINUTE))).toEqual(['escalation L2 marcus']);
  });
});

/** Wraps a store so a chosen commit fails, as if the process died before saving. */
class CrashingStore implements IncidentStateStore {
  crash = false;
  constructor(private readonly inner: IncidentStateStore) {}
  commit(changes: Parameters<IncidentStateStore['commit']>[0]) {
    if (this.crash) return Promise.reject(new Error('killed'));
    return this.inner.commit(changes);
  }
  loadOpen() {
    return this.inner.loadOpen();
  }
  getIncident(id: string) {
    return this.inner.getIncident(id);
  }
  getEscalation(id: string) {
    return this.inner.getEscalation(id);
  }
  listIncidents(filter?: Parameters<IncidentStateStore['listIncidents']>[0]) {
    return this.inner.listIncidents(filter);
  }
  pruneClosed(before: number) {
    return this.inner.pruneClosed(before);
  }
}

describe.each(TEST_DIALECTS)('restart in the middle of an escalation (%s)', (dialect) => {
  async function scenario(run: (open: (now: number, crash?: boolean) => Promise<{ manager: IncidentManager; store: CrashingStore }>, sink: RecordingSink) => Promise<void>) {
    const { location, state } = await openConsolidationTestDb(dialect);
    const sink = new RecordingSink();
    try {
      await run(async (now) => {
        const db = (await reopenConsolidationTestDb(location)).db;
        const store = new CrashingStore(new SqlIncidentStateStore(db));
        const manager = await IncidentManager.open({ settings: testSettings(), kpis: exampleKpis(), store, silences: new SqlSilenceStore(db), sink }, now);
        return { manager, store };
      }, sink);
    } finally {
      await state.close();
      await location.dispose();
    }
  }

  it('resumes on time after a restart: the level that came due is paged once, nothing twice', async () => {
    await scenario(async (open, sink) => {
      const first = await open(T0);
      await first.manager.onTransitions([fire(cash, T0)], T0);
      await first.manager.tick(FIRST);
      await first.manager.tick(FIRST + 15 * MINUTE);
      expect(sink.pages()).toEqual(['firing L0 priya,tomas', 'escalation L1 dana']);
      // The collector stops. It starts again 35 minutes later: level 2 came due meanwhile (at +45m).
      const second = await open(FIRST + 50 * MINUTE);
      expect(second.manager.nextWakeAt()).toBe(FIRST + 45 * MINUTE);
      expect(show(await second.manager.tick(FIRST + 50 * MINUTE))).toEqual(['escalation L2 marcus']);
      expect(show(await second.manager.tick(FIRST + 104 * MINUTE))).toEqual([]);
      expect(show(await second.manager.tick(FIRST + 105 * MINUTE))).toEqual(['escalation L0 priya,tomas']);
      expect(sink.duplicates).toEqual([]);
      const keys = sink.accepted.map((d) => d.key.split(':').slice(1).join(':'));
      expect(keys).toEqual(['firing:1', 'escalation:2', 'escalation:3', 'escalation:4']);
    });
  });

  it('makes a page the process took but did not save again with the same key (delivery drops it)', async () => {
    await scenario(async (open, sink) => {
      const first = await open(T0);
      await first.manager.onTransitions([fire(cash, T0)], T0);
      await first.manager.tick(FIRST);
      first.store.crash = true; // level 1 is submitted, then the process dies before saving
      expect(show(await first.manager.tick(FIRST + 15 * MINUTE))).toEqual(['escalation L1 dana']);

      const second = await open(FIRST + 16 * MINUTE);
      expect(show(await second.manager.tick(FIRST + 16 * MINUTE))).toEqual(['escalation L1 dana']);
      expect(sink.duplicates).toHaveLength(1);
      expect(sink.pages()).toEqual(['firing L0 priya,tomas', 'escalation L1 dana']);
      // And from there on it carries on as if nothing happened.
      expect(show(await second.manager.tick(FIRST + 45 * MINUTE))).toEqual(['escalation L2 marcus']);
      expect(sink.duplicates).toHaveLength(1);
    });
  });

  it('keeps group timers, acknowledgements and silences across a restart', async () => {
    await scenario(async (open, sink) => {
      const first = await open(T0);
      const platform = alert({ kpi: 'platform_uptime', category: 'operational', fingerprint: 'up', labels: { team: 'sre', source: 'platform' } });
      await first.manager.createSilence({ matchers: [{ name: 'kpi', value: 'platform_uptime' }], endsAt: T0 + HOUR, createdBy: 'alex', comment: 'deploy' }, T0);
      await first.manager.onTransitions([fire(cash, T0), fire(platform, T0)], T0);
      await first.manager.tick(FIRST);
      const incident = (await first.manager.incidents({ state: 'firing' })).find((i) => i.kpis.includes('cash_position'));
      await first.manager.acknowledgeIncident(incident!.id, dana, FIRST + MINUTE);

      const second = await open(FIRST + 2 * MINUTE);
      expect(show(await second.manager.tick(FIRST + 50 * MINUTE))).toEqual([]); // acknowledged; still silenced
      expect((await second.manager.listSilences(FIRST + 50 * MINUTE)).map((s) => s.createdBy)).toEqual(['alex']);
      // The silence ends at T0+1h: the platform incident is heard at the next grid point.
      expect(show(await second.manager.tick(FIRST + HOUR))).toEqual(['firing L0 sam']);
      expect(sink.pages()).toEqual(['firing L0 priya,tomas', 'firing L0 sam']);
      // The acknowledgement holds 4 hours; meanwhile the platform incident climbed to its second level.
      expect(show(await second.manager.tick(FIRST + MINUTE + 4 * HOUR)).sort()).toEqual(['ack_timeout L0 priya,tomas', 'escalation L1 dana']);
    });
  });
});
