import { DateTime } from 'luxon';
import { metricsConfigSchema, type MetricsConfig } from '../config/metrics-config-schema';
import { ManualClock } from '../core/clock';
import { pointAt, type Point } from '../core/point';
import { KpiEngine, type HistoryBucket, type IngestResult } from './kpi-engine';

const NY = 'America/New_York';
const ny = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toMillis();
const HOUR = 3_600_000;
const DAY_MS = 86_400_000;

/** ISO local date `days` after `iso`'s date, at `time` (New York). */
function dayAt(iso: string, days: number, time = '12:00'): number {
  const d = DateTime.fromISO(iso, { zone: NY }).plus({ days });
  return ny(`${d.toISODate()}T${time}`);
}

type Kind = 'stock' | 'flow' | 'rate';
type Extra = Record<string, unknown>;

function kpi(id: string, kind: Kind, extra: Extra = {}): Record<string, unknown> {
  return {
    id,
    name: id,
    unit: (extra.unit as string) ?? 'USD',
    category: 'financial',
    description: `${id} (test)`,
    source: extra.formula ? 'derived' : 'erp',
    cadence: '1d',
    kind,
    ...extra,
  };
}

/** The brief's catalog (the KPIs the engine's formulas use), with per-test extras. */
function catalog(extras: Record<string, Extra> = {}, company: Extra = {}): MetricsConfig {
  const base: [string, Kind, Extra][] = [
    ['bank_balance', 'stock', { dimensions: ['account', 'bank', 'currency'], currencyDimension: 'currency', cadence: '15m' }],
    ['cash_position', 'stock', { formula: 'latest(bank_balance)', cadence: '15m' }],
    ['net_cash_flow', 'flow', {}],
    ['revenue', 'flow', { dimensions: ['region', 'product'] }],
    ['cogs', 'flow', { dimensions: ['product'] }],
    ['expenses', 'flow', { dimensions: ['department', 'region'] }],
    ['gross_margin', 'rate', { formula: '(sum(revenue,"30d") - sum(cogs,"30d")) / sum(revenue,"30d") * 100', unit: '%' }],
    ['burn_rate', 'flow', { formula: '-sum(net_cash_flow, "30d")', unit: 'USD/month' }],
    ['runway_months', 'rate', { formula: 'burn_rate > 0 ? cash_position / burn_rate : 99', unit: 'months' }],
    ['accounts_receivable', 'stock', {}],
    ['dso', 'rate', { formula: 'latest(accounts_receivable) / sum(revenue, "90d") * 90', unit: 'days' }],
    ['accounts_payable', 'stock', {}],
    ['inventory_value', 'stock', {}],
    ['inventory_turn', 'rate', { formula: 'sum(cogs, "365d") / avg(inventory_value, "365d")', unit: 'x/yr' }],
    ['total_debt', 'stock', {}],
    ['ebitda', 'flow', {}],
    ['interest_expense', 'flow', {}],
    ['debt_to_ebitda', 'rate', { formula: 'latest(total_debt) / sum(ebitda, "365d")', unit: 'x' }],
    ['interest_coverage', 'rate', { formula: 'sum(ebitda,"365d") / sum(interest_expense,"365d")', unit: 'x' }],
    ['current_assets', 'stock', {}],
    ['current_liabilities', 'stock', {}],
    ['current_ratio', 'rate', { formula: 'latest(current_assets) / latest(current_liabilities)', unit: 'x' }],
    ['new_customers', 'flow', { dimensions: ['region', 'channel'], unit: 'count' }],
    ['churned_customers', 'flow', { dimensions: ['region'], unit: 'count' }],
    ['active_customers', 'stock', { dimensions: ['region'], unit: 'count' }],
    ['churn_rate', 'rate', { formula: 'sum(churned_customers,"30d") / latest(active_customers) * 100', unit: '%' }],
    ['marketing_spend', 'flow', { dimensions: ['channel'] }],
    ['cac', 'rate', { formula: 'sum(marketing_spend,"30d") / sum(new_customers,"30d")' }],
    ['headcount', 'stock', { dimensions: ['department'], unit: 'count' }],
    ['revenue_per_employee', 'rate', { formula: 'sum(revenue,"365d") / latest(headcount)' }],
    ['fx_rate', 'rate', { dimensions: ['pair'], cadence: '1h', unit: 'rate' }],
  ];
  return metricsConfigSchema.parse({
    version: 1,
    company: { name: 'Northwind Robotics Inc.', reportingCurrency: 'USD', timezone: NY, ...company },
    kpis: base.map(([id, kind, extra]) => kpi(id, kind, { ...extra, ...(extras[id] ?? {}) })),
  });
}

const p = (k: string, tags: Record<string, string>, value: number, time: number): Point => pointAt(k, tags, value, time);

/** The value of the newest derived point of `id` in a result. */
function lastDerived(result: IngestResult, id: string): number | undefined {
  const points = result.derived.filter((d) => d.kpi === id);
  return points[points.length - 1]?.value;
}

/** n daily points of `value` at 12:00 New York, ending on `lastIso`. */
function daily(k: string, tags: Record<string, string>, value: number, lastIso: string, n: number): Point[] {
  return Array.from({ length: n }, (_, i) => p(k, tags, value, dayAt(lastIso, i - n + 1)));
}

