import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool, types as pgTypes } from 'pg';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Database } from './database';
import { migrateStateDb } from './migrate';
import { FinmonSqliteDialect } from './sqlite-dialect';

/** Options shared by both kinds of state database. */
interface CommonStateDbOptions {
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
  logger?: Logger;
}

/** An embedded SQLite file: the default, no server needed. */
export interface SqliteStateDbOptions extends CommonStateDbOptions {
  kind: 'sqlite';
  /** Path of the database file; its directory is created if missing. `:memory:` works for tests. */
  file: string;
  /** How long a writer waits for a lock held by another connection (default 5000 ms). */
  busyTimeoutMs?: number;
}

/** A PostgreSQL server, for deployments that run several collectors or already operate one. */
export interface PostgresStateDbOptions extends CommonStateDbOptions {
  kind: 'postgres';
  connectionString: string;
  /**
   * Schema for finmon's tables (created if missing, then first on every connection's search_path).
   * Default: the server's current schema (usually `public`). Lower-case letters, digits, `_`.
   */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
}

export type StateDbOptions = SqliteStateDbOptions | PostgresStateDbOptions;

/** An open state database: the typed query builder and a way to release it. */
export interface StateDb {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** Closes the file or drains the pool. */
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/**
 * Opens the state database (SQLite file or PostgreSQL pool) and, unless `migrate: false`, applies
 * pending migrations.
 *
 * SQLite is opened with WAL journaling (readers never block the writer), a busy timeout, foreign
 * keys enforced and immediate transactions (see `FinmonSqliteDialect`). PostgreSQL int8 columns are parsed as JS numbers for this pool only (they hold
 * epoch milliseconds, see `database.ts`).
 *
 * @throws FinmonError CONFIG_INVALID for a bad schema name; STORAGE_UNAVAILABLE (retryable for
 *   PostgreSQL) when the file cannot be opened or the server cannot be reached; STORAGE_REJECTED
 *   when a migration fails.
 */
export async function openStateDb(options: StateDbOptions): Promise<StateDb> {
  const opened = options.kind === 'sqlite' ? openSqlite(options) : await openPostgres(options);
  if (options.migrate !== false) {
    try {
      const applied = await migrateStateDb(opened.db, opened.migrationOptions);
      if (applied.length > 0) {
        options.logger?.info({ migrations: applied }, 'state database migrated');
      }
    } catch (error) {
      await opened.state.close();
      throw error;
    }
  }
  return opened.state;
}

interface Opened {
  state: StateDb;
  db: Kysely<Database>;
  migrationOptions: { migrationTableSchema?: string };
}

function openSqlite(options: SqliteStateDbOptions): Opened {
  let database: BetterSqlite3.Database | undefined;
  try {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    database = new BetterSqlite3(options.file);
    database.pragma('journal_mode = WAL');
    database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = NORMAL');
  } catch (error) {
    database?.close();
    throw new FinmonError(
      ErrorCodes.STORAGE_UNAVAILABLE,
      `cannot open the SQLite state database at ${options.file}: ${(error as Error).message}`,
      503,
      false,
      { cause: error },
    );
  }
  const db = new Kysely<Database>({ dialect: new FinmonSqliteDialect({ database }) });
  return {
    db,
    migrationOptions: {},
    state: { kind: 'sqlite', db, close: () => db.destroy() },
  };
}

async function openPostgres(options: PostgresStateDbOptions): Promise<Opened> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new FinmonError(
      ErrorCodes.CONFIG_INVALID,
      `state database schema "${options.schema}" is not a plain identifier (lower-case letters, digits, _; at most 63)`,
      500,
    );
  }
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? (value: string) => Number(value)
          : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
    },
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'state database connection lost'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let schema: string;
  try {
    if (options.schema !== undefined) {
      await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
    }
    const row = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const current = row.rows[0]?.schema;
    if (current === undefined || current === null) {
      throw new Error('the connection has no current schema (search_path names no existing schema)');
    }
    schema = current;
  } catch (error) {
    await db.destroy();
    throw new FinmonError(
      ErrorCodes.STORAGE_UNAVAILABLE,
      `cannot reach the PostgreSQL state database at ${describeServer(options.connectionString)}: ${(error as Error).message}`,
      503,
      true,
      { cause: error },
    );
  }
  return {
    db,
    migrationOptions: { migrationTableSchema: schema },
    state: { kind: 'postgres', db, close: () => db.destroy() },
  };
}

/** host:port/database from a connection URL, never its password. */
function describeServer(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'the configured server';
  }
}
