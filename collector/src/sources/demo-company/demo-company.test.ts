import fc from 'fast-check';
import type { Point } from '../../core/point';
import { FinmonError } from '../../core/errors';
import { calendarDay, dayIndexOf, dayIndexOfDate, isTradingDay, localTimeMs } from './calendar';
import { ACCOUNTS, BANK_ACCOUNTS, PAIR_OF_CURRENCY } from './company-profile';
import { DEMO_COMPANY_KPIS, DemoCompany } from './demo-company';

const DAY = 86_400_000;
/** 2024-01-01 00:00 New York. */
const START = Date.UTC(2024, 0, 1, 5);
const SEED = 'northwind';

const NON_DERIVED_CATALOG_KPIS = [
  'bank_balance',
  'net_cash_flow',
  'revenue',
  'cogs',
  'expenses',
  'accounts_receivable',
  'accounts_payable',
  'inventory_value',
  'total_debt',
  'ebitda',
  'interest_expense',
  'current_assets',
  'current_liabilities',
  'new_customers',
  'churned_customers',
  'active_customers',
  'marketing_spend',
  'headcount',
  'platform_uptime',
  'response_time_p95',
  'stock_price',
  'fx_rate',
  'interest_rate',
];

const DAILY_KPIS = NON_DERIVED_CATALOG_KPIS.filter(
  (k) => !['bank_balance', 'platform_uptime', 'response_time_p95', 'stock_price', 'fx_rate', 'interest_rate'].includes(k),
);

function dayStart(y: number, m: number, d: number): number {
  return calendarDay(dayIndexOfDate(y, m, d)).startMs;
}

function count(points: readonly Point[], kpi: string, filter: (p: Point) => boolean = () => true): number {
  return points.filter((p) => p.kpi === kpi && filter(p)).length;
}

/** Daily totals per KPI, keyed by day index. */
function dailyTotals(points: readonly Point[]): Map<number, Record<string, number>> {
  const byDay = new Map<number, Record<string, number>>();
  for (const p of points) {
    const d = dayIndexOf(p.time);
    const o = byDay.get(d) ?? {};
    o[p.kpi] = (o[p.kpi] ?? 0) + p.value;
    byDay.set(d, o);
  }
  return byDay;
}

/** Cash position in USD at `timeMs` from the bank_balance and fx_rate points (latest values). */
function cashPositionAt(points: readonly Point[], timeMs: number): number {
  const balance = new Map<string, Point>();
  const fx = new Map<string, number>();
  for (const p of points) {
    if (p.time > timeMs) break;
    if (p.kpi === 'bank_balance') balance.set(p.tags.account!, p);
    if (p.kpi === 'fx_rate') fx.set(p.tags.pair!, p.value);
  }
  let cash = 0;
  for (const p of balance.values()) {
    const pair = PAIR_OF_CURRENCY[p.tags.currency as 'USD'];
    cash += p.value * (pair ? (fx.get(pair) as number) : 1);
  }
  return cash;
}

