import type { StateDb } from '../storage/state/open-state-db';
import { emptyStateTables, TEST_DIALECTS, type TestStateLocation } from '../storage/state/test-support/state-db-fixtures';
import { InMemoryIncidentStateStore } from './in-memory-incident-state-store';
import { SqlIncidentStateStore } from './sql-incident-state-store';
import { escalationRecord, incidentRecord, incidentStateStoreContract } from './test-support/incident-state-store-contract';
import { openConsolidationTestDb, reopenConsolidationTestDb } from './test-support/state-db';
import { T0 } from '../consolidation/test-support/alert-fixtures';
import { consolidationEscalation } from '../storage/state/migrations/0003-consolidation-escalation';

describe('InMemoryIncidentStateStore', () => {
  incidentStateStoreContract(async () => ({ store: new InMemoryIncidentStateStore(), dispose: async () => {} }));
});

describe.each(TEST_DIALECTS)('SqlIncidentStateStore on %s', (dialect) => {
  describe('contract', () => {
    let location: TestStateLocation;
    let state: StateDb;
    beforeAll(async () => {
      ({ location, state } = await openConsolidationTestDb(dialect));
    });
    afterAll(() => location.dispose());
    incidentStateStoreContract(async () => {
      await emptyStateTables(state);
      return { store: new SqlIncidentStateStore(state.db), dispose: async () => {} };
    });
  });

  it('keeps the records and their timer columns across closing and reopening the database', async () => {
    const { location, state } = await openConsolidationTestDb(dialect);
    try {
      await new SqlIncidentStateStore(state.db).commit({ incidents: [{ record: incidentRecord('inc-a', T0) }], escalations: [escalationRecord('inc-a', T0 + 900_000)] });
      await state.close();
      const again = await reopenConsolidationTestDb(location);
      const loaded = await new SqlIncidentStateStore(again.db).loadOpen();
      expect(loaded.escalations).toEqual([escalationRecord('inc-a', T0 + 900_000)]);
      const row = await again.db
        .withTables<{ escalations: { incident_id: string; next_at: number | null; level: number; status: string } }>()
        .selectFrom('escalations')
        .select(['next_at', 'level', 'status'])
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ next_at: T0 + 900_000, level: 1, status: 'active' });
    } finally {
      await location.dispose();
    }
  });

  it('migration 0003 goes down and up again cleanly', async () => {
    const { location, state } = await openConsolidationTestDb(dialect);
    const ours = ['escalations', 'incident_alerts', 'incidents', 'silences'];
    const tables = async () => {
      const schema = location.options.kind === 'postgres' ? location.options.schema : undefined;
      const all = await state.db.introspection.getTables();
      return all.filter((t) => (schema === undefined || t.schema === schema) && ours.includes(t.name)).map((t) => t.name).sort();
    };
    try {
      expect(await tables()).toEqual(ours);
      await consolidationEscalation.down!(state.db);
      expect(await tables()).toEqual([]);
      await consolidationEscalation.up(state.db);
      expect(await tables()).toEqual(ours);
    } finally {
      await location.dispose();
    }
  });

  it('writes a commit all or nothing', async () => {
    const { location, state } = await openConsolidationTestDb(dialect);
    try {
      const store = new SqlIncidentStateStore(state.db);
      const broken = { ...incidentRecord('inc-b', T0), incident: { ...incidentRecord('inc-b', T0).incident, priority: Number.NaN } };
      // NaN in an integer column is refused by both databases; the first record must not stay behind.
      await expect(store.commit({ incidents: [{ record: incidentRecord('inc-a', T0) }, { record: broken }] })).rejects.toMatchObject({ code: expect.stringMatching(/^FINMON_STORAGE_/) });
      expect(await store.getIncident('inc-a')).toBeUndefined();
    } finally {
      await location.dispose();
    }
  });
});
