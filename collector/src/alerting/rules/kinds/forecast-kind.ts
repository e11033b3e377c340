import type { RuleOfType } from '../../../config/rule-schema';
import { durationMs } from '../../../config/scalar-schemas';
import type { Forecaster } from '../../../analytics/forecast/forecast-result';
import {
  crossingProbability,
  KPI_FORECASTER,
  toDistribution,
  type CrossingEstimate,
  type PredictiveDistribution,
} from '../../../analytics/predictive/predictive-distribution';
import { formatNumber, formatValue, seriesName } from '../../alert-text';
import { OwnSeriesEvaluator } from '../own-series-evaluator';
import type { EffectiveRuleOf, RuleBinding, RuleEnvironment, RuleKind, SignalSink } from '../rule-kind';
import { finiteOr, isRecord, SeriesTable, type SeriesEntry } from '../series-table';

/**
 * forecast (predictive alerts): the KPI's forecast crosses `above`/`below` within `horizon` with a
 * probability of at least `probability`.
 *
 * Each series is kept as a short history of steps, step = the larger of one company day and the
 * KPI's cadence (a stock's or rate's last value of the step, a flow's sum). When a step completes
 * (the first point of the next step arrives) the series is forecast over ceil(horizon / step) steps
 * with the KPI forecaster (median of SES, damped Holt and Theta with 95 % intervals): at most one
 * forecast per series and step, whatever the point rate. The crossing probability is
 * max_h P(Y_h beyond threshold) under each step's Gaussian predictive distribution (see
 * analytics/predictive/predictive-distribution.ts: a conservative estimate of the first-passage
 * probability). The condition holds while that probability ≥ `probability`; the alert says when the
 * crossing becomes that likely: "Cash position will fall below 4,000,000 USD in about 6 weeks
 * (probability 80%)". The engine classes these alerts `predictive`. Once active, the alert clears
 * only when the probability falls below `clearBelow(probability)` (hysteresis).
 *
 * Learning: no forecast before `FORECAST_MIN_STEPS` completed steps. Flow thresholds compare with
 * each step's amount (a day's revenue), stocks and rates with the level.
 */

type Rule = EffectiveRuleOf<'forecast'>;

/** Completed steps a series needs before it is forecast. */
export const FORECAST_MIN_STEPS = 14;
const MAX_HISTORY = 730;
const DAY_MS = 86_400_000;

interface ForecastState {
  /** Completed steps' values, oldest first (at most the history length). */
  h: number[];
  /** The step in progress (undefined before any point) and its value so far. */
  step: number | undefined;
  cur: number;
  /** Time of the newest point. */
  t: number;
  active: boolean | undefined;
}

