import { migrateStateDb } from '../../../storage/state/migrate';
import { stateMigrations } from '../../../storage/state/migrations';
import { importedStatements } from '../../../storage/state/migrations/0006-imported-statements';
import type { StateDb } from '../../../storage/state/open-state-db';
import type { TestStateLocation } from '../../../storage/state/test-support/state-db-fixtures';

/** The migrations including 0006, whether or not the registry lists it yet. */
export const MIGRATIONS_WITH_STATEMENTS = { ...stateMigrations, '0006_imported_statements': importedStatements };

/** Opens a test state database at `location` migrated up to and including 0006. */
export async function openStatementStateDb(location: TestStateLocation): Promise<StateDb> {
  const state = await location.open({ migrate: false });
  const schema = location.options.kind === 'postgres' ? location.options.schema : undefined;
  await migrateStateDb(state.db, { migrations: MIGRATIONS_WITH_STATEMENTS, ...(schema ? { migrationTableSchema: schema } : {}) });
  return state;
}
