import type { MetricsConfig } from '../../config/metrics-config-schema';
import type { Clock } from '../../core/clock';
import { pointAt, type Point } from '../../core/point';
import type { CompanyCalendar } from '../../kpi/company-calendar';
import type { Forecaster } from '../forecast/forecast-result';
import { intervalAt, KPI_FORECASTER, toDistribution } from '../predictive/predictive-distribution';
import { cashForecast13w, cashForecastPoints, forecastVsActualPoint, type CashWeek } from './cash-forecast-13w';

/**
 * The forecast writer: on a schedule, forecasts the configured KPIs over the next weeks
 * (`kpi_forecast` points: tags kpi, model; fields yhat, lo80, hi80, lo95, hi95; time = the target
 * day's local midnight) and computes the 13-week cash forecast by the direct method
 * (`cash_forecast_13w`), with forecast-vs-actual points for each week that has ended.
 * The core (`run(now)`) is pure apart from reading history through the DailyHistory port; `start`
 * adds the timer. The composition root writes the returned points to InfluxDB.
 */

/** One complete day of a KPI: the local midnight that starts it and the day's value. */
export interface DailyValue {
  readonly day: number;
  readonly value: number;
}

/**
 * Daily history of KPIs, the port the forecast service reads (the lead implements it on the KPI
 * engine / rollup_daily): the last `days` complete days, oldest first, of the KPI's total over its
 * series (stock: end-of-day level summed over series; flow: the day's sum; rate: the day's mean),
 * or of the series matching `tags` only.
 */
export interface DailyHistory {
  daily(kpi: string, days: number, tags?: Readonly<Record<string, string>>): Promise<DailyValue[]>;
}

/** The fake: fixed arrays per KPI (and `kpi{tag=value}` keys for tag filters). */
export class InMemoryDailyHistory implements DailyHistory {
  constructor(private readonly data: Record<string, DailyValue[]>) {}
  async daily(kpi: string, days: number, tags?: Readonly<Record<string, string>>): Promise<DailyValue[]> {
    const key = tags === undefined ? kpi : `${kpi}{${Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(',')}}`;
    return (this.data[key] ?? []).slice(-days);
  }
}

export interface CashForecastSettings {
  /** Monthly cost of one employee (salary and charges), reporting currency. */
  readonly costPerHeadMonthly: number;
  /** Days in which open payables are paid (default 30). */
  readonly payablesDays?: number;
  readonly principalPerWeek?: number;
  /** Budgeted operating expenses per week (default: the `expenses` KPI's weekly budget). */
  readonly budgetedExpensesPerWeek: number;
  /** The interest_rate series the debt pays (tag benchmark) plus a spread in percent points. */
  readonly interestBenchmark?: string;
  readonly interestSpreadPct?: number;
  readonly expenseCv?: number;
}

export interface ForecastServiceOptions {
  readonly calendar: CompanyCalendar;
  readonly history: DailyHistory;
  /** KPIs to forecast (see forecastKpisOf). */
  readonly kpis: readonly string[];
  /** Days ahead (default 91 = 13 weeks). */
  readonly horizonDays?: number;
  /** Days of history read (default 365). */
  readonly historyDays?: number;
  readonly forecaster?: Forecaster;
  /** The model tag of kpi_forecast points (default "combo"). */
  readonly model?: string;
  /** Without it, no cash forecast. */
  readonly cash?: CashForecastSettings;
}

export interface ForecastRun {
  readonly points: Point[];
  /** What could not be forecast and why (missing history, a failed model). */
  readonly problems: string[];
}

const MIN_DAYS = 14;

/** The KPIs forecast by default: those with a forecast rule, plus cash_position. */
export function forecastKpisOf(metrics: MetricsConfig): string[] {
  const ids = new Set<string>(['cash_position']);
  for (const kpi of metrics.kpis) if ((kpi.rules ?? []).some((r) => r.type === 'forecast')) ids.add(kpi.id);
  return [...ids];
}

