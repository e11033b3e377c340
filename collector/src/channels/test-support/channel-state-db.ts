import { migrateStateDb } from '../../storage/state/migrate';
import { stateMigrations } from '../../storage/state/migrations';
import { newsFeedAndPushSubscriptions } from '../../storage/state/migrations/0005-news-feed';
import type { StateDb } from '../../storage/state/open-state-db';
import { createTestStateLocation, type TestDialect } from '../../storage/state/test-support/state-db-fixtures';

/** The registered migrations plus 0005 (under the key the lead registers it with). */
export const MIGRATIONS_WITH_CHANNELS = { ...stateMigrations, '0005_news_feed': newsFeedAndPushSubscriptions };

/** A private, migrated state database (SQLite file or PostgreSQL schema) with the channel tables. */
export async function openChannelStateDb(dialect: TestDialect): Promise<{ state: StateDb; dispose(): Promise<void> }> {
  const location = createTestStateLocation(dialect);
  const state = await location.open({ migrate: false });
  const schema = location.options.kind === 'postgres' ? location.options.schema : undefined;
  await migrateStateDb(state.db, { migrations: MIGRATIONS_WITH_CHANNELS, ...(schema === undefined ? {} : { migrationTableSchema: schema }) });
  return { state, dispose: () => location.dispose() };
}
