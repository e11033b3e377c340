import { ALL_STATE_TABLES as ALL_TABLES } from './test-support/all-state-tables';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { sql, type Kysely, type Migration } from 'kysely';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { StateDb } from './open-state-db';
import { InCodeMigrationProvider, migrateStateDb } from './migrate';
import { stateMigrations } from './migrations';
import { createTestStateLocation, TEST_DIALECTS, type TestStateLocation } from './test-support/state-db-fixtures';

/** Names of finmon's tables that exist, as seen through kysely's introspection. */

async function tableNames(state: StateDb, schema: string | undefined): Promise<string[]> {
  const tables = await state.db.introspection.getTables();
  return tables
    .filter((t) => schema === undefined || t.schema === schema)
    .map((t) => t.name)
    .sort();
}

function schemaOf(location: TestStateLocation): string | undefined {
  return location.options.kind === 'postgres' ? location.options.schema : undefined;
}

describe('InCodeMigrationProvider', () => {
  it('serves exactly the migrations it was given, as a copy', async () => {
    const provider = new InCodeMigrationProvider(stateMigrations);
    const served = await provider.getMigrations();
    expect(served).toEqual(stateMigrations);
    expect(served).not.toBe(stateMigrations);
  });
});

describe('stateMigrations', () => {
  it('are named NNNN_words so that name order is run order', () => {
    const names = Object.keys(stateMigrations);
    for (const name of names) expect(name).toMatch(/^\d{4}_[a-z0-9_]+$/);
    expect(names).toEqual([...names].sort());
  });
});

describe.each(TEST_DIALECTS)('migrateStateDb on %s', (dialect) => {
  let location: TestStateLocation;
  let state: StateDb;
  const migrationTableSchema = () => schemaOf(location);

  beforeEach(async () => {
    location = createTestStateLocation(dialect);
    state = await location.open({ migrate: false });
  });
  afterEach(async () => location.dispose());

  it('creates the tables on the first run and does nothing on the second', async () => {
    const options = { ...(migrationTableSchema() ? { migrationTableSchema: migrationTableSchema() } : {}) };
    expect(await migrateStateDb(state.db, options)).toEqual(Object.keys(stateMigrations).sort());
    expect(await migrateStateDb(state.db, options)).toEqual([]);
    expect(await tableNames(state, migrationTableSchema())).toEqual(ALL_TABLES);
  });

  it('applies only the migrations added since the last run', async () => {
    const options = { ...(migrationTableSchema() ? { migrationTableSchema: migrationTableSchema() } : {}) };
    await migrateStateDb(state.db, options);
    const later: Migration = {
      up: async (db: Kysely<any>) => {
        await db.schema.createTable('later_feature').addColumn('id', 'text', (c) => c.primaryKey()).execute();
      },
    };
    const extended = { ...stateMigrations, '9999_later_feature': later };
    expect(await migrateStateDb(state.db, { ...options, migrations: extended })).toEqual(['9999_later_feature']);
    expect(await migrateStateDb(state.db, { ...options, migrations: extended })).toEqual([]);
    expect(await tableNames(state, migrationTableSchema())).toEqual([...ALL_TABLES, 'later_feature'].sort());
  });

  it('rolls a failing run back and names the failing migration', async () => {
    const options = { ...(migrationTableSchema() ? { migrationTableSchema: migrationTableSchema() } : {}) };
    const broken: Migration = {
      up: async (db: Kysely<any>) => {
        await db.schema.createTable('half_done').addColumn('id', 'text').execute();
        await sql`this is not sql`.execute(db);
      },
    };
    const error = await migrateStateDb(state.db, {
      ...options,
      migrations: { ...stateMigrations, '9999_broken': broken },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FinmonError);
    expect(error).toMatchObject({ code: ErrorCodes.STORAGE_REJECTED, message: expect.stringContaining('9999_broken') });
    // The whole run was one transaction: not even 0001's tables remain.
    expect(await tableNames(state, migrationTableSchema())).not.toContain('half_done');
    expect(await tableNames(state, migrationTableSchema())).not.toContain('api_tokens');
    expect(await migrateStateDb(state.db, options)).toEqual(Object.keys(stateMigrations).sort());
  });

  // In one process better-sqlite3 connections cannot wait for each other; SQLite has the test below.
  (dialect === 'postgres' ? it : it.skip)('runs safely from two connections at once', async () => {
    const other = await location.open({ migrate: false });
    const options = { migrationTableSchema: migrationTableSchema() };
    const [a, b] = await Promise.all([migrateStateDb(state.db, options), migrateStateDb(other.db, options)]);
    expect([...a, ...b].sort()).toEqual(Object.keys(stateMigrations).sort());
  });

  (dialect === 'sqlite' ? it : it.skip)('waits for another process holding the write lock instead of failing', async () => {
    if (location.options.kind !== 'sqlite') throw new Error('sqlite only');
    // better-sqlite3 blocks its thread while it waits, so the lock holder must be another process.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]);
         db.exec('begin immediate'); process.stdout.write('locked\\n');
         setTimeout(() => { db.exec('commit'); db.close(); }, 400);`,
        location.options.file,
      ],
      { cwd: __dirname, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(holder.stdout!, 'data');
    const started = performance.now();
    expect(await migrateStateDb(state.db)).toEqual(Object.keys(stateMigrations).sort());
    expect(performance.now() - started).toBeGreaterThan(200);
    await once(holder, 'exit');
  });
});
