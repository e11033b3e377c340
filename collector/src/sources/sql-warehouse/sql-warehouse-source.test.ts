import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { ManualClock } from '../../core/clock';
import { createLogger, silentLogger } from '../../core/logger';
import type { KpiLookup } from '../../ingest/validate-point';
import { InMemoryKvStateStore } from '../../storage/state/in-memory-kv-state-store';
import { TEST_POSTGRES_URL } from '../../storage/state/test-support/state-db-fixtures';
import { SqlWarehouseSource, type WarehouseQueryOptions } from './sql-warehouse-source';

const SCHEMA = `finmon_wh_${process.pid}_${randomBytes(4).toString('hex')}`;
const T0 = Date.UTC(2025, 10, 24, 0, 0);
const H = 3_600_000;

const catalog: KpiLookup = (id) =>
  ({ revenue: { dimensions: ['region', 'product'] }, expenses: { dimensions: ['department', 'region'] } })[id];

describe('SqlWarehouseSource on the local PostgreSQL', () => {
  let admin: Client;
  const sources: SqlWarehouseSource[] = [];

  beforeAll(async () => {
    admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema "${SCHEMA}"`);
    await admin.query(`create table "${SCHEMA}".gl_daily (kpi text, amount numeric(18,2), booked_at timestamptz, region text, product text, department text)`);
    const rows: Array<[string, string, number, string | null, string | null, string | null]> = [
      ['revenue', '1200.50', T0, 'na', 'platform', null],
      ['revenue', '800.00', T0 + 2 * H, 'emea', 'services', null],
      ['expenses', '350.25', T0 + 3 * H, 'na', null, 'it'],
      ['revenue', '99.99', T0 + 5 * H, "o'brien; drop table x", 'platform', null],
      ['cogs', '1.00', T0 + 5 * H, null, null, null],
      ['revenue', '5.00', T0 + 6 * H, 'na', 'platform', null],
    ];
    for (const [kpi, amount, at, region, product, department] of rows) {
      await admin.query(`insert into "${SCHEMA}".gl_daily values ($1, $2, $3, $4, $5, $6)`, [kpi, amount, new Date(at), region, product, department]);
    }
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.close()));
    // The schema is dropped after the run (test/support/drop-test-schemas.js): dropping it now
    // could break another test file's catalog scan.
    await admin.end();
  });

  const source = (overrides: Partial<WarehouseQueryOptions> = {}) => {
    const s = new SqlWarehouseSource({
      name: 'gl',
      schedule: '*/5 * * * *',
      connectionString: TEST_POSTGRES_URL,
      query: `select kpi, amount, booked_at, region, product, department from "${SCHEMA}".gl_daily where booked_at >= $1 and booked_at < $2 order by booked_at`,
      columns: { kpi: 'kpi', value: 'amount', time: 'booked_at', tags: { region: 'region', product: 'product', department: 'department' } },
      lookbackMs: 4 * H,
      catalog,
      ...overrides,
    });
    sources.push(s);
    return s;
  };
  const ctx = (now: number, logger = silentLogger()) => ({ now, signal: new AbortController().signal, logger });

  it('reads the window [now − lookback, now) by bind parameters, then the next window from where it ended', async () => {
    const s = source();
    const first = await s.run(ctx(T0 + 4 * H));
    expect(first.map((p) => [p.kpi, p.tags, p.value, p.time])).toEqual([
      ['revenue', { region: 'na', product: 'platform' }, 1200.5, T0],
      ['revenue', { region: 'emea', product: 'services' }, 800, T0 + 2 * H],
      ['expenses', { region: 'na', department: 'it' }, 350.25, T0 + 3 * H],
    ]);
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    const second = await s.run(ctx(T0 + 6 * H, logger));
    // The row at exactly 06:00 belongs to the next window; the quote and semicolon arrive as data.
    expect(second.map((p) => [p.kpi, p.tags.region, p.value])).toEqual([['revenue', "o'brien; drop table x", 99.99]]);
    const warning = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'warehouse rows left out');
    expect(warning.rejected).toEqual(['row 2: unknown KPI "cogs" (not in metrics_config.json)']);
    const third = await s.run(ctx(T0 + 7 * H));
    expect(third.map((p) => p.value)).toEqual([5]);
  });

  it('remembers the end of its window across restarts', async () => {
    const state = new InMemoryKvStateStore(new ManualClock(T0));
    await source({ state }).run(ctx(T0 + 4 * H));
    const restarted = source({ state, lookbackMs: 100 * H });
    expect((await restarted.run(ctx(T0 + 7 * H))).map((p) => p.value)).toEqual([99.99, 5]);
  });

  it('maps a fixed KPI and a delayed window end', async () => {
    const s = source({
      kpi: 'revenue',
      query: `select sum(amount) as total, date_trunc('day', max(booked_at)) as day from "${SCHEMA}".gl_daily where kpi = 'revenue' and booked_at >= $1 and booked_at < $2`,
      columns: { value: 'total', time: 'day' },
      lookbackMs: 24 * H,
      delayMs: H,
    });
    expect((await s.run(ctx(T0 + 7 * H))).map((p) => [p.kpi, p.value, p.time])).toEqual([['revenue', 2100.49, T0]]);
  });

  it('runs in a READ ONLY transaction: a write is refused and not retried', async () => {
    const s = source({ query: `insert into "${SCHEMA}".gl_daily (kpi, booked_at) select 'revenue', $1::timestamptz where $2::timestamptz is not null returning kpi, 1 as amount, booked_at` });
    const error = await s.run(ctx(T0 + 4 * H)).then(() => undefined, (e) => e);
    expect(error.code).toBe('FINMON_WAREHOUSE_QUERY_FAILED');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/cannot execute INSERT in a read-only transaction \(SQLSTATE 25006/);
    const { rows } = await admin.query(`select count(*)::int as n from "${SCHEMA}".gl_daily`);
    expect(rows[0].n).toBe(6);
  });

  it('cancels a query that runs past its statement_timeout, as a retryable failure', async () => {
    const s = source({ query: `select 'revenue' as kpi, 1 as amount, $2::timestamptz as booked_at, null as region, null as product, null as department from pg_sleep(5) where $1::timestamptz is not null`, statementTimeoutMs: 200 });
    const error = await s.run(ctx(T0 + 4 * H)).then(() => undefined, (e) => e);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/canceling statement due to statement timeout \(SQLSTATE 57014/);
    // The timeout was local to that transaction: the pool's next query runs normally.
    expect(await source().run(ctx(T0 + 4 * H))).toHaveLength(3);
  });

  it('names missing result columns, and refuses a query without both bind parameters', async () => {
    const s = source({ columns: { kpi: 'kpi', value: 'amount_usd', time: 'booked_at' } });
    await expect(s.run(ctx(T0 + 4 * H))).rejects.toThrow(/the result has no column "amount_usd" \(columns: kpi, amount, booked_at, region, product, department\)/);
    expect(() => source({ query: `select * from "${SCHEMA}".gl_daily where booked_at >= $1` })).toThrow(/the query must use \$2 \(window end\)/);
    expect(() => source({ query: `select * from "${SCHEMA}".gl_daily where booked_at >= $12 and booked_at < $2` })).toThrow(/the query must use \$1/);
  });

  it('reports an unreachable warehouse as retryable without showing the connection string', async () => {
    const s = source({ connectionString: 'postgres://finmon:s3cret@127.0.0.1:1/warehouse' });
    const error = await s.run(ctx(T0 + 4 * H)).then(() => undefined, (e) => e);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/cannot connect to the warehouse: .*ECONNREFUSED/);
    expect(error.message).not.toContain('s3cret');
  });
});
