import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { kpiSchema } from '../../../config/kpi-schema';
import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import { CompanyCalendar } from '../../../kpi/company-calendar';
import { FxRates } from '../../../kpi/fx-rates';
import { KpiState } from '../../../kpi/kpi-state';
import { FakeCronTriggerFactory } from '../../../scheduling/fake-cron-trigger';
import { runWithRetry } from '../../../scheduling/run-with-retry';
import { RecordedMarketServer } from '../test-support/recorded-market-server';
import { ecbFxPoints } from './ecb-fx-points';
import { EcbRatesSource } from './ecb-rates-source';
import { parseEcbRates } from './parse-ecb-rates';

const NOW = Date.UTC(2025, 10, 24, 18, 0);

/** Moves fake time in 100 ms steps, letting real I/O happen between steps, until `work` settles. */
async function driveUntilSettled<T>(work: Promise<T>, timers: FakeCronTriggerFactory): Promise<T> {
  let settled = false;
  void work.finally(() => (settled = true)).catch(() => undefined);
  while (!settled) {
    await new Promise((r) => setTimeout(r, 5));
    await timers.advanceBy(100);
  }
  return work;
}
const ctx = (signal = new AbortController().signal) => ({ now: NOW, signal, logger: silentLogger() });

describe('parseEcbRates', () => {
  it('reads the daily file: one day, 30 currencies per euro', () => {
    const days = parseEcbRates(readFileSync(join(__dirname, '..', 'fixtures', 'ecb-eurofxref-daily.xml'), 'utf8'));
    expect(days).toHaveLength(1);
    expect(days[0]!.date).toBe('2025-11-24');
    expect(days[0]!.rates.size).toBe(30);
    expect(days[0]!.rates.get('USD')).toBe(1.1523);
    expect(days[0]!.rates.get('JPY')).toBe(180.12);
  });

  it('reads the 90-day history newest first', () => {
    const days = parseEcbRates(readFileSync(join(__dirname, '..', 'fixtures', 'ecb-eurofxref-hist-90d.xml'), 'utf8'));
    expect(days).toHaveLength(64);
    expect(days[0]!.date).toBe('2025-11-24');
    expect(days[63]!.date).toBe('2025-08-27');
  });

  it.each([
    ['malformed XML', '<?xml version="1.0"?>\n<a>\n<b></a>', /not well-formed XML at line 3/],
    ['another document', '<html><body/></html>', /expected the ECB reference rates format/],
    ['no day', '<Envelope><Cube></Cube></Envelope>', /holds no day/],
    ['a bad date', "<Envelope><Cube><Cube time='2025-13-01'><Cube currency='USD' rate='1'/></Cube></Cube></Envelope>", /day 1 has time "2025-13-01"/],
    ['a bad rate', "<Envelope><Cube><Cube time='2025-11-24'><Cube currency='USD' rate='N/A'/></Cube></Cube></Envelope>", /2025-11-24: rate "N\/A" of USD is not a positive number/],
    ['a bad currency', "<Envelope><Cube><Cube time='2025-11-24'><Cube currency='usd' rate='1'/></Cube></Cube></Envelope>", /currency "usd" is not an ISO 4217 code/],
  ])('rejects %s', (_name, xml, message) => {
    expect(() => parseEcbRates(xml)).toThrow(message);
  });
});

describe('ecbFxPoints', () => {
  const day = { date: '2025-11-24', rates: new Map([['USD', 1.1523], ['GBP', 0.8791], ['SGD', 1.5035]]) };

  it('gives <CCY><REPORTING> pairs in reporting units per unit, crossed through the euro, at 16:00 Frankfurt', () => {
    const { points, missing } = ecbFxPoints([day], { kpi: 'fx_rate', reportingCurrency: 'USD' });
    expect(missing).toEqual([]);
    expect(points.map((p) => [p.kpi, p.tags.pair, p.value])).toEqual([
      ['fx_rate', 'GBPUSD', Number((1.1523 / 0.8791).toPrecision(10))],
      ['fx_rate', 'SGDUSD', Number((1.1523 / 1.5035).toPrecision(10))],
      ['fx_rate', 'EURUSD', 1.1523],
    ]);
    expect(new Date(points[0]!.time).toISOString()).toBe('2025-11-24T15:00:00.000Z');
  });

  it('inverts the ECB rate when the euro is the reporting currency, and filters currencies', () => {
    const { points } = ecbFxPoints([day], { kpi: 'fx_rate', reportingCurrency: 'EUR', currencies: ['USD', 'GBP'] });
    expect(points.map((p) => [p.tags.pair, p.value])).toEqual([
      ['USDEUR', Number((1 / 1.1523).toPrecision(10))],
      ['GBPEUR', Number((1 / 0.8791).toPrecision(10))],
    ]);
  });

  it('reports a reporting currency or a requested currency the ECB does not quote', () => {
    expect(ecbFxPoints([day], { kpi: 'fx_rate', reportingCurrency: 'XAU' })).toEqual({ points: [], missing: ['2025-11-24: no ECB rate for the reporting currency XAU'] });
    expect(ecbFxPoints([day], { kpi: 'fx_rate', reportingCurrency: 'USD', currencies: ['GBP', 'AED'] }).missing).toEqual(['2025-11-24: no ECB rate for AED']);
  });

  it('feeds the KPI engine\'s conversion: a GBP balance converts at the ECB cross rate of its time', () => {
    const cal = new CompanyCalendar('America/New_York');
    const fx = new KpiState(
      kpiSchema.parse({ id: 'fx_rate', name: 'FX', unit: 'rate', category: 'market', description: 'x', source: 'market', cadence: '1h', kind: 'rate', dimensions: ['pair'] }),
      cal,
    );
    const older = { date: '2025-11-21', rates: new Map([['USD', 1.15], ['GBP', 0.88]]) };
    for (const p of ecbFxPoints([older, day], { kpi: 'fx_rate', reportingCurrency: 'USD' }).points) fx.add(p.tags, p.time, p.value, cal.dayOf(p.time));
    const rates = new FxRates('USD', () => fx, cal, () => undefined);
    const evening = DateTime.fromISO('2025-11-24T20:00', { zone: 'America/New_York' }).toMillis();
    expect(rates.rate('bank_balance', 'GBP', evening)).toBeCloseTo(1.1523 / 0.8791, 9);
    expect(rates.rate('bank_balance', 'GBP', Date.UTC(2025, 10, 22))).toBeCloseTo(1.15 / 0.88, 9);
    expect(rates.rate('bank_balance', 'EUR', evening)).toBe(1.1523);
  });
});