function bankBalances(time: number): Point[] {
  return [
    p('fx_rate', { pair: 'EURUSD' }, 1.1, time - HOUR),
    p('fx_rate', { pair: 'GBPUSD' }, 1.25, time - HOUR),
    p('bank_balance', { account: 'ops-usd', bank: 'first', currency: 'USD' }, 1_000_000, time),
    p('bank_balance', { account: 'payroll-usd', bank: 'first', currency: 'USD' }, 300_000, time),
    p('bank_balance', { account: 'ops-eur', bank: 'euro', currency: 'EUR' }, 500_000, time),
    p('bank_balance', { account: 'ops-gbp', bank: 'brit', currency: 'GBP' }, 200_000, time),
  ];
}

describe('KpiEngine: every derived KPI of the catalog, by hand', () => {
  const T = ny('2025-06-30T12:00');

  it('cash_position = latest(bank_balance) in USD', () => {
    const r = new KpiEngine({ config: catalog() }).ingest(bankBalances(T));
    // 1,000,000 + 300,000 + 500,000 EUR × 1.10 + 200,000 GBP × 1.25 = 1,300,000 + 550,000 + 250,000
    expect(lastDerived(r, 'cash_position')).toBeCloseTo(2_100_000, 6);
    expect(r.warnings).toEqual([]);
  });

  it('gross_margin = (sum(revenue,30d) − sum(cogs,30d)) / sum(revenue,30d) × 100', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([
      p('revenue', { region: 'emea', product: 'hardware' }, 5_000, dayAt('2025-06-30', -30)), // 30 days before: outside
      ...daily('revenue', { region: 'na', product: 'platform' }, 600, '2025-06-30', 30),
      ...daily('revenue', { region: 'emea', product: 'services' }, 400, '2025-06-30', 30),
      ...daily('cogs', { product: 'platform' }, 400, '2025-06-30', 30),
    ]);
    // revenue 30 × (600 + 400) = 30,000; cogs 30 × 400 = 12,000 → 18,000 / 30,000 × 100 = 60
    // (with the 5,000 from 31 May it would be 23,000 / 35,000 = 65.7)
    expect(lastDerived(r, 'gross_margin')).toBeCloseTo(60, 9);
  });

  it('burn_rate = −sum(net_cash_flow, 30d) and runway_months = cash_position / burn_rate', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([
      p('net_cash_flow', {}, -999_999, dayAt('2025-06-30', -30)), // outside the window
      ...daily('net_cash_flow', {}, -10_000, '2025-06-30', 30),
      ...bankBalances(T),
    ]);
    // burn = −(30 × −10,000) = 300,000; runway = 2,100,000 / 300,000 = 7
    expect(lastDerived(r, 'burn_rate')).toBeCloseTo(300_000, 6);
    expect(lastDerived(r, 'runway_months')).toBeCloseTo(7, 9);
  });

  it('runway_months = 99 when the company is not burning cash', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([
      ...daily('net_cash_flow', {}, 5_000, '2025-06-30', 30),
      ...bankBalances(T),
    ]);
    // burn = −150,000 ≤ 0 → 99
    expect(lastDerived(r, 'burn_rate')).toBe(-150_000);
    expect(lastDerived(r, 'runway_months')).toBe(99);
  });

  it('dso = latest(accounts_receivable) / sum(revenue, 90d) × 90', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([
      ...daily('revenue', { region: 'na', product: 'platform' }, 30_000, '2025-06-30', 90),
      ...daily('revenue', { region: 'apac', product: 'hardware' }, 20_000, '2025-06-30', 90),
      p('accounts_receivable', {}, 1_000_000, dayAt('2025-06-30', -1)),
      p('accounts_receivable', {}, 2_000_000, T),
    ]);
    // revenue 90 × 50,000 = 4,500,000; AR latest 2,000,000 → 2,000,000 / 4,500,000 × 90 = 40 days
    expect(lastDerived(r, 'dso')).toBeCloseTo(40, 9);
  });

  it('inventory_turn = sum(cogs, 365d) / avg(inventory_value, 365d)', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([
      ...Array.from({ length: 10 }, (_, i) => p('cogs', { product: 'hardware' }, 36_500, dayAt('2025-06-30', -30 * i))),
      p('inventory_value', {}, 100_000, dayAt('2024-09-01', 0)),
      p('inventory_value', {}, 200_000, dayAt('2025-01-15', 0)),
      p('inventory_value', {}, 300_000, T),
    ]);
    // cogs 10 × 36,500 = 365,000; inventory on 3 days: (100k + 200k + 300k) / 3 = 200,000 → 1.825
    expect(lastDerived(r, 'inventory_turn')).toBeCloseTo(1.825, 9);
  });

  it('debt_to_ebitda = latest(total_debt) / sum(ebitda, 365d); interest_coverage = sum(ebitda) / sum(interest_expense)', () => {
    const monthly = (k: string, v: number) =>
      Array.from({ length: 12 }, (_, i) => p(k, {}, v, ny(DateTime.fromISO('2025-06-15T12:00', { zone: NY }).minus({ months: i }).toISO()!)));
    const r = new KpiEngine({ config: catalog() }).ingest([
      ...monthly('ebitda', 250_000),
      ...monthly('interest_expense', 50_000),
      p('ebitda', {}, 9_999_999, ny('2024-06-01T12:00')), // more than 365 days before 15 June 2025
      p('total_debt', {}, 7_000_000, ny('2025-06-15T12:00')),
    ]);
    // ebitda 12 × 250,000 = 3,000,000 → 7,000,000 / 3,000,000 = 2.3333; interest 12 × 50,000 = 600,000 → 5
    expect(lastDerived(r, 'debt_to_ebitda')).toBeCloseTo(7 / 3, 9);
    expect(lastDerived(r, 'interest_coverage')).toBeCloseTo(5, 9);
  });

  it('current_ratio = latest(current_assets) / latest(current_liabilities)', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([
      p('current_assets', {}, 5_000_000, T),
      p('current_liabilities', {}, 4_000_000, T),
    ]);
    expect(lastDerived(r, 'current_ratio')).toBeCloseTo(1.25, 12); // 5,000,000 / 4,000,000
  });

  it('churn_rate = sum(churned_customers, 30d) / latest(active_customers) × 100', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([
      ...daily('churned_customers', { region: 'na' }, 3, '2025-06-30', 10),
      ...daily('churned_customers', { region: 'emea' }, 2, '2025-06-30', 5),
      p('active_customers', { region: 'na' }, 600, T),
      p('active_customers', { region: 'emea' }, 400, T),
    ]);
    // churned 10 × 3 + 5 × 2 = 40; active 600 + 400 = 1,000 → 4 %
    expect(lastDerived(r, 'churn_rate')).toBeCloseTo(4, 12);
  });

  it('cac = sum(marketing_spend, 30d) / sum(new_customers, 30d)', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([
      ...daily('marketing_spend', { channel: 'direct' }, 1_000, '2025-06-30', 30),
      ...daily('marketing_spend', { channel: 'partner' }, 500, '2025-06-30', 30),
      ...daily('new_customers', { region: 'na', channel: 'direct' }, 2, '2025-06-30', 30),
      ...daily('new_customers', { region: 'emea', channel: 'partner' }, 1, '2025-06-30', 30),
    ]);
    // spend 30 × 1,500 = 45,000; customers 30 × 3 = 90 → 500
    expect(lastDerived(r, 'cac')).toBeCloseTo(500, 9);
  });

  it('revenue_per_employee = sum(revenue, 365d) / latest(headcount)', () => {
    const depts = { engineering: 200, sales: 100, marketing: 50, operations: 50, finance: 25, g_and_a: 25 };
    const r = new KpiEngine({ config: catalog() }).ingest([
      ...Array.from({ length: 12 }, (_, i) => p('revenue', { region: 'na', product: 'platform' }, 5_000_000, dayAt('2025-06-30', -30 * i))),
      ...Object.entries(depts).map(([department, n]) => p('headcount', { department }, n, T)),
    ]);
    // revenue 12 × 5,000,000 = 60,000,000; headcount 450 → 133,333.33
    expect(lastDerived(r, 'revenue_per_employee')).toBeCloseTo(60_000_000 / 450, 6);
  });
});

