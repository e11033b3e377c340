import { migrateStateDb, stateMigrations } from '../../storage/state';
import { outbox } from '../../storage/state/migrations/0004-outbox';
import type { StateDb } from '../../storage/state/open-state-db';
import type { TestStateLocation } from '../../storage/state/test-support/state-db-fixtures';

/**
 * Opens a test state database with the registered migrations plus 0004-outbox (until the lead
 * registers it; the key is the same, so afterwards this is the registered set).
 */
export async function openOutboxDb(location: TestStateLocation): Promise<StateDb> {
  const state = await location.open({ migrate: false });
  const options = location.options;
  await migrateStateDb(state.db, {
    migrations: { ...stateMigrations, '0004_outbox': outbox },
    ...(options.kind === 'postgres' && options.schema !== undefined ? { migrationTableSchema: options.schema } : {}),
  });
  return state;
}
