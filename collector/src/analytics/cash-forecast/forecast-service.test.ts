import { DateTime } from 'luxon';
import { ManualClock } from '../../core/clock';
import type { Point } from '../../core/point';
import { CompanyCalendar } from '../../kpi/company-calendar';
import type { Forecaster } from '../forecast/forecast-result';
import { exampleMetrics } from '../../alerting/test-support/alert-fixtures';
import { ForecastService, forecastKpisOf, InMemoryDailyHistory, weeklyExpenseBudget, type DailyValue } from './forecast-service';

const ZONE = 'America/New_York';
const calendar = new CompanyCalendar(ZONE, 'monday');
const Z95 = 1.959963985;
/** Monday 2025-03-03 09:00 New York. */
const NOW = DateTime.fromObject({ year: 2025, month: 3, day: 3, hour: 9 }, { zone: ZONE }).toMillis();
const today = calendar.dayOf(NOW);

/** Flat at the last value, σ = 10 % of it. */
const flat: Forecaster = {
  name: 'flat',
  forecast: (series, horizon, level = 95) => {
    const last = series[series.length - 1]!;
    const mean = new Array<number>(horizon).fill(last);
    return { mean, lower: mean.map((m) => m - Z95 * 0.1 * last), upper: mean.map((m) => m + Z95 * 0.1 * last), level, method: 'flat' };
  },
};

/** `n` complete days ending yesterday (relative to `until`), constant value. */
function days(n: number, value: number, until = today): DailyValue[] {
  return Array.from({ length: n }, (_, i) => ({ day: calendar.dayStart(until - n + i), value }));
}

function history(extra: Record<string, DailyValue[]> = {}) {
  return new InMemoryDailyHistory({
    cash_position: days(30, 1_000_000),
    revenue: days(30, 10_000),
    accounts_receivable: days(1, 300_000),
    dso: days(1, 30),
    accounts_payable: days(1, 140_000),
    headcount: days(1, 10),
    total_debt: days(1, 3_650_000),
    'interest_rate{benchmark=sofr}': days(1, 4),
    ...extra,
  });
}

const CASH = { costPerHeadMonthly: 3_650, payablesDays: 14, budgetedExpensesPerWeek: 7_000, interestSpreadPct: 1, expenseCv: 0.05 };

describe('forecast service', () => {
  it('takes the KPIs with forecast rules plus cash_position, and the weekly expense budget, from the config', () => {
    const metrics = exampleMetrics();
    expect(forecastKpisOf(metrics)).toEqual(['cash_position']);
    expect(weeklyExpenseBudget(metrics)).toBe(575_000);
  });

  it('writes kpi_forecast points with 80/95 % bands at the next days’ midnights and the hand-computed cash forecast', async () => {
    const service = new ForecastService({ calendar, history: history(), kpis: ['cash_position', 'revenue', 'ebitda'], horizonDays: 3, forecaster: flat, cash: CASH });
    const run = await service.run(NOW);
    expect(run.problems).toEqual(['ebitda: 0 days of history, 14 needed']);
    const forecast = run.points.filter((p) => p.kpi === 'kpi_forecast' && p.tags.kpi === 'cash_position');
    expect(forecast.map((p) => p.time)).toEqual([calendar.dayStart(today), calendar.dayStart(today + 1), calendar.dayStart(today + 2)]);
    expect(forecast[0]!.tags).toEqual({ kpi: 'cash_position', model: 'combo' });
    const f = forecast[0]!.fields as Record<string, number>;
    expect(f.yhat).toBe(1_000_000);
    expect(f.lo95).toBeCloseTo(1_000_000 - Z95 * 100_000, 3);
    expect(f.hi80).toBeCloseTo(1_000_000 + 1.2815515655 * 100_000, 3);

    const cash = run.points.filter((p) => p.kpi === 'cash_forecast_13w');
    expect(cash).toHaveLength(13);
    // fixed costs a day: payroll 1,200 + interest 3.65M × 5 % / 365 = 500 + budget 1,000 = 2,700
    expect(cash[0]).toMatchObject({ tags: { week: '2025-W10' }, value: 1_000_000 + 70_000 - 70_000 - 18_900 });
    expect(cash[2]!.value).toBeCloseTo(1_013_300, 6);
  });

  it('says which cash inputs are missing instead of forecasting from nothing', async () => {
    const service = new ForecastService({ calendar, history: history({ dso: [] }), kpis: [], forecaster: flat, cash: CASH });
    const run = await service.run(NOW);
    expect(run.points).toEqual([]);
    expect(run.problems).toEqual(['cash_forecast_13w: no data for dso']);
  });

  it('tracks forecast against actual: next week’s forecast vs the cash at that week’s end', async () => {
    const data: Record<string, DailyValue[]> = {};
    const service = new ForecastService({ calendar, history: new InMemoryDailyHistory(data), kpis: [], forecaster: flat, cash: CASH });
    Object.assign(data, (history() as unknown as { data: Record<string, DailyValue[]> }).data);
    const first = await service.run(NOW);
    const predicted = first.points.find((p) => p.kpi === 'cash_forecast_13w' && p.tags.week === '2025-W11')!;
    expect(predicted.value).toBeCloseTo(962_200, 6);
    // two weeks later, cash at the end of W11 (Sunday 2025-03-16) was 950,000
    const later = NOW + 14 * 86_400_000;
    data.cash_position = [...days(16, 1_000_000, today + 13), { day: calendar.dayStart(today + 13), value: 950_000 }];
    const second = await service.run(later);
    const vs = second.points.filter((p) => p.fields?.actual !== undefined);
    expect(vs).toHaveLength(1);
    expect(vs[0]).toMatchObject({ kpi: 'cash_forecast_13w', tags: { week: '2025-W11' }, time: predicted.time });
    expect(vs[0]!.fields!.actual).toBe(950_000);
    expect(vs[0]!.fields!.error as number).toBeCloseTo(950_000 - 962_200, 6);
    // compared once
    expect((await service.run(later)).points.filter((p) => p.fields?.actual !== undefined)).toEqual([]);
  });

  it('runs on its schedule with an injected timer, writing every run, until stopped', async () => {
    const clock = new ManualClock(NOW);
    const timers: { fn: () => void; ms: number }[] = [];
    const written: Point[][] = [];
    const service = new ForecastService({ calendar, history: history(), kpis: ['cash_position'], horizonDays: 2, forecaster: flat });
    const handle = service.start(clock, async (points) => void written.push(points), {
      everyMs: 3_600_000,
      setTimer: (fn, ms) => {
        const t = { fn, ms };
        timers.push(t);
        return () => timers.splice(timers.indexOf(t), 1);
      },
    });
    await handle.done();
    expect(written).toHaveLength(1);
    expect(timers.map((t) => t.ms)).toEqual([3_600_000]);
    clock.advance(3_600_000);
    timers.shift()!.fn();
    await handle.done();
    expect(written).toHaveLength(2);
    handle.stop();
    expect(timers).toEqual([]);
  });
});