describe('KpiEngine: no value instead of division by zero', () => {
  const T = ny('2025-06-30T12:00');

  it('produces no current_ratio point when current liabilities are 0', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([p('current_assets', {}, 5_000_000, T), p('current_liabilities', {}, 0, T)]);
    expect(r.derived.filter((d) => d.kpi === 'current_ratio')).toEqual([]);
  });

  it('produces no cac point when no customer was won in 30 days', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([
      ...daily('marketing_spend', { channel: 'direct' }, 1_000, '2025-06-30', 3),
      p('new_customers', { region: 'na', channel: 'direct' }, 0, T),
    ]);
    expect(r.derived.filter((d) => d.kpi === 'cac')).toEqual([]);
    expect(r.derived.every((d) => Number.isFinite(d.value))).toBe(true);
  });
});

describe('KpiEngine: currency conversion', () => {
  const T = ny('2025-06-30T10:00');

  it('leaves out a series without an exchange rate and says so', () => {
    const r = new KpiEngine({ config: catalog() }).ingest([
      ...bankBalances(T),
      p('bank_balance', { account: 'apac-sgd', bank: 'dbs', currency: 'SGD' }, 100_000, T),
    ]);
    expect(lastDerived(r, 'cash_position')).toBeCloseTo(2_100_000, 6);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/bank_balance: no fx_rate pair=SGDUSD .* SGD are left out of the USD total/);
  });

  it('uses the rate known at the evaluation time, not a later one', () => {
    const engine = new KpiEngine({ config: catalog() });
    const r = engine.ingest([
      ...bankBalances(T),
      p('bank_balance', { account: 'apac-sgd', bank: 'dbs', currency: 'SGD' }, 100_000, T),
      p('fx_rate', { pair: 'SGDUSD' }, 0.74, T + HOUR),
    ]);
    const cash = r.derived.filter((d) => d.kpi === 'cash_position');
    // At 10:00 no SGD rate yet: 2,100,000. The rate arrives at 11:00: + 100,000 × 0.74 = 2,174,000.
    expect(cash.find((d) => d.time === T)?.value).toBeCloseTo(2_100_000, 6);
    expect(cash[cash.length - 1]).toMatchObject({ time: T + HOUR });
    expect(cash[cash.length - 1]!.value).toBeCloseTo(2_174_000, 6);
    expect(engine.snapshot().find((s) => s.kpi === 'bank_balance')?.value).toBeCloseTo(2_174_000, 6);
  });

  it('converts rollup totals and keeps series rollups in their own currency', () => {
    const r = new KpiEngine({ config: catalog({ bank_balance: { rollups: ['daily'] } }) }).ingest(bankBalances(T));
    const total = r.rollups.find((x) => x.tags.scope === 'total')!;
    expect(total.value).toBeCloseTo(2_100_000, 6);
    const eur = r.rollups.find((x) => x.tags.account === 'ops-eur')!;
    expect(eur).toMatchObject({ kpi: 'rollup_daily', value: 500_000, tags: { kpi: 'bank_balance', scope: 'series', currency: 'EUR', bank: 'euro' } });
  });
});