describe('DemoCompany', () => {
  const company = new DemoCompany({ seed: SEED, start: START });
  let year: Point[];
  let totals: Map<number, Record<string, number>>;
  const firstDay = dayIndexOf(START);

  beforeAll(() => {
    year = company.generate(START, START + 366 * DAY, { kpis: DAILY_KPIS });
    totals = dailyTotals(year);
  });

  describe('determinism and chunks', () => {
    it('produces the same points for the same seed and start', () => {
      const a = new DemoCompany({ seed: SEED, start: START }).generate(START + 40 * DAY, START + 41 * DAY);
      const b = new DemoCompany({ seed: SEED, start: START }).generate(START + 40 * DAY, START + 41 * DAY);
      expect(a.length).toBeGreaterThan(3000);
      expect(a).toEqual(b);
    });

    it('produces different values for a different seed', () => {
      const a = new DemoCompany({ seed: SEED, start: START }).generate(START, START + DAY, { kpis: ['revenue'] });
      const b = new DemoCompany({ seed: 'other', start: START }).generate(START, START + DAY, { kpis: ['revenue'] });
      expect(a.map((p) => p.value)).not.toEqual(b.map((p) => p.value));
    });

    it('returns points sorted by time and within the window', () => {
      const from = START + 10 * DAY + 3_600_000 * 7;
      const to = from + 2 * DAY;
      const points = company.generate(from, to);
      for (let i = 1; i < points.length; i++) expect(points[i]!.time).toBeGreaterThanOrEqual(points[i - 1]!.time);
      expect(points.every((p) => p.time >= from && p.time < to && p.ns === BigInt(p.time) * 1_000_000n)).toBe(true);
    });

    it('generates [a,b) then [b,c) exactly as [a,c), whatever the split points and order of generation', () => {
      const a = START + 88 * DAY;
      const c = a + 3 * DAY;
      const whole = new DemoCompany({ seed: SEED, start: START }).generate(a, c);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 3 * DAY }), fc.integer({ min: 0, max: 3 * DAY }), fc.boolean(), (x, y, reverse) => {
          const [s1, s2] = [a + Math.min(x, y), a + Math.max(x, y)];
          const fresh = new DemoCompany({ seed: SEED, start: START });
          const windows: [number, number][] = [
            [a, s1],
            [s1, s2],
            [s2, c],
          ];
          const parts = (reverse ? [...windows].reverse() : windows).map(([f, t]) => ({ f, points: fresh.generate(f, t) }));
          const joined = parts.sort((p, q) => p.f - q.f).flatMap((p) => p.points);
          expect(joined).toEqual(whole);
        }),
        { numRuns: 12 },
      );
    });

    it('continues a backfill in real time: 15-minute windows after a long chunk equal one window', () => {
      const backfillEnd = START + 200 * DAY + 900_000 * 37;
      const live = new DemoCompany({ seed: SEED, start: START });
      live.generate(START + 195 * DAY, backfillEnd, { kpis: ['bank_balance'] });
      const ticks: Point[] = [];
      for (let t = backfillEnd; t < backfillEnd + 6 * 3_600_000; t += 900_000) ticks.push(...live.generate(t, t + 900_000));
      expect(ticks).toEqual(new DemoCompany({ seed: SEED, start: START }).generate(backfillEnd, backfillEnd + 6 * 3_600_000));
    });

    it('produces nothing before the history start and rejects an inverted window', () => {
      expect(company.generate(START - 10 * DAY, START)).toEqual([]);
      expect(() => company.generate(START + DAY, START)).toThrow(FinmonError);
    });
  });

  describe('cadence', () => {
    let week: Point[];
    beforeAll(() => {
      // Mon 2024-03-04 … Mon 2024-03-11 00:00 (includes the spring DST change on Sunday 2024-03-10).
      week = company.generate(dayStart(2024, 3, 4), dayStart(2024, 3, 11));
    });

    it('reports every bank account every 15 minutes: 96 a day, 92 on the spring DST day', () => {
      for (const account of ACCOUNTS) {
        const onDay = (y: number, m: number, d: number) =>
          count(week, 'bank_balance', (p) => p.tags.account === account && dayIndexOf(p.time) === dayIndexOfDate(y, m, d));
        expect(onDay(2024, 3, 5)).toBe(96);
        expect(onDay(2024, 3, 10)).toBe(92);
      }
      expect(week.filter((p) => p.kpi === 'bank_balance').every((p) => p.time % 900_000 === 0)).toBe(true);
    });

    it('tags bank balances with account, bank and currency', () => {
      const p = week.find((x) => x.kpi === 'bank_balance' && x.tags.account === 'ops-eur');
      expect(p?.tags).toEqual({ account: 'ops-eur', bank: BANK_ACCOUNTS['ops-eur'].bank, currency: 'EUR' });
    });

    it('prices the stock every 15 minutes from 09:30 to 16:00 on trading days only', () => {
      const stock = week.filter((p) => p.kpi === 'stock_price');
      const tradingDays = new Set(stock.map((p) => dayIndexOf(p.time)));
      expect(tradingDays.size).toBe(5);
      for (const d of tradingDays) {
        const day = calendarDay(d);
        const times = stock.filter((p) => dayIndexOf(p.time) === d).map((p) => p.time);
        expect(times.length).toBe(27);
        expect(Math.min(...times)).toBe(localTimeMs(day, 9, 30));
        expect(Math.max(...times)).toBe(localTimeMs(day, 16, 0));
      }
    });

    it('skips NYSE holidays for the stock price (Good Friday 2024-03-29)', () => {
      const points = company.generate(dayStart(2024, 3, 29), dayStart(2024, 3, 30), { kpis: ['stock_price'] });
      expect(isTradingDay(dayIndexOfDate(2024, 3, 29))).toBe(false);
      expect(points).toEqual([]);
    });

    it('quotes each fx pair hourly (24 a day) and each benchmark rate once per business day at 08:00', () => {
      expect(count(week, 'fx_rate', (p) => p.tags.pair === 'EURUSD' && dayIndexOf(p.time) === dayIndexOfDate(2024, 3, 6))).toBe(24);
      expect(count(week, 'fx_rate', (p) => p.tags.pair === 'SGDUSD' && dayIndexOf(p.time) === dayIndexOfDate(2024, 3, 10))).toBe(23);
      const rates = week.filter((p) => p.kpi === 'interest_rate');
      expect(rates.length).toBe(5 * 3);
      expect(rates.every((p) => p.time === localTimeMs(calendarDay(dayIndexOf(p.time)), 8, 0))).toBe(true);
    });

    it('samples platform health every 5 minutes per service', () => {
      const api = week.filter((p) => p.kpi === 'platform_uptime' && p.tags.service === 'api' && dayIndexOf(p.time) === dayIndexOfDate(2024, 3, 7));
      expect(api.length).toBe(288);
      expect(count(week, 'response_time_p95', (p) => p.tags.service === 'reporting' && dayIndexOf(p.time) === dayIndexOfDate(2024, 3, 7))).toBe(288);
    });

    it('posts one point per series of every daily KPI at 23:50 each day, weekends included', () => {
      const saturday = dayIndexOfDate(2024, 3, 9);
      const close = calendarDay(saturday).endMs - 600_000;
      const onSat = week.filter((p) => p.time === close);
      const series = (kpi: string) => onSat.filter((p) => p.kpi === kpi).length;
      expect(series('revenue')).toBe(9);
      expect(series('expenses')).toBe(18);
      expect(series('new_customers')).toBe(9);
      expect(series('headcount')).toBe(6);
      for (const k of DAILY_KPIS) expect(series(k)).toBeGreaterThan(0);
    });
  });

  describe('accounting identities', () => {
    it('net_cash_flow = Σ accounts (closing − previous closing balance) × the day\'s 23:00 fx rate', () => {
      const from = dayStart(2024, 5, 1);
      const points = company.generate(from, from + 14 * DAY, { kpis: ['bank_balance', 'fx_rate', 'net_cash_flow'] });
      const before = company.generate(from - 900_000, from, { kpis: ['bank_balance'] });
      const closeOf = new Map<string, number>();
      for (const p of before) closeOf.set(p.tags.account!, p.value);
      for (let d = dayIndexOf(from); d < dayIndexOf(from) + 14; d++) {
        const day = calendarDay(d);
        const last = day.endMs - 900_000;
        const fx23 = points.filter((p) => p.kpi === 'fx_rate' && p.time === localTimeMs(day, 23, 0));
        const rate = (ccy: string) => (ccy === 'USD' ? 1 : fx23.find((p) => p.tags.pair === `${ccy}USD`)!.value);
        let expected = 0;
        for (const p of points.filter((x) => x.kpi === 'bank_balance' && x.time === last)) {
          expected += (p.value - closeOf.get(p.tags.account!)!) * rate(p.tags.currency!);
          closeOf.set(p.tags.account!, p.value);
        }
        const ncf = points.find((p) => p.kpi === 'net_cash_flow' && dayIndexOf(p.time) === d)!;
        expect(ncf.value).toBeCloseTo(expected, 1);
      }
    });

    it('active_customers(t) = active_customers(t−1) + new_customers(t) − churned_customers(t), per region', () => {
      for (const region of ['na', 'emea', 'apac']) {
        const series = (kpi: string) => {
          const m = new Map<number, number>();
          for (const p of year) if (p.kpi === kpi && p.tags.region === region) m.set(dayIndexOf(p.time), (m.get(dayIndexOf(p.time)) ?? 0) + p.value);
          return m;
        };
        const active = series('active_customers');
        const added = series('new_customers');
        const churned = series('churned_customers');
        for (let d = firstDay + 1; d < firstDay + 365; d++) {
          expect(active.get(d)).toBe(active.get(d - 1)! + added.get(d)! - churned.get(d)!);
        }
      }
    });

    it('ebitda = revenue − cogs − expenses each day', () => {
      for (const [, t] of totals) expect(t.ebitda!).toBeCloseTo(t.revenue! - t.cogs! - t.expenses!, 1);
    });
  });

  describe('a year of data', () => {
    it('contains every non-derived catalog KPI (cash_forecast_13w excepted)', () => {
      const daily = new Set(year.map((p) => p.kpi));
      const intraday = new Set(company.generate(START + 30 * DAY, START + 31 * DAY).map((p) => p.kpi));
      for (const k of NON_DERIVED_CATALOG_KPIS) expect(daily.has(k) || intraday.has(k)).toBe(true);
      expect([...DEMO_COMPANY_KPIS].sort()).toEqual([...NON_DERIVED_CATALOG_KPIS].sort());
      for (const d of [...totals.keys()].slice(0, 365)) for (const k of DAILY_KPIS) expect(totals.get(d)![k]).toBeDefined();
    });

    it('books annual revenue of $50–75M with gross margin near 62 %', () => {
      const days = [...totals.keys()].slice(0, 365);
      const revenue = days.reduce((s, d) => s + totals.get(d)!.revenue!, 0);
      const cogs = days.reduce((s, d) => s + totals.get(d)!.cogs!, 0);
      expect(revenue).toBeGreaterThan(50e6);
      expect(revenue).toBeLessThan(75e6);
      expect((revenue - cogs) / revenue).toBeGreaterThan(0.57);
      expect((revenue - cogs) / revenue).toBeLessThan(0.67);
    });

    it('keeps DSO (catalog formula, 90-day window) between 35 and 60 days', () => {
      const days = [...totals.keys()].sort((a, b) => a - b);
      for (let i = 90; i < 365; i += 7) {
        const rev90 = days.slice(i - 89, i + 1).reduce((s, d) => s + totals.get(d)!.revenue!, 0);
        const dso = (totals.get(days[i]!)!.accounts_receivable! / rev90) * 90;
        expect(dso).toBeGreaterThan(35);
        expect(dso).toBeLessThan(60);
      }
    });

    it('keeps headcount between 400 and 520, growing slowly', () => {
      const hc = [...totals.values()].map((t) => t.headcount!);
      expect(Math.min(...hc)).toBeGreaterThanOrEqual(400);
      expect(Math.max(...hc)).toBeLessThanOrEqual(520);
      expect(hc[364]!).toBeGreaterThan(hc[0]!);
    });

    it('runs a current ratio near 1.6 on a normal day and covenant ratios near 2.2x leverage and 6x coverage', () => {
      const quiet = new DemoCompany({ seed: SEED, start: START - 365 * DAY, incidents: 'none' });
      const points = quiet.generate(START - 365 * DAY, START + 30 * DAY, {
        kpis: ['ebitda', 'interest_expense', 'total_debt', 'current_assets', 'current_liabilities'],
      });
      const t = [...dailyTotals(points).entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
      const last = t.length - 1;
      const ebitda365 = t.slice(last - 364).reduce((s, v) => s + v.ebitda!, 0);
      const interest365 = t.slice(last - 364).reduce((s, v) => s + v.interest_expense!, 0);
      const leverage = t[last]!.total_debt! / ebitda365;
      const coverage = ebitda365 / interest365;
      const ratios = t.map((v) => v.current_assets! / v.current_liabilities!).sort((a, b) => a - b);
      expect(leverage).toBeGreaterThan(1.6);
      expect(leverage).toBeLessThan(3);
      expect(coverage).toBeGreaterThan(4.5);
      expect(coverage).toBeLessThan(9);
      expect(ratios[Math.floor(ratios.length / 2)]).toBeGreaterThan(1.45);
      expect(ratios[Math.floor(ratios.length / 2)]).toBeLessThan(1.8);
      expect(ratios[0]).toBeGreaterThan(1.25);
    });

    it('keeps cash above the $6M warning level outside incidents', () => {
      const quiet = new DemoCompany({ seed: SEED, start: START, incidents: 'none' });
      for (let d = 0; d < 365; d += 23) {
        const points = quiet.generate(START + d * DAY, START + (d + 1) * DAY, { kpis: ['bank_balance', 'fx_rate'] });
        expect(cashPositionAt(points, START + (d + 1) * DAY)).toBeGreaterThan(6e6);
      }
    });
  });

  describe('incidents', () => {
    const byKind = (kind: string) => company.incidents().find((i) => i.kind === kind)!;

    it('records the default incidents inside the first simulated year', () => {
      const incidents = company.incidents();
      expect(incidents.map((i) => i.kind).sort()).toEqual(
        ['cash_drop', 'covenant_squeeze', 'data_outage', 'expense_spike', 'outage', 'revenue_shortfall'].sort(),
      );
      for (const i of incidents) {
        expect(i.start).toBeGreaterThanOrEqual(START);
        expect(i.end).toBeGreaterThan(i.start);
        expect(i.start).toBeLessThan(START + 365 * DAY);
        expect(i.kpis.length).toBeGreaterThan(0);
      }
    });

    it('drops cash below $6M right after the cash drop, and restores it by the end', () => {
      const drop = byKind('cash_drop');
      const points = company.generate(drop.start - DAY, drop.end + 3_600_000, { kpis: ['bank_balance', 'fx_rate'] });
      expect(cashPositionAt(points, drop.start - 3_600_000)).toBeGreaterThan(6e6);
      expect(cashPositionAt(points, drop.start + 900_000)).toBeLessThan(6e6);
      expect(cashPositionAt(points, drop.end + 900_000)).toBeGreaterThan(6e6);
    });

    it('takes api uptime down and p95 up during the outage, and only then', () => {
      const outage = byKind('outage');
      const points = company.generate(outage.start - 3 * 3_600_000, outage.end + 3 * 3_600_000, {
        kpis: ['platform_uptime', 'response_time_p95'],
      });
      const api = (kpi: string, inside: boolean) =>
        points.filter((p) => p.kpi === kpi && p.tags.service === 'api' && (p.time >= outage.start && p.time < outage.end) === inside).map((p) => p.value);
      expect(Math.max(...api('platform_uptime', true))).toBeLessThan(90);
      expect(api('platform_uptime', false).filter((v) => v < 85)).toEqual([]);
      expect(Math.min(...api('response_time_p95', true))).toBeGreaterThan(3 * Math.max(...api('response_time_p95', false).slice(0, 12)));
    });

    it('leaves out the bank_balance points of the account whose feed is down, and only those', () => {
      const feed = byKind('data_outage');
      const points = company.generate(feed.start - 3_600_000, feed.end + 3_600_000, { kpis: ['bank_balance'] });
      const of = (account: string, inside: boolean) =>
        points.filter((p) => p.tags.account === account && (p.time >= feed.start && p.time < feed.end) === inside).length;
      expect(of(feed.entity.account!, true)).toBe(0);
      expect(of(feed.entity.account!, false)).toBe(8);
      expect(of('ops-usd', true)).toBe(12);
    });

    it('cuts the region\'s revenue by ~40 % during the shortfall and leaves other regions alone', () => {
      const shortfall = byKind('revenue_shortfall');
      const region = shortfall.entity.region!;
      const total = (r: string, from: number, to: number) =>
        year.filter((p) => p.kpi === 'revenue' && p.tags.region === r && p.time >= from && p.time < to).reduce((s, p) => s + p.value, 0);
      const len = shortfall.end - shortfall.start;
      const ratio = (r: string) =>
        total(r, shortfall.start, shortfall.end) / ((total(r, shortfall.start - 14 * DAY, shortfall.start) + total(r, shortfall.end, shortfall.end + 14 * DAY)) * (len / (28 * DAY)));
      expect(ratio(region)).toBeGreaterThan(0.45);
      expect(ratio(region)).toBeLessThan(0.75);
      expect(ratio('na')).toBeGreaterThan(0.8);
    });

    it('adds twice the department\'s average weekly spend during the expense spike week (3x a normal week)', () => {
      const spike = byKind('expense_spike');
      const dept = spike.entity.department!;
      const spend = (points: readonly Point[], from: number, to: number) =>
        points.filter((p) => p.kpi === 'expenses' && p.tags.department === dept && p.time >= from && p.time < to).reduce((s, p) => s + p.value, 0);
      const quiet = new DemoCompany({ seed: SEED, start: START, incidents: 'none' }).generate(spike.start, spike.end, { kpis: ['expenses'] });
      const averageWeek = spend(year, spike.start - 84 * DAY, spike.start) / 12;
      const extra = spend(year, spike.start, spike.end) - spend(quiet, spike.start, spike.end);
      expect(extra / averageWeek).toBeGreaterThan(1.6);
      expect(extra / averageWeek).toBeLessThan(2.4);
    });

    it('pushes debt_to_ebitda (catalog formula on the data) above 3.5 during the covenant squeeze, below it before and after', () => {
      const squeeze = byKind('covenant_squeeze');
      const days = [...totals.keys()].sort((a, b) => a - b);
      let cum = 0;
      const leverage = new Map<number, number>();
      for (const d of days) {
        cum += totals.get(d)!.ebitda!;
        leverage.set(d, totals.get(d)!.total_debt! / cum);
      }
      const s = dayIndexOf(squeeze.start);
      const e = dayIndexOf(squeeze.end);
      const inside = [...leverage].filter(([d]) => d >= s && d < e).map(([, v]) => v);
      expect(Math.max(...inside)).toBeGreaterThan(3.5);
      for (let d = s - 14; d < s; d++) expect(leverage.get(d)).toBeLessThan(3.5);
      for (let d = e; d < Math.min(e + 14, firstDay + 366); d++) expect(leverage.get(d)).toBeLessThan(3.5);
    });

    it('accepts a custom incident list and validates it', () => {
      const custom = new DemoCompany({
        seed: SEED,
        start: START,
        incidents: [{ kind: 'outage', start: START + 5 * DAY, service: 'payments' }],
      });
      expect(custom.incidents()).toEqual([
        expect.objectContaining({ id: 'outage-1', kind: 'outage', entity: { service: 'payments' }, start: START + 5 * DAY, end: START + 5 * DAY + 7_200_000 }),
      ]);
      expect(() => new DemoCompany({ seed: SEED, start: START, incidents: [{ kind: 'outage', start: START, service: 'db' as 'api' }] })).toThrow(
        /incidents\[0\] service/,
      );
    });
  });
});
