import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMetricsConfig, parseMetricsConfig } from '../config/config-loader';
import type { MetricsConfig } from '../config/metrics-config-schema';
import { ManualClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import type { Point } from '../core/point';
import { FakeCronTriggerFactory } from '../scheduling/fake-cron-trigger';
import { SourceScheduler } from '../scheduling/source-scheduler';
import { BankStatementSource } from './bank-statements/bank-statement-source';
import { InMemoryImportedStatementStore } from './bank-statements/imported-statement-store';
import { buildSources } from './build-sources';
import { EcbRatesSource } from './market-data/ecb/ecb-rates-source';
import { HttpProviderSource } from './market-data/http-provider/http-provider-source';
import { SqlWarehouseSource } from './sql-warehouse/sql-warehouse-source';

const REPO_CONFIG = join(__dirname, '..', '..', '..', 'metrics_config.json');

function configWith(sources: unknown): MetricsConfig {
  const raw = JSON.parse(JSON.stringify(loadMetricsConfig(REPO_CONFIG))) as Record<string, unknown>;
  raw.sources = sources;
  return parseMetricsConfig(JSON.stringify(raw), 'metrics_config.json');
}

const FULL = {
  bankStatements: [{ name: 'bank-drop', dropDir: 'drop', accounts: [{ id: 'DE89370400440532013000', account: 'ops-eur', bank: 'deutsche-bank' }] }],
  ecbRates: [
    { name: 'ecb-fx', currencies: ['EUR', 'GBP'] },
    { name: 'ecb-off', enabled: false },
  ],
  httpProviders: [
    {
      name: 'quotes',
      kpi: 'stock_price',
      schedule: '*/15 * * * 1-5',
      url: 'https://example.test/query?symbol={symbol}',
      symbols: [{ symbol: 'NWR', tags: { ticker: 'NWR' } }],
      format: 'json',
      json: { value: 'price' },
      auth: { header: 'Authorization', prefix: 'Bearer ', secret: 'env:QUOTES_TOKEN' },
      rateLimit: { requests: 5, per: '1m' },
    },
  ],
  sqlWarehouse: [
    {
      name: 'gl',
      connection: 'file:/run/secrets/warehouse',
      schedule: '0 * * * *',
      query: 'select kpi, amount, booked_at from gl where booked_at >= $1 and booked_at < $2',
      columns: { kpi: 'kpi', value: 'amount', time: 'booked_at' },
    },
  ],
};

describe('buildSources', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'finmon-sources-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const secrets = {
    env: { QUOTES_TOKEN: 'tok-123' },
    readFile: (path: string) => {
      if (path === '/run/secrets/warehouse') return 'postgres://reader@127.0.0.1:5432/test\n';
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    },
  };

  it('builds every enabled source of the section, secrets resolved, relative folders under the base directory', async () => {
    const built = buildSources({ config: configWith(FULL), baseDir: dir, sink: { accept: async () => undefined }, statementStore: new InMemoryImportedStatementStore(), secrets });
    try {
      expect(built.sources.map((s) => [s.name, s.constructor.name, s.schedule])).toEqual([
        ['bank-drop', BankStatementSource.name, '*/15 * * * *'],
        ['ecb-fx', EcbRatesSource.name, '15 * * * *'],
        ['quotes', HttpProviderSource.name, '*/15 * * * 1-5'],
        ['gl', SqlWarehouseSource.name, '0 * * * *'],
      ]);
    } finally {
      await built.close();
    }
  });

  it('builds nothing without a sources section, and only the enabled ones of the repository config', async () => {
    const raw = JSON.parse(JSON.stringify(loadMetricsConfig(REPO_CONFIG))) as Record<string, unknown>;
    delete raw.sources;
    expect(buildSources({ config: parseMetricsConfig(JSON.stringify(raw), 'x.json'), baseDir: dir, sink: { accept: async () => undefined } }).sources).toEqual([]);
    const repo = buildSources({ config: loadMetricsConfig(REPO_CONFIG), baseDir: dir, sink: { accept: async () => undefined }, statementStore: new InMemoryImportedStatementStore() });
    expect(repo.sources.map((s) => s.name)).toEqual(['bank-drop']);
  });

  it('fails the start naming a missing secret, never a value', () => {
    const run = () => buildSources({ config: configWith(FULL), baseDir: dir, sink: { accept: async () => undefined }, statementStore: new InMemoryImportedStatementStore(), secrets: { ...secrets, env: {} } });
    expect(run).toThrow('secret env:QUOTES_TOKEN: environment variable QUOTES_TOKEN is not set or empty');
  });

  it('runs a built drop folder through the scheduler: points reach the sink, the file is archived', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 12));
    const accepted: Point[] = [];
    const built = buildSources({
      config: configWith({ bankStatements: [{ name: 'bank-drop', dropDir: 'drop', settleSeconds: 0 }] }),
      baseDir: dir,
      sink: { accept: async (points) => void accepted.push(...points) },
      statementStore: new InMemoryImportedStatementStore(),
    });
    const timers = new FakeCronTriggerFactory(clock);
    const scheduler = new SourceScheduler({ sources: built.sources, sink: async () => undefined, logger: silentLogger(), clock, timerFactory: timers, sleep: timers.sleep, timezone: 'America/New_York' });
    expect(await scheduler.runNow('bank-drop')).toMatchObject({ kind: 'ran', outcome: { ok: true } });
    copyFileSync(join(__dirname, 'bank-statements', 'fixtures', 'good', 'mt940-plain.sta'), join(dir, 'drop', 'statement.sta'));
    scheduler.start();
    await timers.advanceBy(15 * 60_000);
    // The tick started the run; its file I/O is real, so wait for it in real time.
    for (let i = 0; i < 200 && scheduler.health()[0]!.runs < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await scheduler.stop();
    expect(accepted.filter((p) => p.kpi === 'bank_balance').map((p) => [p.tags.account, p.value])).toEqual([
      ['20325333344556', 537845.1],
      ['000123456789', 500],
    ]);
    expect(readdirSync(join(dir, 'drop', 'imported'))).toEqual(['statement.sta']);
    expect(existsSync(join(dir, 'drop', 'statement.sta'))).toBe(false);
    expect(scheduler.health()[0]).toMatchObject({ name: 'bank-drop', runs: 2, failures: 0 });
  });
});