describe('KpiEngine: dependency order and cadence boundaries', () => {
  it('evaluates runway after cash_position and burn_rate at the same instant, with their fresh values', () => {
    const engine = new KpiEngine({ config: catalog() });
    const T = ny('2025-06-30T12:00');
    expect(lastDerived(engine.ingest([...daily('net_cash_flow', {}, -10_000, '2025-06-30', 30), ...bankBalances(T)]), 'runway_months')).toBeCloseTo(7, 9);

    const T2 = ny('2025-07-01T12:00');
    const r = engine.ingest([
      p('net_cash_flow', {}, -10_000, T2), // the window slides: burn stays 300,000
      p('bank_balance', { account: 'ops-usd', bank: 'first', currency: 'USD' }, 1_900_000, T2), // cash 3,000,000
    ]);
    // runway = 3,000,000 / 300,000 = 10 — with the cash_position of this very call
    expect(lastDerived(r, 'runway_months')).toBeCloseTo(10, 9);
    const atT2 = r.derived.filter((d) => d.time === T2).map((d) => d.kpi);
    expect(atT2.indexOf('cash_position')).toBeLessThan(atT2.indexOf('runway_months'));
    expect(atT2.indexOf('burn_rate')).toBeLessThan(atT2.indexOf('runway_months'));
  });

  it('evaluates a daily KPI at every local midnight a multi-day batch crosses, and at its newest input', () => {
    const points: Point[] = [];
    for (let day = 1; day <= 5; day++) {
      const t = ny(`2025-06-0${day}T12:00`);
      points.push(p('revenue', { region: 'na', product: 'platform' }, 1000, t), p('cogs', { product: 'platform' }, 100 * day, t));
    }
    const margins = new KpiEngine({ config: catalog() }).ingest(points).derived.filter((d) => d.kpi === 'gross_margin');
    // after day k: revenue 1000k, cogs 100·k(k+1)/2 → k=1: 90, k=2: 1700/2000 = 85, 80, 75; day 5 noon: 3500/5000 = 70
    expect(margins.map((d) => [new Date(d.time).toISOString(), d.value])).toEqual([
      ['2025-06-02T04:00:00.000Z', 90],
      ['2025-06-03T04:00:00.000Z', 85],
      ['2025-06-04T04:00:00.000Z', 80],
      ['2025-06-05T04:00:00.000Z', 75],
      ['2025-06-05T16:00:00.000Z', 70],
    ]);
  });

  it('evaluates a 15-minute KPI at each quarter hour with the balances known then', () => {
    const acct = { account: 'ops-usd', bank: 'first', currency: 'USD' };
    const r = new KpiEngine({ config: catalog() }).ingest([
      p('bank_balance', acct, 100, ny('2025-06-10T10:00')),
      p('bank_balance', acct, 120, ny('2025-06-10T10:20')),
      p('bank_balance', acct, 140, ny('2025-06-10T10:40')),
      p('bank_balance', acct, 160, ny('2025-06-10T11:00')),
    ]);
    expect(r.derived.filter((d) => d.kpi === 'cash_position').map((d) => [d.time, d.value])).toEqual([
      [ny('2025-06-10T10:00'), 100],
      [ny('2025-06-10T10:15'), 100],
      [ny('2025-06-10T10:30'), 120],
      [ny('2025-06-10T10:45'), 140],
      [ny('2025-06-10T11:00'), 160],
    ]);
  });

  it('gives one value per local midnight over a year backfilled in chunks, across both DST changes', () => {
    const engine = new KpiEngine({ config: catalog() });
    const first = '2024-06-01';
    const midnights: number[] = [];
    for (let chunk = 0; chunk < 4; chunk++) {
      const points: Point[] = [];
      for (let i = chunk * 100; i < (chunk + 1) * 100; i++) {
        points.push(p('revenue', { region: 'na', product: 'platform' }, 1000, dayAt(first, i)));
        points.push(p('cogs', { product: 'platform' }, 250, dayAt(first, i)));
      }
      const margins = engine.ingest(points).derived.filter((d) => d.kpi === 'gross_margin');
      for (const m of margins) if (m.time % HOUR === 0 && DateTime.fromMillis(m.time, { zone: NY }).hour === 0) midnights.push(m.time);
      expect(margins.every((m) => Math.abs(m.value - 75) < 1e-9)).toBe(true); // 1 − 250/1000
    }
    const expected = Array.from({ length: 399 }, (_, i) => dayAt(first, i + 1, '00:00'));
    expect(midnights).toEqual(expected);
  });

  it('re-evaluates at a late point\'s time with the state as of then', () => {
    const engine = new KpiEngine({ config: catalog() });
    engine.ingest([
      p('current_assets', {}, 100, ny('2025-06-10T12:00')),
      p('current_liabilities', {}, 50, ny('2025-06-10T12:00')),
      p('current_assets', {}, 300, ny('2025-06-12T12:00')),
    ]);
    const r = engine.ingest([p('current_liabilities', {}, 100, ny('2025-06-11T12:00'))]);
    // As of 11 June 12:00: assets 100 (the 12 June value is later), liabilities 100 → 1
    expect(r.derived.filter((d) => d.kpi === 'current_ratio').map((d) => [d.time, d.value])).toEqual([[ny('2025-06-11T12:00'), 1]]);
  });
});