describe('EcbRatesSource against a local server with recorded ECB responses', () => {
  let server: RecordedMarketServer;
  beforeAll(async () => (server = await new RecordedMarketServer().start()));
  afterAll(() => server.stop());

  it('fetches the daily file and returns fx_rate points for every ECB currency', async () => {
    const source = new EcbRatesSource({ name: 'ecb', url: `${server.url}/stats/eurofxref/eurofxref-daily.xml`, kpi: 'fx_rate', reportingCurrency: 'USD' });
    const points = await source.run(ctx());
    expect(points).toHaveLength(30);
    expect(points.find((p) => p.tags.pair === 'EURUSD')?.value).toBe(1.1523);
    expect(points.every((p) => p.tags.pair!.endsWith('USD') && p.tags.pair !== 'USDUSD')).toBe(true);
  });

  it('backfills from the 90-day history file', async () => {
    const source = new EcbRatesSource({ name: 'ecb', url: `${server.url}/stats/eurofxref/eurofxref-hist-90d.xml`, kpi: 'fx_rate', reportingCurrency: 'USD', currencies: ['EUR', 'GBP', 'SGD'] });
    const points = await source.run(ctx());
    expect(points).toHaveLength(64 * 3);
    expect(new Set(points.map((p) => p.time)).size).toBe(64);
  });

  it('retries a 503 through the scheduler and succeeds; a 404 and a broken document fail without retry', async () => {
    const clock = new ManualClock(NOW);
    const timers = new FakeCronTriggerFactory(clock);
    const deps = { clock, sleep: timers.sleep, random: () => 0.5, logger: silentLogger() };
    server.fail('/stats/eurofxref/eurofxref-daily.xml', { status: 503 });
    const flaky = new EcbRatesSource({ name: 'ecb', url: `${server.url}/stats/eurofxref/eurofxref-daily.xml`, kpi: 'fx_rate', reportingCurrency: 'USD', sleep: timers.sleep, retry: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 5_000 } });
    const outcome = await driveUntilSettled(runWithRetry(flaky, deps), timers);
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(outcome.points).toHaveLength(30);

    const missing = await runWithRetry(new EcbRatesSource({ name: 'ecb', url: `${server.url}/nothing.xml`, kpi: 'fx_rate', reportingCurrency: 'USD', sleep: timers.sleep }), deps);
    expect(missing).toMatchObject({ ok: false, attempts: 1 });
    expect(missing.error?.message).toMatch(/HTTP 404/);
    const broken = await runWithRetry(new EcbRatesSource({ name: 'ecb', url: `${server.url}/broken.xml`, kpi: 'fx_rate', reportingCurrency: 'USD', sleep: timers.sleep }), deps);
    expect(broken).toMatchObject({ ok: false, attempts: 1 });
    expect(broken.error?.message).toMatch(/not well-formed XML at line 4/);
  });

  it('times out a request that gets no answer (AbortSignal), measured on the injected clock', async () => {
    const clock = new ManualClock(NOW);
    const timers = new FakeCronTriggerFactory(clock);
    const source = new EcbRatesSource({ name: 'ecb', url: `${server.url}/hang`, kpi: 'fx_rate', reportingCurrency: 'USD', sleep: timers.sleep, requestTimeoutMs: 10_000 });
    const running = source.run(ctx()).then(() => 'resolved', (e: Error) => e.message);
    while (timers.pendingSleeps() === 0) await new Promise((r) => setTimeout(r, 5));
    await timers.advanceBy(9_999);
    expect(await Promise.race([running, new Promise((r) => setTimeout(() => r('pending'), 50))])).toBe('pending');
    await timers.advanceBy(1);
    expect(await running).toMatch(/ECB rates "ecb" \(.*\/hang\): no answer within 10000 ms/);
  });
});
