import { sql } from 'kysely';
import { ManualClock } from '../../core/clock';
import type { StateDb } from '../../storage/state/open-state-db';
import { createTestStateLocation, emptyStateTables, TEST_DIALECTS } from '../../storage/state/test-support/state-db-fixtures';
import { EngineHarness, metricsWithRules, MINUTE, moves, T0 } from '../test-support/alert-fixtures';
import { SqlAlertStore } from './sql-alert-store';
import { alertFixture, alertStoreContract } from './test-support/alert-store-contract';
import { openAlertStateDb } from './test-support/alert-state-db';

describe.each(TEST_DIALECTS)('SqlAlertStore on %s', (dialect) => {
  describe('contract', () => {
    const location = createTestStateLocation(dialect);
    let state: StateDb;
    beforeAll(async () => {
      state = await openAlertStateDb(location);
    });
    afterAll(() => location.dispose());
    alertStoreContract(async () => {
      await emptyStateTables(state);
      return { store: new SqlAlertStore(state.db, new ManualClock(T0)), dispose: async () => {} };
    });
  });

  it('resumes a pending `for` after the database is closed and reopened (restart mid-for)', async () => {
    const location = createTestStateLocation(dialect);
    try {
      const metrics = metricsWithRules({
        cash_position: [{ type: 'static', id: 'cash-warning', severity: 'warning', below: 6000000, recoverAt: 6500000, for: '30m' }],
        bank_balance: [{ type: 'nodata', id: 'bank-feed-silent', expectedEvery: '15m', after: '45m' }],
      });
      const first = new EngineHarness(metrics);
      first.value('cash_position', {}, 5_900_000);
      first.value('bank_balance', { account: 'ops-usd', bank: 'jpm', currency: 'USD' }, 1);
      first.run(12 * MINUTE);
      const db1 = await openAlertStateDb(location);
      await new SqlAlertStore(db1.db, new ManualClock(first.now)).apply(first.engine.drainChanges());
      await db1.close();

      const second = new EngineHarness(metrics, { now: first.now + 3 * MINUTE });
      const db2 = await openAlertStateDb(location);
      const store = new SqlAlertStore(db2.db, new ManualClock(second.now));
      const snapshot = await store.load({ resolvedSince: 0 });
      expect(store.problems).toEqual([]);
      expect(snapshot.ruleStates.map((r) => r.ruleKey).sort()).toEqual(['bank_balance/bank-feed-silent', 'cash_position/cash-warning']);
      second.engine.restore(snapshot, second.now);
      expect(second.run(14 * MINUTE)).toEqual([]);
      const fired = second.run(MINUTE);
      expect(moves(fired)).toEqual(['cash-warning:pending→firing']);
      expect(second.now).toBe(T0 + 30 * MINUTE);
      await store.apply(second.engine.drainChanges());
      const stored = await store.getAlert(fired[0]!.fingerprint);
      expect(stored?.alert.state).toBe('firing');
      expect(stored?.history.map((t) => `${t.from ?? 'none'}→${t.to}@${t.at - T0}`)).toEqual(['none→pending@0', `pending→firing@${30 * MINUTE}`]);
    } finally {
      await location.dispose();
    }
  });

  it('skips rows it cannot decode, reports them and loads the rest', async () => {
    const location = createTestStateLocation(dialect);
    try {
      const state = await openAlertStateDb(location);
      const store = new SqlAlertStore(state.db, new ManualClock(T0));
      await store.apply({
        alerts: [
          { alert: alertFixture('good'), lifecycle: { forMs: 0, event: false, manuallyResolved: false, changes: [], seq: 1 } },
          { alert: alertFixture('bad'), lifecycle: { forMs: 0, event: false, manuallyResolved: false, changes: [], seq: 1 } },
        ],
        history: [],
        ruleStates: [{ ruleKey: 'k/r', version: 'v', series: '', persisted: { tags: {}, lastSeenAt: T0, state: null } }],
        staleRuleStates: [],
      });
      await sql`update alerts set alert = ${'{"fingerprint":"bad","state":"exploded"}'} where fingerprint = ${'bad'}`.execute(state.db);
      await sql`update alert_rule_state set state = ${'not json'}`.execute(state.db);
      const snapshot = await store.load({ resolvedSince: 0 });
      expect(snapshot.alerts.map((a) => a.alert.fingerprint)).toEqual(['good']);
      expect(snapshot.ruleStates).toEqual([]);
      expect(store.problems).toEqual(['alert bad: no kpi or ruleId', 'rule state k/r : not a JSON object']);
    } finally {
      await location.dispose();
    }
  });
});