describe('KpiEngine: full windows', () => {
  const ebitdaDay = (iso: string, v: number) => p('ebitda', {}, v, ny(iso));

  it('gives no 365-day ratio until a year of the input is known, when asked to', () => {
    const strict = new KpiEngine({ config: catalog(), requireFullWindows: true });
    const lenient = new KpiEngine({ config: catalog() });
    const year = Array.from({ length: 366 }, (_, d) => ebitdaDay(`2025-01-01T23:50`, 0)).map((_, d) =>
      p('ebitda', {}, 100, dayAt('2025-01-01', d, '23:50')),
    );
    const debt = p('total_debt', {}, 73_000, dayAt('2025-01-01', 99, '23:55'));
    // After 100 days: the lenient engine divides by 100 days of EBITDA, the strict one gives nothing.
    const early = [...year.slice(0, 100), debt];
    const strictEarly = strict.ingest(early).derived.filter((x) => x.kpi === 'debt_to_ebitda');
    const lenientEarly = lenient.ingest(early).derived.filter((x) => x.kpi === 'debt_to_ebitda');
    expect(strictEarly).toEqual([]);
    expect(lenientEarly.at(-1)!.value).toBeCloseTo(73_000 / 10_000, 9); // 100 days × 100
    // Once the history covers the window, the strict engine computes it: 73,000 / (365 × 100) = 2.
    const late = strict.ingest([...year.slice(100), p('total_debt', {}, 73_000, dayAt('2025-01-01', 365, '23:55'))]);
    expect(late.derived.filter((x) => x.kpi === 'debt_to_ebitda').at(-1)!.value).toBeCloseTo(2, 9);
  });
});