/** The weekly expense budget of the `expenses` KPI, if configured. */
export function weeklyExpenseBudget(metrics: MetricsConfig): number | undefined {
  const expenses = metrics.kpis.find((k) => k.id === 'expenses') as { budget?: { weekly?: number } } | undefined;
  return expenses?.budget?.weekly;
}

/** kpi_forecast points of one forecast: step h (1-based) → the local midnight `h` days after `lastDay`. */
export function kpiForecastPoints(
  kpi: string,
  model: string,
  calendar: CompanyCalendar,
  lastDay: number,
  mean: readonly number[],
  sigma: readonly number[],
): Point[] {
  const d = { mean, sigma, method: model };
  return mean.map((yhat, i) => {
    const i80 = intervalAt(d, i, 80);
    const i95 = intervalAt(d, i, 95);
    return pointAt('kpi_forecast', { kpi, model }, yhat, calendar.dayStart(lastDay + i + 1), { yhat, lo80: i80.lo, hi80: i80.hi, lo95: i95.lo, hi95: i95.hi });
  });
}

export class ForecastService {
  /** The forecast each week got while it was the next week (compared with the actual when it ends). */
  private readonly nextWeekForecasts = new Map<string, CashWeek>();
  private readonly compared = new Set<string>();

  constructor(private readonly options: ForecastServiceOptions) {}

  /** One refresh: every KPI forecast, the cash forecast and forecast-vs-actual points. */
  async run(now: number): Promise<ForecastRun> {
    const o = this.options;
    const horizon = o.horizonDays ?? 91;
    const forecaster = o.forecaster ?? KPI_FORECASTER;
    const model = o.model ?? 'combo';
    const points: Point[] = [];
    const problems: string[] = [];
    for (const kpi of o.kpis) {
      const history = await o.history.daily(kpi, o.historyDays ?? 365);
      const last = history[history.length - 1];
      if (history.length < MIN_DAYS || last === undefined) {
        problems.push(`${kpi}: ${history.length} days of history, ${MIN_DAYS} needed`);
        continue;
      }
      try {
        const d = toDistribution(forecaster.forecast(history.map((v) => v.value), horizon, 95));
        points.push(...kpiForecastPoints(kpi, model, o.calendar, o.calendar.dayOf(last.day), d.mean, d.sigma));
      } catch (error) {
        problems.push(`${kpi}: ${(error as Error).message}`);
      }
    }
    if (o.cash !== undefined) await this.cash(now, o.cash, forecaster, points, problems);
    return { points, problems };
  }

  /**
   * Runs `run` now and then every `everyMs` (default 6 h) until stopped; hands the points to
   * `write`. A failed run is reported to `onError` and the schedule goes on. `setTimer` is
   * injectable for tests (default setTimeout, unref'd).
   */
  start(
    clock: Clock,
    write: (points: Point[]) => Promise<void>,
    options: {
      everyMs?: number;
      onError?: (error: unknown) => void;
      onRun?: (run: ForecastRun) => void;
      setTimer?: (fn: () => void, ms: number) => () => void;
    } = {},
  ): { stop(): void; done(): Promise<void> } {
    const every = options.everyMs ?? 6 * 3_600_000;
    const setTimer =
      options.setTimer ??
      ((fn: () => void, ms: number) => {
        const t = setTimeout(fn, ms);
        t.unref?.();
        return () => clearTimeout(t);
      });
    let stopped = false;
    let cancel: (() => void) | undefined;
    let current: Promise<void> = Promise.resolve();
    const tick = () => {
      current = (async () => {
        try {
          const run = await this.run(clock.now());
          options.onRun?.(run);
          if (run.points.length > 0) await write(run.points);
        } catch (error) {
          options.onError?.(error);
        }
        if (!stopped) cancel = setTimer(tick, every);
      })();
    };
    tick();
    return {
      stop: () => {
        stopped = true;
        cancel?.();
      },
      done: () => current,
    };
  }

