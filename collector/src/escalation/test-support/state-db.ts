import { consolidationEscalation } from '../../storage/state/migrations/0003-consolidation-escalation';
import { createTestStateLocation, type TestDialect, type TestStateLocation } from '../../storage/state/test-support/state-db-fixtures';
import type { StateDb } from '../../storage/state/open-state-db';

/**
 * A private, migrated state database with the consolidation/escalation tables. Until the lead
 * registers migration 0003 in `stateMigrations`, it is applied here by hand when its tables are
 * missing; once registered, the normal migration creates them.
 */
export async function openConsolidationTestDb(dialect: TestDialect): Promise<{ location: TestStateLocation; state: StateDb }> {
  const location = createTestStateLocation(dialect);
  const state = await location.open();
  const tables = await state.db.introspection.getTables();
  if (!tables.some((t) => t.name === 'escalations')) await consolidationEscalation.up(state.db);
  return { location, state };
}

/** Opens the same location again (a restart), with the tables already there. */
export async function reopenConsolidationTestDb(location: TestStateLocation): Promise<StateDb> {
  return location.open();
}
