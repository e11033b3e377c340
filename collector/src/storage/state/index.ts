/** The state database: mutable collector state in SQLite (default) or PostgreSQL, via kysely. */
export type { ApiTokenRow, ApiTokensTable, Database, KvStateRow, KvStateTable, NewApiTokenRow } from './database';
export { InMemoryKvStateStore } from './in-memory-kv-state-store';
export { compareKeys, encodeKvValue, type KvEntry, type KvStateStore } from './kv-state-store';
export { InCodeMigrationProvider, migrateStateDb } from './migrate';
export { stateMigrations } from './migrations';
export {
  openStateDb,
  type PostgresStateDbOptions,
  type SqliteStateDbOptions,
  type StateDb,
  type StateDbOptions,
} from './open-state-db';
export { SqlKvStateStore } from './sql-kv-state-store';
export { runStateQuery, toStateDbError } from './state-db-errors';
