import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import { FakeCronTriggerFactory } from '../../../scheduling/fake-cron-trigger';
import { RecordedMarketServer } from '../test-support/recorded-market-server';
import { HttpProviderSource, type HttpProviderOptions } from './http-provider-source';

const NOW = Date.UTC(2025, 10, 25, 14, 0);

describe('HttpProviderSource against a local server with recorded provider responses', () => {
  let server: RecordedMarketServer;
  let clock: ManualClock;
  let timers: FakeCronTriggerFactory;
  beforeAll(async () => (server = await new RecordedMarketServer().start()));
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
    clock = new ManualClock(NOW);
    timers = new FakeCronTriggerFactory(clock);
  });

  const provider = (overrides: Partial<HttpProviderOptions>) =>
    new HttpProviderSource({
      name: 'quotes',
      schedule: '*/15 * * * *',
      kpi: 'stock_price',
      url: `${server.url}/query?function=GLOBAL_QUOTE&symbol={symbol}`,
      symbols: [{ symbol: 'NWR', tags: { ticker: 'NWR' } }],
      mapping: { format: 'json', value: '["Global Quote"]["05. price"]', time: '["Global Quote"]["07. latest trading day"]' },
      auth: { in: 'query', name: 'apikey', value: 'demo-key' },
      timezone: 'America/New_York',
      requestTimeoutMs: 5_000,
      requestRetry: { attempts: 3, baseDelayMs: 500, maxDelayMs: 10_000 },
      clock,
      sleep: timers.sleep,
      random: () => 0.5,
      ...overrides,
    });
  const run = async (source: HttpProviderSource, signal = new AbortController().signal) => {
    let settled = false;
    const work = source.run({ now: clock.now(), signal, logger: silentLogger() });
    void work.finally(() => (settled = true)).catch(() => undefined);
    while (!settled) {
      await new Promise((r) => setTimeout(r, 5));
      await timers.advanceBy(100);
    }
    return work;
  };

  it('reads a JSON quote with a query-parameter key: value and trading day become a stock_price point', async () => {
    const points = await run(provider({}));
    expect(points.map((p) => [p.kpi, p.tags, p.value, new Date(p.time).toISOString()])).toEqual([['stock_price', { ticker: 'NWR' }, 41.97, '2025-11-24T05:00:00.000Z']]);
    expect(server.requests[0]).toMatchObject({ path: '/query', query: { function: 'GLOBAL_QUOTE', symbol: 'NWR', apikey: 'demo-key' } });
  });

  it('reads a CSV history (one point per row)', async () => {
    const points = await run(
      provider({ url: `${server.url}/q/d/l/?s={symbol}.us&i=d&d2={date}`, auth: undefined, mapping: { format: 'csv', value: 'Close', time: 'Date' } }),
    );
    expect(points.map((p) => p.value)).toEqual([40.11, 40.87, 40.44, 41.05, 41.97]);
    expect(server.requests[0]!.query).toMatchObject({ s: 'NWR.us', d2: '2025-11-25' });
  });

  it('reads interest rates with a bearer header, skipping missing observations', async () => {
    const points = await run(
      provider({
        kpi: 'interest_rate',
        url: `${server.url}/fred/series/observations?series_id={symbol}&file_type=json`,
        symbols: [{ symbol: 'DGS10', tags: { benchmark: 'UST10Y' } }],
        auth: { in: 'header', name: 'Authorization', value: 'Bearer fred-token' },
        mapping: { format: 'json', records: 'observations', value: 'value', time: 'date' },
      }),
    );
    expect(points.map((p) => [p.tags.benchmark, p.value])).toEqual([
      ['UST10Y', 4.13],
      ['UST10Y', 4.12],
      ['UST10Y', 4.14],
      ['UST10Y', 4.1],
      ['UST10Y', 4.04],
    ]);
    expect(server.requests[0]!.authorization).toBe('Bearer fred-token');
  });

  it('reads FX quoted the other way round (USD base) with invert, one symbol per pair', async () => {
    const points = await run(
      provider({
        kpi: 'fx_rate',
        url: `${server.url}/api/latest.json`,
        auth: undefined,
        symbols: [
          { symbol: 'EUR', tags: { pair: 'EURUSD' } },
          { symbol: 'GBP', tags: { pair: 'GBPUSD' } },
        ],
        mapping: { format: 'json', value: 'rates.{symbol}', time: 'timestamp' },
        invert: true,
      }),
    );
    expect(points.map((p) => [p.tags.pair, p.value, p.time])).toEqual([
      ['EURUSD', 1 / 0.867829, 1764003600000],
      ['GBPUSD', 1 / 0.762926, 1764003600000],
    ]);
  });

  it('retries a 429 after its Retry-After and a 503 with backoff, then succeeds', async () => {
    server.fail('/query', { status: 429, retryAfter: 3 }, { status: 503 });
    const points = await run(provider({}));
    expect(points).toHaveLength(1);
    expect(server.requests.filter((r) => r.path === '/query')).toHaveLength(3);
    // 3 s Retry-After, then a full-jitter backoff of 0.5 · 1 s.
    expect(clock.now() - NOW).toBeGreaterThanOrEqual(3_500);
    expect(clock.now() - NOW).toBeLessThan(3_800);
  });

  it('keeps to the rate limit: three symbols at one request per second', async () => {
    const points = await run(
      provider({
        symbols: ['NWR', 'NWR', 'NWR'].map((s) => ({ symbol: s, tags: { ticker: s } })),
        rateLimit: { requests: 1, periodMs: 1_000 },
      }),
    );
    expect(points).toHaveLength(3);
    expect(clock.now() - NOW).toBeGreaterThanOrEqual(2_000);
    expect(clock.now() - NOW).toBeLessThan(2_300);
  });

  it('leaves out a symbol that fails for good and never shows the key; fails the run when all fail', async () => {
    const source = provider({ symbols: [{ symbol: 'NWR', tags: { ticker: 'NWR' } }, { symbol: 'NOPE', tags: { ticker: 'NOPE' } }] });
    expect((await run(source)).map((p) => p.tags.ticker)).toEqual(['NWR']);
    expect(server.requests.filter((r) => r.query.symbol === 'NOPE')).toHaveLength(1);

    const wrongKey = provider({ auth: { in: 'query', name: 'apikey', value: 'wrong-key-123' } });
    const error = await run(wrongKey).then(() => undefined, (e: Error & { retryable: boolean }) => e);
    expect(error?.message).toMatch(/every symbol failed; NWR: market data provider "quotes" NWR \(.*apikey=\*\*\*\): HTTP 401 \(check the credential\)/);
    expect(error?.message).not.toContain('wrong-key-123');
    expect(error?.retryable).toBe(false);
  });

  it('times out each attempt on its own budget and retries it', async () => {
    const source = provider({ url: `${server.url}/hang?s={symbol}`, auth: undefined, requestRetry: { attempts: 2, baseDelayMs: 1_000, maxDelayMs: 1_000 } });
    const error = await run(source).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/every symbol failed; NWR: market data provider "quotes" NWR \(.*\/hang\?s=NWR\): no answer within 5000 ms/);
    expect(clock.now() - NOW).toBeGreaterThanOrEqual(10_500);
  });

  it('stops when the run is aborted', async () => {
    const controller = new AbortController();
    const source = provider({ url: `${server.url}/hang?s={symbol}`, auth: undefined });
    const work = source.run({ now: clock.now(), signal: controller.signal, logger: silentLogger() });
    controller.abort(new Error('scheduler stopping'));
    await expect(work).rejects.toThrow('scheduler stopping');
  });
});