  private async cash(now: number, s: CashForecastSettings, forecaster: Forecaster, points: Point[], problems: string[]): Promise<void> {
    const h = this.options.history;
    const latest = async (kpi: string, tags?: Readonly<Record<string, string>>) => {
      const v = await h.daily(kpi, 1, tags);
      return v[v.length - 1]?.value;
    };
    const [cash, ar, dso, ap, headcount, debt, rate] = await Promise.all([
      latest('cash_position'),
      latest('accounts_receivable'),
      latest('dso'),
      latest('accounts_payable'),
      latest('headcount'),
      latest('total_debt'),
      latest('interest_rate', { benchmark: s.interestBenchmark ?? 'sofr' }),
    ]);
    const missing = Object.entries({ cash_position: cash, accounts_receivable: ar, dso, accounts_payable: ap, headcount, total_debt: debt, interest_rate: rate })
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    const revenue = await h.daily('revenue', this.options.historyDays ?? 365);
    if (revenue.length < MIN_DAYS) missing.push(`revenue (${revenue.length} days, ${MIN_DAYS} needed)`);
    if (missing.length > 0) {
      problems.push(`cash_forecast_13w: no data for ${missing.join(', ')}`);
      return;
    }
    const today = this.options.calendar.dayOf(now);
    const lastRevenueDay = this.options.calendar.dayOf(revenue[revenue.length - 1]!.day);
    // revenue is forecast from the day after its last complete day; index 0 of the inputs is today
    const skip = Math.max(0, today - lastRevenueDay - 1);
    const steps = skip + 7 * 14 + Math.ceil(dso!);
    let rev: ReturnType<typeof toDistribution>;
    try {
      rev = toDistribution(forecaster.forecast(revenue.map((v) => v.value), steps, 95));
    } catch (error) {
      problems.push(`cash_forecast_13w: revenue forecast failed: ${(error as Error).message}`);
      return;
    }
    const weeks = cashForecast13w(
      {
        beginningCash: cash!,
        receivables: ar!,
        daysToPay: Math.max(1, dso!),
        payables: ap!,
        payablesDays: s.payablesDays ?? 30,
        revenueDaily: rev.mean.slice(skip).map((v) => Math.max(0, v)),
        revenueSigmaDaily: rev.sigma.slice(skip),
        headcount: headcount!,
        costPerHeadMonthly: s.costPerHeadMonthly,
        totalDebt: debt!,
        interestRatePct: rate! + (s.interestSpreadPct ?? 0),
        principalPerWeek: s.principalPerWeek ?? 0,
        budgetedExpensesPerWeek: s.budgetedExpensesPerWeek,
        ...(s.expenseCv === undefined ? {} : { expenseCv: s.expenseCv }),
      },
      this.options.calendar,
      today,
    );
    points.push(...cashForecastPoints(weeks));
    await this.compareWithActual(now, weeks, points);
  }

  /** Remembers next week's forecast; for each remembered week that has ended, a forecast-vs-actual point. */
  private async compareWithActual(now: number, weeks: readonly CashWeek[], points: Point[]): Promise<void> {
    const next = weeks[1];
    if (next !== undefined && !this.nextWeekForecasts.has(next.week)) this.nextWeekForecasts.set(next.week, next);
    const cal = this.options.calendar;
    for (const [label, forecast] of this.nextWeekForecasts) {
      const end = cal.dayStart(cal.dayOf(forecast.start) + 7);
      if (end > now || this.compared.has(label)) continue;
      const history = await this.options.history.daily('cash_position', 14);
      const atEnd = history.filter((v) => v.day < end).pop();
      if (atEnd === undefined) continue;
      points.push(forecastVsActualPoint(forecast, atEnd.value));
      this.compared.add(label);
      this.nextWeekForecasts.delete(label);
    }
  }
}
