import { DateTime } from 'luxon';
import { CompanyCalendar } from '../../kpi/company-calendar';
import { cashForecast13w, cashForecastPoints, forecastVsActualPoint, type CashForecastInputs } from './cash-forecast-13w';

const calendar = new CompanyCalendar('America/New_York', 'monday');
const dayOf = (y: number, m: number, d: number) => calendar.dayOf(DateTime.fromObject({ year: y, month: m, day: d, hour: 9 }, { zone: 'America/New_York' }).toMillis());

const INPUTS: CashForecastInputs = {
  beginningCash: 1_000_000,
  receivables: 300_000,
  daysToPay: 30,
  payables: 140_000,
  payablesDays: 14,
  revenueDaily: new Array(91).fill(10_000),
  revenueSigmaDaily: new Array(91).fill(1_000),
  headcount: 10,
  costPerHeadMonthly: 3_650, // 1,200 a day
  totalDebt: 3_650_000,
  interestRatePct: 5, // 500 a day
  principalPerWeek: 0,
  budgetedExpensesPerWeek: 7_000, // 1,000 a day
  expenseCv: 0.05,
};

describe('13-week cash forecast (direct method)', () => {
  it('matches hand-computed receipts, disbursements and ending cash week by week', () => {
    const weeks = cashForecast13w(INPUTS, calendar, dayOf(2025, 3, 3)); // a Monday
    expect(weeks).toHaveLength(13);
    // [week, receipts, disbursements, ending]
    const expected: [string, number, number, number][] = [
      ['2025-W10', 70_000, 70_000 + 18_900, 981_100], // AR 10k/day; AP 10k/day; fixed 2,700/day
      ['2025-W11', 70_000, 70_000 + 18_900, 962_200],
      ['2025-W12', 70_000, 18_900, 1_013_300], // AP paid off after 14 days
      ['2025-W13', 70_000, 18_900, 1_064_400],
      ['2025-W14', 20_000 + 50_000, 18_900, 1_115_500], // AR days 28–29, new revenue from day 30
      ['2025-W15', 70_000, 18_900, 1_166_600],
    ];
    expected.forEach(([week, receipts, disbursements, ending], k) => {
      const w = weeks[k]!;
      expect(w.week).toBe(week);
      expect(w.days).toBe(7);
      expect(w.receipts).toBeCloseTo(receipts, 6);
      expect(w.disbursements).toBeCloseTo(disbursements, 6);
      expect(w.ending).toBeCloseTo(ending, 6);
      expect(w.beginning).toBeCloseTo(k === 0 ? 1_000_000 : weeks[k - 1]!.ending, 6);
    });
    // σ week 1 = 5 % of 18,900 = 945; week 5 adds 5 days × 1,000 of revenue σ
    expect(weeks[0]!.lo80).toBeCloseTo(981_100 - 1.2815515655 * 945, 4);
    expect(weeks[4]!.hi80).toBeCloseTo(1_115_500 + 1.2815515655 * Math.sqrt(5 * 945 ** 2 + 5_000 ** 2), 4);
    expect(weeks[0]!.start).toBe(DateTime.fromObject({ year: 2025, month: 3, day: 3 }, { zone: 'America/New_York' }).toMillis());
  });

  it('starts mid-week with a partial first week', () => {
    const weeks = cashForecast13w(INPUTS, calendar, dayOf(2025, 3, 5)); // a Wednesday
    expect(weeks[0]).toMatchObject({ week: '2025-W10', days: 5 });
    expect(weeks[0]!.receipts).toBeCloseTo(50_000, 6);
    expect(weeks[0]!.disbursements).toBeCloseTo(50_000 + 5 * 2_700, 6);
    expect(weeks[1]!.days).toBe(7);
    expect(weeks[12]!.week).toBe('2025-W22');
  });

  it('rejects a non-finite input or a non-positive days-to-pay, naming it', () => {
    expect(() => cashForecast13w({ ...INPUTS, payables: NaN }, calendar, dayOf(2025, 3, 3))).toThrow(/input payables is NaN/);
    expect(() => cashForecast13w({ ...INPUTS, daysToPay: 0 }, calendar, dayOf(2025, 3, 3))).toThrow(/daysToPay must be > 0, got 0/);
  });

  it('makes cash_forecast_13w points and forecast-vs-actual points', () => {
    const weeks = cashForecast13w(INPUTS, calendar, dayOf(2025, 3, 3));
    const points = cashForecastPoints(weeks);
    expect(points[0]).toMatchObject({ kpi: 'cash_forecast_13w', tags: { week: '2025-W10' }, value: weeks[0]!.ending, time: weeks[0]!.start });
    expect(Object.keys(points[0]!.fields!).sort()).toEqual(['beginning', 'disbursements', 'hi80', 'lo80', 'receipts']);
    const vs = forecastVsActualPoint(weeks[0]!, 990_911);
    expect(vs.fields).toMatchObject({ actual: 990_911, error: 9_811, within80: false });
    expect(vs.fields!.error_pct as number).toBeCloseTo(1, 6);
    expect(forecastVsActualPoint(weeks[0]!, 981_000).fields!.within80).toBe(true);
  });
});