describe('KpiEngine: rollups', () => {
  const targets = {
    revenue: { rollups: ['daily', 'weekly', 'monthly'], target: { daily: 1000, weekly: 7000, monthly: 30000 } },
    expenses: { rollups: ['daily'], budget: { daily: 500 } },
  };
  const na = { region: 'na', product: 'platform' };
  const emea = { region: 'emea', product: 'services' };

  function history(engine: KpiEngine): void {
    engine.ingest([
      p('revenue', na, 480, ny('2024-06-11T09:00')), // last year: 880
      p('revenue', emea, 400, ny('2024-06-11T09:00')),
      p('revenue', na, 550, ny('2025-06-10T09:00')), // previous day: 1000
      p('revenue', emea, 450, ny('2025-06-10T09:00')),
    ]);
  }

  function rollup(r: IngestResult, kind: string, tags: Record<string, string>): Point {
    const found = r.rollups.filter((x) => x.kpi === kind && Object.entries(tags).every(([k, v]) => x.tags[k] === v));
    expect(found).toHaveLength(1);
    return found[0]!;
  }

  it('defers rollups until flushRollups(), emitting each touched period once with its latest value', () => {
    const engine = new KpiEngine({ config: catalog(targets), rollups: 'deferred' });
    const first = engine.ingest([p('revenue', na, 600, ny('2025-06-11T09:00'))]);
    const second = engine.ingest([p('revenue', na, 100, ny('2025-06-11T10:00')), p('revenue', emea, 50, ny('2025-06-11T10:00'))]);
    expect(first.rollups).toEqual([]);
    expect(second.rollups).toEqual([]);
    expect(engine.hasPendingRollups()).toBe(true);
    const flushed = engine.flushRollups();
    const daily = flushed.filter((x) => x.kpi === 'rollup_daily' && x.tags.scope === 'total');
    expect(daily).toHaveLength(1);
    expect(daily[0]!.value).toBe(750); // 600 + 100 + 50
    expect(flushed.filter((x) => x.kpi === 'rollup_daily' && x.tags.region === 'na')).toHaveLength(1);
    expect(engine.hasPendingRollups()).toBe(false);
    expect(engine.flushRollups()).toEqual([]);
  });

  it('emits a daily total with target variance, previous day, last year and projection', () => {
    const engine = new KpiEngine({ config: catalog(targets) });
    history(engine);
    const r = engine.ingest([p('revenue', na, 600, ny('2025-06-11T09:00')), p('revenue', emea, 500, ny('2025-06-11T09:00'))]);
    const total = rollup(r, 'rollup_daily', { kpi: 'revenue', scope: 'total' });
    expect(total.time).toBe(ny('2025-06-11T00:00'));
    expect(total.tags).toEqual({ kpi: 'revenue', scope: 'total' });
    expect(total.value).toBe(1100);
    expect(total.fields).toEqual({
      target: 1000,
      variance_target: 100, // 1100 − 1000
      variance_target_pct: 10, // 100 / 1000
      previous: 1000,
      change_pct: 10, // (1100 − 1000) / 1000
      last_year: 880,
      yoy_pct: 25, // (1100 − 880) / 880
      projected: expect.closeTo(1100 / (9 / 24), 6), // 9 of 24 hours elapsed: 2,933.33
    });
  });

  it('emits series rollups in the series tags, without target or budget', () => {
    const engine = new KpiEngine({ config: catalog(targets) });
    history(engine);
    const r = engine.ingest([p('revenue', na, 600, ny('2025-06-11T09:00')), p('revenue', emea, 500, ny('2025-06-11T09:00'))]);
    const s = rollup(r, 'rollup_daily', { scope: 'series', region: 'na' });
    expect(s.tags).toEqual({ kpi: 'revenue', scope: 'series', region: 'na', product: 'platform' });
    expect(s.value).toBe(600);
    expect(s.fields).toEqual({
      previous: 550,
      change_pct: expect.closeTo((50 / 550) * 100, 9), // 9.09 %
      last_year: 480,
      yoy_pct: 25, // (600 − 480) / 480
      projected: expect.closeTo(1600, 9), // 600 / (9/24)
    });
  });

  it('emits weekly (weeks from Monday) and monthly rollups with their own targets and projections', () => {
    const engine = new KpiEngine({ config: catalog(targets) });
    history(engine);
    const r = engine.ingest([p('revenue', na, 600, ny('2025-06-11T09:00')), p('revenue', emea, 500, ny('2025-06-11T09:00'))]);
    const week = rollup(r, 'rollup_weekly', { scope: 'total' });
    expect(week.time).toBe(ny('2025-06-09T00:00')); // Monday
    expect(week.value).toBe(2100); // 10 June 1000 + 11 June 1100
    expect(week.fields).toEqual({
      target: 7000,
      variance_target: -4900,
      variance_target_pct: -70,
      last_year: 880, // the week 52 weeks earlier (from Mon 10 June 2024) holds 11 June 2024
      yoy_pct: expect.closeTo(((2100 - 880) / 880) * 100, 9), // 138.6 %
      projected: expect.closeTo((2100 * 168) / 57, 6), // Mon 00:00 → Wed 09:00 = 57 of 168 hours
    });
    const month = rollup(r, 'rollup_monthly', { scope: 'total' });
    expect(month.time).toBe(ny('2025-06-01T00:00'));
    expect(month.fields).toMatchObject({
      target: 30000,
      variance_target: 2100 - 30000,
      last_year: 880,
      projected: expect.closeTo((2100 * 720) / 249, 6), // 10 days 9 h = 249 of 720 hours
    });
    expect(month.fields).not.toHaveProperty('previous'); // no data in May 2025
  });

  it('reports variance against a budget', () => {
    const r = new KpiEngine({ config: catalog(targets) }).ingest([
      p('expenses', { department: 'sales', region: 'na' }, 550, ny('2025-06-11T09:00')),
    ]);
    expect(rollup(r, 'rollup_daily', { kpi: 'expenses', scope: 'total' }).fields).toMatchObject({
      budget: 500,
      variance_budget: 50,
      variance_budget_pct: 10,
    });
  });

  it('starts weeks on Sunday when the company says so', () => {
    const sunday = ny('2025-06-15T10:00');
    const monday = new KpiEngine({ config: catalog(targets) }).ingest([p('revenue', na, 1, sunday)]);
    const sundayStart = new KpiEngine({ config: catalog(targets, { weekStartsOn: 'sunday' }) }).ingest([p('revenue', na, 1, sunday)]);
    expect(rollup(monday, 'rollup_weekly', { scope: 'total' }).time).toBe(ny('2025-06-09T00:00'));
    expect(rollup(sundayStart, 'rollup_weekly', { scope: 'total' }).time).toBe(ny('2025-06-15T00:00'));
  });

  it('puts points into New York days: 23:30 is still the same day, midnight starts the next', () => {
    const r = new KpiEngine({ config: catalog(targets) }).ingest([
      p('revenue', na, 1, Date.UTC(2025, 5, 11, 3, 30)), // 10 June 23:30 New York
      p('revenue', na, 2, ny('2025-06-11T00:00')),
    ]);
    const days = r.rollups.filter((x) => x.kpi === 'rollup_daily' && x.tags.scope === 'total');
    expect(days.map((d) => [new Date(d.time).toISOString(), d.value])).toEqual([
      ['2025-06-10T04:00:00.000Z', 1],
      ['2025-06-11T04:00:00.000Z', 2],
    ]);
  });

  it('handles the 23-hour day when DST starts: boundaries and projection', () => {
    const r = new KpiEngine({ config: catalog(targets) }).ingest([
      p('revenue', na, 100, ny('2025-03-09T00:30')),
      p('revenue', na, 100, ny('2025-03-09T12:00')),
    ]);
    const day = rollup(r, 'rollup_daily', { scope: 'total' });
    expect(new Date(day.time).toISOString()).toBe('2025-03-09T05:00:00.000Z'); // midnight EST
    expect(day.value).toBe(200);
    // 00:00 EST → 12:00 EDT is 11 real hours of a 23-hour day
    expect(day.fields?.projected).toBeCloseTo((200 * 23) / 11, 9);
    const next = new KpiEngine({ config: catalog(targets) }).ingest([p('revenue', na, 1, Date.UTC(2025, 2, 10, 4))]);
    expect(new Date(rollup(next, 'rollup_daily', { scope: 'total' }).time).toISOString()).toBe('2025-03-10T04:00:00.000Z');
  });

  it('updates the period of a late point and emits only the touched periods and series', () => {
    const engine = new KpiEngine({ config: catalog(targets) });
    engine.ingest([
      p('revenue', na, 550, ny('2025-06-10T09:00')),
      p('revenue', emea, 450, ny('2025-06-10T09:00')),
      p('revenue', na, 600, ny('2025-06-11T09:00')),
    ]);
    const r = engine.ingest([p('revenue', na, 100, ny('2025-06-10T18:00'))]);
    const days = r.rollups.filter((x) => x.kpi === 'rollup_daily');
    expect(days.map((d) => [d.time, d.tags.scope, d.tags.region, d.value])).toEqual([
      [ny('2025-06-10T00:00'), 'total', undefined, 1100],
      [ny('2025-06-10T00:00'), 'series', 'na', 650],
    ]);
    expect(days[0]!.fields).not.toHaveProperty('projected'); // 10 June is over: now is 11 June
    expect(rollup(r, 'rollup_weekly', { scope: 'total' }).value).toBe(1700);
  });

  it('takes "now" from the clock when one is given', () => {
    const clock = new ManualClock(ny('2025-06-11T18:00'));
    const r = new KpiEngine({ config: catalog(targets), clock }).ingest([p('revenue', na, 900, ny('2025-06-11T09:00'))]);
    expect(rollup(r, 'rollup_daily', { scope: 'total' }).fields?.projected).toBeCloseTo(900 / 0.75, 9);
  });

  it('rolls up a derived KPI as its last value of the period', () => {
    const r = new KpiEngine({ config: catalog({ cash_position: { rollups: ['daily'] } }) }).ingest([
      ...bankBalances(ny('2025-06-10T10:00')),
      p('bank_balance', { account: 'ops-usd', bank: 'first', currency: 'USD' }, 2_000_000, ny('2025-06-10T16:00')),
    ]);
    // last cash of the day: 2,000,000 + 300,000 + 550,000 + 250,000
    expect(rollup(r, 'rollup_daily', { kpi: 'cash_position', scope: 'total' }).value).toBeCloseTo(3_100_000, 6);
  });
});

