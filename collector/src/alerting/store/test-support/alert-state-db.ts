import { migrateStateDb } from '../../../storage/state/migrate';
import { stateMigrations } from '../../../storage/state/migrations';
import { alertsMigration } from '../../../storage/state/migrations/0002-alerts';
import type { StateDb } from '../../../storage/state/open-state-db';
import type { TestStateLocation } from '../../../storage/state/test-support/state-db-fixtures';

/** The state migrations with the alert tables, under the key the registry uses for them. */
export const MIGRATIONS_WITH_ALERTS = { ...stateMigrations, '0002_alerts': alertsMigration };

/** Opens a test location's database with every state migration plus 0002-alerts applied. */
export async function openAlertStateDb(location: TestStateLocation): Promise<StateDb> {
  const state = await location.open({ migrate: false });
  const schema = location.options.kind === 'postgres' ? location.options.schema : undefined;
  await migrateStateDb(state.db, { migrations: MIGRATIONS_WITH_ALERTS, ...(schema === undefined ? {} : { migrationTableSchema: schema }) });
  return state;
}
