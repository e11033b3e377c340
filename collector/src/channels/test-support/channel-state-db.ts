import { stateMigrations } from '../../storage/state/migrations';
import type { StateDb } from '../../storage/state/open-state-db';
import { createTestStateLocation, type TestDialect } from '../../storage/state/test-support/state-db-fixtures';

/** The registered migrations, the news feed and push tables (0005) among them. */
export const MIGRATIONS_WITH_CHANNELS = stateMigrations;

/** A private, migrated state database (SQLite file or PostgreSQL schema) with the channel tables. */
export async function openChannelStateDb(dialect: TestDialect): Promise<{ state: StateDb; dispose(): Promise<void> }> {
  const location = createTestStateLocation(dialect);
  const state = await location.open();
  return { state, dispose: () => location.dispose() };
}