describe('KpiEngine: configuration, snapshot and bad input', () => {
  it('keeps state across a reconfiguration for KPIs that still exist', () => {
    const engine = new KpiEngine({ config: catalog() });
    engine.ingest([p('current_assets', {}, 5_000_000, ny('2025-06-10T12:00'))]);
    const withoutRatio = catalog();
    const config = { ...withoutRatio, kpis: withoutRatio.kpis.filter((k) => k.id !== 'current_ratio' && k.id !== 'accounts_payable') };
    engine.reconfigure(config);
    engine.reconfigure(catalog());
    const r = engine.ingest([p('current_liabilities', {}, 2_000_000, ny('2025-06-10T12:00'))]);
    expect(lastDerived(r, 'current_ratio')).toBe(2.5); // 5,000,000 kept / 2,000,000
  });

  it('drops the state of a KPI whose kind changed, and refuses a bad configuration without changing anything', () => {
    const engine = new KpiEngine({ config: catalog() });
    engine.ingest([p('total_debt', {}, 7, ny('2025-06-10T12:00'))]);
    engine.reconfigure(catalog({ total_debt: { kind: 'rate' } }));
    expect(engine.snapshot().find((s) => s.kpi === 'total_debt')).toBeUndefined();

    engine.ingest([p('total_debt', {}, 8, ny('2025-06-10T12:00'))]);
    const bad = catalog();
    const broken = { ...bad, kpis: bad.kpis.map((k) => (k.id === 'dso' ? { ...k, formula: 'latest(nope)' } : k)) };
    expect(() => engine.reconfigure(broken)).toThrow(/kpis\.dso\.formula: references unknown KPI "nope"/);
    expect(engine.snapshot().find((s) => s.kpi === 'total_debt')?.value).toBe(8);
  });

  it('snapshots the current total, time and unit of each KPI with data', () => {
    const engine = new KpiEngine({ config: catalog() });
    engine.ingest([
      p('active_customers', { region: 'na' }, 600, ny('2025-06-10T12:00')),
      p('active_customers', { region: 'emea' }, 400, ny('2025-06-10T13:00')),
    ]);
    expect(engine.snapshot()).toEqual([{ kpi: 'active_customers', value: 1000, time: ny('2025-06-10T13:00'), unit: 'count' }]);
  });

  it('ignores points of unknown KPIs and non-finite values, with a warning each', () => {
    const engine = new KpiEngine({ config: catalog() });
    const r = engine.ingest([p('nope', {}, 1, 0), p('nope', {}, 2, 0), p('total_debt', {}, NaN, 0)]);
    expect(r.warnings).toEqual([
      'nope: not a KPI of the configuration; its points are ignored',
      'total_debt: ignored a point with a non-finite value or time',
    ]);
    expect(engine.snapshot()).toEqual([]);
  });
});

