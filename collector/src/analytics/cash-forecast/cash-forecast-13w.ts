import { DateTime } from 'luxon';
import { pointAt, type Point } from '../../core/point';
import type { CompanyCalendar } from '../../kpi/company-calendar';
import { ErrorCodes, FinmonError } from '../../core/errors';

/**
 * The 13-week cash-flow forecast by the direct method, day by day, summed per company week:
 *
 *   receipts(day j)      = AR / DSO                      for j < DSO   (open receivables: invoices of
 *                                                                        the last DSO days, each paid
 *                                                                        DSO days after issue → collected
 *                                                                        evenly over the next DSO days)
 *                        + revenue(j − DSO)              for j ≥ DSO   (forecast sales, collected after
 *                                                                        the historical days-to-pay)
 *   disbursements(day j) = AP / apDays                   for j < apDays (open payables, paid evenly)
 *                        + headcount × costPerHead × 12 / 365           (payroll)
 *                        + totalDebt × interestRate% / 365 + principalPerWeek / 7   (debt service)
 *                        + budgetedExpensesPerWeek / 7                  (budgeted operating expenses)
 *   ending(week k)       = beginning(week k) + Σ receipts − Σ disbursements; beginning(k+1) = ending(k)
 *
 * Week 1 is the rest of the current company week (from `today`), weeks 2–13 whole weeks. Interval
 * (80 %): revenue forecast errors are taken as perfectly correlated within a week and independent
 * between weeks, expenses with a coefficient of variation `expenseCv` per week, so
 * σ(ending k)² = Σ_{i≤k} (Σ_days σ_revenue)² + (expenseCv · expenses_i)²; lo80/hi80 = ending ∓ 1.2816 σ.
 * Pure: no I/O, `today` and the calendar are given.
 */

export const CASH_FORECAST_MEASUREMENT = 'cash_forecast_13w';
export const CASH_FORECAST_WEEKS = 13;
const Z80 = 1.2815515655;

export interface CashForecastInputs {
  /** Cash now (cash_position). */
  readonly beginningCash: number;
  /** Open receivables and the historical days-to-pay (dso). */
  readonly receivables: number;
  readonly daysToPay: number;
  /** Open payables and the days in which they are paid. */
  readonly payables: number;
  readonly payablesDays: number;
  /** Forecast daily revenue from today on (index 0 = today), with its standard deviation per day. */
  readonly revenueDaily: readonly number[];
  readonly revenueSigmaDaily: readonly number[];
  readonly headcount: number;
  /** Monthly cost of one employee (salary and charges). */
  readonly costPerHeadMonthly: number;
  readonly totalDebt: number;
  /** Annual interest rate in percent. */
  readonly interestRatePct: number;
  readonly principalPerWeek: number;
  readonly budgetedExpensesPerWeek: number;
  /** Coefficient of variation of a week's disbursements (default 0.05). */
  readonly expenseCv?: number;
}

export interface CashWeek {
  /** ISO-style label of the company week, e.g. "2025-W11", the point's `week` tag. */
  readonly week: string;
  /** Epoch ms of the week's first local midnight (the point's time). */
  readonly start: number;
  /** Days of the week the forecast covers (week 1 may be partial). */
  readonly days: number;
  readonly beginning: number;
  readonly receipts: number;
  readonly disbursements: number;
  readonly ending: number;
  readonly lo80: number;
  readonly hi80: number;
}

function check(inputs: CashForecastInputs): void {
  for (const [name, value] of Object.entries(inputs)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new FinmonError(ErrorCodes.ANALYTICS_INPUT_INVALID, `cash forecast: input ${name} is ${value}, expected a finite number`, 400);
    }
  }
  if (!(inputs.daysToPay > 0)) throw new FinmonError(ErrorCodes.ANALYTICS_INPUT_INVALID, `cash forecast: daysToPay must be > 0, got ${inputs.daysToPay}`, 400);
  if (!(inputs.payablesDays > 0)) throw new FinmonError(ErrorCodes.ANALYTICS_INPUT_INVALID, `cash forecast: payablesDays must be > 0, got ${inputs.payablesDays}`, 400);
}