const codec = {
  initial: (): ForecastState => ({ h: [], step: undefined, cur: 0, t: -Infinity, active: undefined }),
  encode: (s: ForecastState) => ({ h: s.h, s: s.step ?? null, c: s.cur, t: Number.isFinite(s.t) ? s.t : null, a: s.active ?? null }),
  decode: (json: unknown): ForecastState | undefined => {
    if (!isRecord(json) || !Array.isArray(json.h) || !json.h.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
    return {
      h: json.h as number[],
      step: finiteOr(json.s, undefined),
      cur: finiteOr(json.c, 0),
      t: finiteOr(json.t, -Infinity),
      active: typeof json.a === 'boolean' ? json.a : undefined,
    };
  },
};

/** "in about 3 days", "in about 6 weeks", "in about 4 months", "today". */
export function aboutWhen(ms: number): string {
  const days = Math.round(ms / DAY_MS);
  if (days <= 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days < 14) return `in about ${days} days`;
  const weeks = Math.round(days / 7);
  if (weeks <= 13) return `in about ${weeks} weeks`;
  return `in about ${Math.round(days / 30.44)} months`;
}

export interface ForecastKindOptions {
  /** The forecaster (default KPI_FORECASTER). */
  readonly forecaster?: Forecaster;
}

class ForecastEvaluator extends OwnSeriesEvaluator<ForecastState, Rule> {
  private readonly stepDays: number;
  private readonly flow: boolean;
  private readonly historyLength: number;
  /** Forecasts made (for tests and stats). */
  forecasts = 0;

  constructor(
    private readonly binding: RuleBinding<RuleOfType<'forecast'>>,
    private readonly env: RuleEnvironment,
    private readonly forecaster: Forecaster,
  ) {
    super(new SeriesTable<ForecastState, Rule>(binding.rule, codec));
    this.stepDays = Math.max(1, Math.round(durationMs(binding.kpi.cadence) / DAY_MS));
    this.flow = binding.kpi.kind === 'flow';
    this.historyLength = Math.min(MAX_HISTORY, Math.max(56, 3 * this.horizonSteps(durationMs(binding.rule.horizon))));
  }

  private horizonSteps(horizonMs: number): number {
    return Math.max(1, Math.ceil(horizonMs / (this.stepDays * DAY_MS)));
  }

  onValue(entry: SeriesEntry<ForecastState, Rule>, time: number, value: number, _now: number, emit: SignalSink): void {
    const s = entry.state;
    if (time < s.t) return;
    s.t = time;
    const step = Math.floor(this.env.calendar.dayOf(time) / this.stepDays);
    this.series.touch(entry);
    if (s.step === undefined || step === s.step) {
      s.cur = s.step === undefined || !this.flow ? value : s.cur + value;
      s.step = step;
      return;
    }
    if (step < s.step) return;
    // the step in progress is complete: record it and forecast from the completed steps
    s.h.push(s.cur);
    if (s.h.length > this.historyLength) s.h.splice(0, s.h.length - this.historyLength);
    s.step = step;
    s.cur = value;
    if (s.h.length < FORECAST_MIN_STEPS) return;
    this.evaluate(entry, emit);
  }

  private evaluate(entry: SeriesEntry<ForecastState, Rule>, emit: SignalSink): void {
    const s = entry.state;
    const rule = entry.rule;
    const side = rule.above !== undefined ? 'above' : 'below';
    const threshold = (rule.above ?? rule.below) as number;
    const steps = this.horizonSteps(durationMs(rule.horizon));
    let d: PredictiveDistribution;
    try {
      d = toDistribution(this.forecaster.forecast(s.h, steps, 95));
      this.forecasts++;
    } catch {
      return; // a degenerate history: keep the previous verdict until a forecast succeeds
    }
    const c = crossingProbability(d, threshold, side, rule.probability);
    const was = s.active;
    const active = c.probability >= (was === true ? clearBelow(rule.probability) : rule.probability);
    s.active = active;
    if (active || was === true || (was === undefined && emit.hasAlerts())) {
      const at = c.firstStep ?? c.likeliestStep;
      const expected = d.mean[at] ?? NaN;
      emit(entry as SeriesEntry, {
        active,
        severity: rule.severity,
        summary: this.summary(entry, side, threshold, c, active, s.h[s.h.length - 1] ?? NaN),
        value: expected,
        threshold,
        details: {
          probability: round(c.probability, 4),
          minProbability: rule.probability,
          comparison: side,
          threshold,
          horizon: rule.horizon,
          stepsAhead: at + 1,
          crossingInMs: (at + 1) * this.stepDays * DAY_MS,
          expected,
          method: d.method,
          basis: 'max step probability under the Gaussian predictive distribution',
        },
      });
    }
  }

  private summary(entry: SeriesEntry<ForecastState, Rule>, side: 'above' | 'below', threshold: number, c: CrossingEstimate, active: boolean, last: number): string {
    const kpi = this.binding.kpi;
    const name = seriesName(kpi, entry.tags);
    const limit = formatValue(threshold, kpi, entry.tags);
    const pct = `${formatNumber(100 * c.probability, 0)}%`;
    if (!active) {
      return `${name} (${formatValue(last, kpi, entry.tags)}) is no longer forecast to ${side === 'below' ? 'fall below' : 'rise above'} ${limit} within ${entry.rule.horizon} (probability ${pct})`;
    }
    const at = c.firstStep ?? c.likeliestStep;
    const when = aboutWhen((at + 1) * this.stepDays * DAY_MS);
    return `${name} will ${side === 'below' ? 'fall below' : 'rise above'} ${limit} ${when} (probability ${pct})`;
  }
}

/**
 * Hysteresis: an active forecast alert clears only when the probability falls below
 * max(probability − 0.2, probability / 2), so a forecast hovering at the line does not flap.
 */
export function clearBelow(probability: number): number {
  return Math.max(probability - 0.2, probability / 2);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function createForecastRuleKind(options: ForecastKindOptions = {}): RuleKind<'forecast'> {
  const forecaster = options.forecaster ?? KPI_FORECASTER;
  return { type: 'forecast', create: (binding, env) => new ForecastEvaluator(binding, env, forecaster) };
}

/** The forecast kind with the default KPI forecaster. */
export const forecastRuleKind: RuleKind<'forecast'> = createForecastRuleKind();