describe('KpiEngine: restoring stored history', () => {
  const targets = { revenue: { rollups: ['daily', 'monthly'] }, bank_balance: { rollups: ['daily'] } };
  const asBucket = (q: Point): HistoryBucket => ({
    kpi: q.kpi,
    tags: q.tags,
    firstTime: q.time,
    lastTime: q.time,
    sum: q.value,
    count: 1,
    last: q.value,
  });

  /** 100 days of daily revenue, AR and net cash flow, and a day of 15-minute balances. */
  function history(): Point[] {
    const out: Point[] = [];
    for (let i = 0; i < 100; i++) {
      const t = dayAt('2025-03-01', i, '23:50');
      out.push(p('revenue', { region: 'na', product: 'platform' }, 1000 + i, t));
      out.push(p('accounts_receivable', {}, 50_000 + 10 * i, t));
      out.push(p('net_cash_flow', {}, -300 + i, t));
    }
    for (let t = ny('2025-06-08T00:00'); t < ny('2025-06-09T00:00'); t += 15 * 60_000) out.push(...bankBalances(t));
    return out;
  }

  it('rebuilds state without output, then evaluates and rolls up the next points as the engine that saw the history', () => {
    const clock = new ManualClock(ny('2025-06-09T00:00'));
    const config = catalog(targets);
    const live = new KpiEngine({ config, clock, rollups: 'deferred', requireFullWindows: true });
    // Fed as sources send it (one call per timestamp); stored as InfluxDB keeps it (one point per
    // series and time, the last written).
    const byTime = new Map<number, Point[]>();
    for (const q of history()) byTime.set(q.time, [...(byTime.get(q.time) ?? []), q]);
    const stored = new Map<string, Point>();
    for (const batch of byTime.values()) {
      const r = live.ingest(batch);
      for (const q of [...batch, ...r.derived]) stored.set(`${q.kpi}${JSON.stringify(q.tags)}${q.time}`, q);
    }
    live.flushRollups();

    const restored = new KpiEngine({ config, clock, rollups: 'deferred', requireFullWindows: true });
    const result = restored.restoreHistory([...stored.values()].reverse().map(asBucket)); // any order
    expect(result).toEqual({ applied: stored.size, warnings: [] });
    expect(restored.hasPendingRollups()).toBe(false);
    expect(restored.snapshot()).toEqual(live.snapshot());

    // The next points start after a midnight: both evaluate the daily KPIs at it, then at the points.
    const next = [
      p('revenue', { region: 'na', product: 'platform' }, 2000, ny('2025-06-09T23:50')),
      p('accounts_receivable', {}, 52_000, ny('2025-06-09T23:50')),
      ...bankBalances(ny('2025-06-09T00:15')),
    ];
    clock.set(ny('2025-06-10T00:00'));
    const expected = live.ingest(next);
    const actual = restored.ingest(next);
    expect(expected.derived.some((d) => d.kpi === 'dso' && d.time === ny('2025-06-09T00:00'))).toBe(true);
    expect(actual.derived).toEqual(expected.derived);
    const rollups = live.flushRollups();
    expect(rollups.some((r) => r.fields?.previous !== undefined)).toBe(true);
    expect(restored.flushRollups()).toEqual(rollups);
  });

  it('takes hourly aggregates: a rate\'s day is the mean of all its points, not of the hourly means', () => {
    const clock = new ManualClock(ny('2025-06-10T23:00'));
    const config = catalog({ fx_rate: { rollups: ['daily'] } });
    const engine = new KpiEngine({ config, clock, rollups: 'deferred' });
    const pair = { pair: 'EURUSD' };
    engine.restoreHistory([
      { kpi: 'fx_rate', tags: pair, firstTime: ny('2025-06-10T09:00'), lastTime: ny('2025-06-10T09:45'), sum: 4, count: 4, last: 1 },
      { kpi: 'fx_rate', tags: pair, firstTime: ny('2025-06-10T10:00'), lastTime: ny('2025-06-10T10:00'), sum: 2, count: 1, last: 2 },
    ]);
    engine.ingest([p('fx_rate', pair, 3, ny('2025-06-10T11:00'))]);
    const daily = engine.flushRollups().find((r) => r.kpi === 'rollup_daily' && r.tags.scope === 'total');
    expect(daily?.value).toBe((4 + 2 + 3) / 6);
    expect(engine.snapshot()).toEqual([{ kpi: 'fx_rate', value: 3, time: ny('2025-06-10T11:00'), unit: 'rate' }]);
  });

  it('leaves out unknown KPIs, bad buckets and days older than the history kept, with a warning each', () => {
    const engine = new KpiEngine({ config: catalog(), historyDays: 30 });
    const t = ny('2025-06-10T12:00');
    const one = (kpi: string, time: number, extra: Partial<HistoryBucket> = {}): HistoryBucket => ({
      kpi,
      tags: {},
      firstTime: time,
      lastTime: time,
      sum: 1,
      count: 1,
      last: 1,
      ...extra,
    });
    const result = engine.restoreHistory([
      one('total_debt', t),
      one('ebitda', t),
      one('nope', t),
      one('ebitda', t, { count: 0 }),
      one('ebitda', t, { sum: Infinity }),
      one('ebitda', t, { firstTime: t + 1 }),
      one('ebitda', t - 40 * DAY_MS),
    ]);
    expect(result.applied).toBe(2);
    expect(result.warnings).toEqual([
      'nope: not a KPI of the configuration; its history is ignored',
      'ebitda: ignored history with a non-finite value or time, no values, or first time after last time',
      'ebitda: ignored history older than the 30 days kept',
    ]);
  });
});

