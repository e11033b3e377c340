import { ALL_STATE_TABLES } from './test-support/all-state-tables';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { ErrorCodes } from '../../core/errors';
import { openStateDb } from './open-state-db';
import { createTestStateLocation, TEST_DIALECTS, TEST_POSTGRES_URL } from './test-support/state-db-fixtures';

describe('openStateDb with SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'finmon-open-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('turns on WAL, a busy timeout and foreign keys', async () => {
    const state = await openStateDb({ kind: 'sqlite', file: join(dir, 'state.db'), busyTimeoutMs: 1234 });
    try {
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(state.db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('busy_timeout')).toBe(1234);
      expect(await pragma('foreign_keys')).toBe(1);
    } finally {
      await state.close();
    }
  });

  it('creates missing parent directories of the file', async () => {
    const state = await openStateDb({ kind: 'sqlite', file: join(dir, 'nested', 'deeper', 'state.db') });
    await state.close();
    const again = await openStateDb({ kind: 'sqlite', file: join(dir, 'nested', 'deeper', 'state.db') });
    expect(again.kind).toBe('sqlite');
    await again.close();
  });

  it('names the file when it cannot be opened', async () => {
    await expect(openStateDb({ kind: 'sqlite', file: dir })).rejects.toMatchObject({
      code: ErrorCodes.STORAGE_UNAVAILABLE,
      message: expect.stringContaining(dir),
    });
  });
});

describe('openStateDb with PostgreSQL', () => {
  it('puts the tables in the requested schema, leaving others untouched', async () => {
    const location = createTestStateLocation('postgres');
    try {
      const state = await location.open();
      const schema = location.options.kind === 'postgres' ? location.options.schema : undefined;
      const tables = (await state.db.introspection.getTables({ withInternalKyselyTables: true }))
        .filter((t) => t.schema === schema)
        .map((t) => t.name)
        .sort();
      expect(tables).toEqual([...ALL_STATE_TABLES, 'kysely_migration', 'kysely_migration_lock'].sort());
    } finally {
      await location.dispose();
    }
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(
      openStateDb({ kind: 'postgres', connectionString: TEST_POSTGRES_URL, schema: 'x; drop table y' }),
    ).rejects.toMatchObject({ code: ErrorCodes.CONFIG_INVALID, message: expect.stringContaining('x; drop table y') });
  });

  it('reports an unreachable server as retryable, without the password', async () => {
    const error = await openStateDb({
      kind: 'postgres',
      connectionString: 'postgres://finmon:s3cret-pw@127.0.0.1:1/finmon',
      migrate: false,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCodes.STORAGE_UNAVAILABLE, retryable: true, httpStatus: 503 });
    expect((error as Error).message).toContain('127.0.0.1:1/finmon');
    expect((error as Error).message).not.toContain('s3cret-pw');
  });
});

describe.each(TEST_DIALECTS)('openStateDb on %s', (dialect) => {
  it('reads epoch-millisecond columns back as numbers', async () => {
    const location = createTestStateLocation(dialect);
    try {
      const state = await location.open();
      const at = Date.UTC(2031, 5, 30, 23, 59, 59, 999);
      await state.db.insertInto('kv_state').values({ namespace: 'n', key: 'k', value: '1', updated_at: at }).execute();
      const row = await state.db.selectFrom('kv_state').select('updated_at').executeTakeFirstOrThrow();
      expect(row.updated_at).toBe(at);
    } finally {
      await location.dispose();
    }
  });

  it('migrates on open unless told not to', async () => {
    const location = createTestStateLocation(dialect);
    try {
      const bare = await location.open({ migrate: false });
      const schema = location.options.kind === 'postgres' ? location.options.schema : undefined;
      const names = async () =>
        (await bare.db.introspection.getTables()).filter((t) => !schema || t.schema === schema).map((t) => t.name);
      expect(await names()).toEqual([]);
      await location.open();
      expect((await names()).sort()).toEqual(ALL_STATE_TABLES);
    } finally {
      await location.dispose();
    }
  });
});
