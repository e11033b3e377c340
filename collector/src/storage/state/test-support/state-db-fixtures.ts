import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStateDb, type StateDb, type StateDbOptions } from '../open-state-db';

/** The PostgreSQL server the tests use (trust auth); override with FINMON_TEST_POSTGRES_URL. */
export const TEST_POSTGRES_URL = process.env.FINMON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestDialect = 'sqlite' | 'postgres';

/** Every dialect a state-store test runs against, for `describe.each`. */
export const TEST_DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres'];

/**
 * A private place for one test's state database: a temp-dir SQLite file, or a fresh PostgreSQL
 * schema named after the process and random bytes, so parallel runs never see each other's tables.
 * `options` reopens the same place; `dispose` removes it.
 */
export interface TestStateLocation {
  readonly dialect: TestDialect;
  readonly options: StateDbOptions;
  /** Opens (and by default migrates) a database at this location; closed by `dispose`. */
  open(overrides?: { migrate?: boolean }): Promise<StateDb>;
  dispose(): Promise<void>;
}

/** Creates a private location for `dialect`. */
export function createTestStateLocation(dialect: TestDialect): TestStateLocation {
  const opened: StateDb[] = [];
  let options: StateDbOptions;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'finmon-state-'));
    options = { kind: 'sqlite', file: join(dir, 'state.db') };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = `finmon_test_${process.pid}_${randomBytes(6).toString('hex')}`;
    options = { kind: 'postgres', connectionString: TEST_POSTGRES_URL, schema, maxConnections: 3 };
    // Not dropped here: a schema dropped while another test file introspects the catalog makes
    // that scan fail ("schema … does not exist"). test/support/drop-test-schemas.js drops them all
    // before and after the run.
    cleanup = async () => undefined;
  }
  return {
    dialect,
    options,
    async open(overrides = {}) {
      const state = await retryOnMissingSchema('open', () => openStateDb({ ...options, ...overrides }));
      opened.push(state);
      return state;
    },
    async dispose() {
      // Closing twice is harmless: kysely's destroy is idempotent.
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await cleanup();
    },
  };
}

/**
 * Runs `work` again once when PostgreSQL answers "schema … does not exist". That happened when test
 * files dropped their schemas during the run, under another file's catalog scan; they no longer do
 * (see test/support/drop-test-schemas.js), so this is a safety net that says when it is used.
 */
export async function retryOnMissingSchema<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof Error && /schema "[^"]+" does not exist/.test(error.message))) throw error;
    process.stderr.write(`state-db-fixtures: retrying ${what} after: ${error.message}\n`);
    return work();
  }
}

/**
 * Deletes every row of every finmon table (kysely's bookkeeping tables excepted), so tests can
 * share one migrated database per dialect instead of paying for a schema per test.
 */
export async function emptyStateTables(state: StateDb): Promise<void> {
  const tables = await state.db.introspection.getTables();
  const schema = state.kind === 'postgres' ? await currentSchema(state) : undefined;
  for (const table of tables) {
    if (schema !== undefined && table.schema !== schema) continue;
    await state.db.deleteFrom(table.name as 'kv_state').execute();
  }
}

async function currentSchema(state: StateDb): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(state.db);
  return rows[0]?.schema ?? 'public';
}