/** The company week label of a day: ISO week-year and week of its week's first day ("2025-W11"). */
export function weekLabel(calendar: CompanyCalendar, weekFirstDay: number): string {
  return DateTime.fromMillis(calendar.dayStart(weekFirstDay), { zone: calendar.zone }).toFormat("kkkk-'W'WW");
}

/** The 13 weeks of the forecast made on day `today` (a CompanyCalendar day ordinal). */
export function cashForecast13w(inputs: CashForecastInputs, calendar: CompanyCalendar, today: number): CashWeek[] {
  check(inputs);
  const dso = inputs.daysToPay;
  const cv = inputs.expenseCv ?? 0.05;
  const firstWeek = calendar.weekOf(today);
  const weeks: CashWeek[] = [];
  let beginning = inputs.beginningCash;
  let variance = 0;
  let j = 0; // days from today
  for (let k = 0; k < CASH_FORECAST_WEEKS; k++) {
    const weekStart = firstWeek + 7 * k;
    const from = Math.max(today, weekStart);
    const days = weekStart + 7 - from;
    let receipts = 0;
    let disbursements = 0;
    let revenueSigma = 0;
    let expenses = 0;
    for (let i = 0; i < days; i++, j++) {
      receipts += overlap(j, dso) * (inputs.receivables / dso);
      if (j >= dso) {
        // revenue of day j − DSO arrives on day j (fractional DSO: split between two days)
        const src = j - dso;
        const lo = Math.floor(src);
        const w = src - lo;
        receipts += (1 - w) * (inputs.revenueDaily[lo] ?? 0) + w * (inputs.revenueDaily[lo + 1] ?? 0);
        revenueSigma += (1 - w) * (inputs.revenueSigmaDaily[lo] ?? 0) + w * (inputs.revenueSigmaDaily[lo + 1] ?? 0);
      }
      disbursements += overlap(j, inputs.payablesDays) * (inputs.payables / inputs.payablesDays);
      const daily =
        (inputs.headcount * inputs.costPerHeadMonthly * 12) / 365 +
        (inputs.totalDebt * inputs.interestRatePct) / 100 / 365 +
        inputs.principalPerWeek / 7 +
        inputs.budgetedExpensesPerWeek / 7;
      disbursements += daily;
      expenses += daily;
    }
    variance += revenueSigma * revenueSigma + (cv * expenses) ** 2;
    const ending = beginning + receipts - disbursements;
    const half = Z80 * Math.sqrt(variance);
    weeks.push({
      week: weekLabel(calendar, weekStart),
      start: calendar.dayStart(weekStart),
      days,
      beginning,
      receipts,
      disbursements,
      ending,
      lo80: ending - half,
      hi80: ending + half,
    });
    beginning = ending;
  }
  return weeks;
}

/** The part of day j (the interval [j, j+1)) that lies before `limit` days: 1, a fraction, or 0. */
function overlap(j: number, limit: number): number {
  return Math.max(0, Math.min(1, limit - j));
}

/** The weeks as `cash_forecast_13w` points: tag week, value = ending cash, fields receipts, disbursements, lo80, hi80, beginning. */
export function cashForecastPoints(weeks: readonly CashWeek[]): Point[] {
  return weeks.map((w) =>
    pointAt(CASH_FORECAST_MEASUREMENT, { week: w.week }, w.ending, w.start, {
      receipts: w.receipts,
      disbursements: w.disbursements,
      lo80: w.lo80,
      hi80: w.hi80,
      beginning: w.beginning,
    }),
  );
}

/**
 * Forecast against actual for a week that has ended: the ending cash forecast for it one week
 * earlier vs the cash actually at its end. A `cash_forecast_13w` point at the week's time and tag
 * that adds fields actual, error (actual − forecast) and error_pct to the forecast stored there.
 */
export function forecastVsActualPoint(forecast: CashWeek, actualEnding: number): Point {
  const error = actualEnding - forecast.ending;
  return pointAt(CASH_FORECAST_MEASUREMENT, { week: forecast.week }, forecast.ending, forecast.start, {
    actual: actualEnding,
    error,
    error_pct: forecast.ending === 0 ? 0 : (100 * error) / Math.abs(forecast.ending),
    lo80: forecast.lo80,
    hi80: forecast.hi80,
    within80: actualEnding >= forecast.lo80 && actualEnding <= forecast.hi80,
  });
}
