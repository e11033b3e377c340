import { RollingQuantiles } from './rolling-quantiles';

/** A candidate business cycle: its length and how many phase buckets it is cut into. */
export interface SeasonSpec {
  readonly periodMs: number;
  readonly buckets: number;
}

export const DAY_MS = 86_400_000;
/** Daily (hourly buckets) and weekly (daily buckets) cycles: intraday and business-week patterns. */
export const DEFAULT_SEASONS: readonly SeasonSpec[] = [
  { periodMs: DAY_MS, buckets: 24 },
  { periodMs: 7 * DAY_MS, buckets: 7 },
];

export interface RobustBaselineOptions {
  /** Recent values kept for the rolling median/MAD (points). */
  readonly window: number;
  readonly seasons: readonly SeasonSpec[];
  /** Learning rate of each bucket's seasonal offset per visit. */
  readonly offsetRate: number;
  /** Learning rate of each model's mean absolute error (used to pick the season and its band). */
  readonly errorRate: number;
  /** A season is used only when its error is below this fraction of the flat model's. */
  readonly seasonalGain: number;
  /** Residuals are clipped at this many scales before they teach the model (outlier robustness). */
  readonly clip: number;
}

export const DEFAULT_BASELINE_OPTIONS: RobustBaselineOptions = {
  window: 256,
  seasons: DEFAULT_SEASONS,
  offsetRate: 0.1,
  errorRate: 0.02,
  seasonalGain: 0.8,
  clip: 4,
};

/** What the baseline expects for a point, before it learns from it. */
export interface BaselineAssessment {
  readonly expected: number;
  readonly scale: number;
  /** Signed residual in scales: (value − expected)/scale. */
  readonly z: number;
  /** 0 = flat (rolling median), k = the k-th season. */
  readonly model: number;
}

/** Plain-JSON state of a RobustSeasonalBaseline. */
export interface RobustBaselineState {
  values: number[];
  deviations: number[];
  offsets: number[][];
  visits: number[][];
  errors: number[];
  firstTime: number | null;
}

/**
 * A robust seasonal baseline: level = rolling median of the last `window` values, spread = rolling
 * MAD (median of |x − median at arrival|, ×1.4826); per candidate season an exponentially weighted
 * offset per phase bucket learned from clipped residuals. The season whose mean absolute error is
 * clearly lower than the flat model's is used ("detect or fall back"). Constant work per point.
 * Sources: Hampel filter / MAD (Hampel 1974; Rousseeuw & Croux 1993).
 */
export class RobustSeasonalBaseline {
  private values: RollingQuantiles;
  private deviations: RollingQuantiles;
  private readonly offsets: Float64Array[];
  private readonly visits: Uint32Array[];
  private readonly errors: Float64Array;
  private firstTime: number | null = null;

  constructor(readonly options: RobustBaselineOptions = DEFAULT_BASELINE_OPTIONS, state?: RobustBaselineState) {
    this.values = RollingQuantiles.from(options.window, state?.values ?? []);
    this.deviations = RollingQuantiles.from(options.window, state?.deviations ?? []);
    this.offsets = options.seasons.map((s, k) => Float64Array.from(state?.offsets[k] ?? new Array<number>(s.buckets).fill(0)));
    this.visits = options.seasons.map((s, k) => Uint32Array.from(state?.visits[k] ?? new Array<number>(s.buckets).fill(0)));
    this.errors = Float64Array.from(state?.errors ?? new Array<number>(options.seasons.length + 1).fill(-1));
    this.firstTime = state?.firstTime ?? null;
  }

  /** Points held in the rolling window. */
  get history(): number {
    return this.values.size;
  }

  /** Expected value, scale and residual for (time, value) — call before `learn`. Needs ≥ 1 point. */
  assess(time: number, value: number): BaselineAssessment {
    const level = this.values.quantile(0.5);
    const mad = 1.4826 * this.deviations.quantile(0.5);
    const spread = (this.values.quantile(0.9) - this.values.quantile(0.1)) / 2.563;
    const floor = Math.max(0.2 * spread, 1e-6 * (Math.abs(level) + 1));
    let model = 0;
    let expected = level;
    let scale = Math.max(mad, floor);
    const flatError = this.errors[0]!;
    let bestError = flatError * this.options.seasonalGain;
    this.options.seasons.forEach((season, k) => {
      const error = this.errors[k + 1]!;
      if (error < 0 || flatError < 0 || error >= bestError || this.firstTime === null) return;
      if (time - this.firstTime < 2 * season.periodMs) return;
      bestError = error;
      model = k + 1;
      expected = level + this.offsets[k]![bucketOf(time, season)]!;
      scale = Math.max(1.2533 * error, floor);
    });
    return { expected, scale, z: (value - expected) / scale, model };
  }

  /** Learns from a point, clipping its residual so an outlier cannot poison the baseline. */
  learn(time: number, value: number): void {
    if (this.firstTime === null) this.firstTime = time;
    if (this.values.size === 0) {
      this.values.push(value);
      this.deviations.push(0);
      return;
    }
    const level = this.values.quantile(0.5);
    const madScale = Math.max(1.4826 * this.deviations.quantile(0.5), 1e-9 * (Math.abs(level) + 1));
    const clipAt = this.options.clip;
    this.updateError(0, value - level, madScale);
    this.options.seasons.forEach((season, k) => {
      const b = bucketOf(time, season);
      const offsets = this.offsets[k]!;
      const visits = this.visits[k]!;
      const residual = value - level - offsets[b]!;
      const seasonScale = this.errors[k + 1]! > 0 ? 1.2533 * this.errors[k + 1]! : madScale;
      this.updateError(k + 1, visits[b]! > 0 ? residual : value - level, seasonScale);
      const limit = clipAt * Math.max(seasonScale, madScale);
      const clipped = Math.max(-limit, Math.min(limit, residual));
      offsets[b] = visits[b]! === 0 ? value - level : offsets[b]! + this.options.offsetRate * clipped;
      visits[b] = visits[b]! + 1;
    });
    this.values.push(value);
    this.deviations.push(Math.abs(value - level));
  }

  /** Forgets the level after a confirmed level shift: keeps only the most recent `keep` values. */
  relevel(keep: number): void {
    const recent = this.values.values().slice(-keep);
    this.values = RollingQuantiles.from(this.options.window, recent);
    const level = this.values.quantile(0.5);
    const oldDeviations = this.deviations.values();
    this.deviations = RollingQuantiles.from(this.options.window, [...oldDeviations.slice(-this.options.window + recent.length), ...recent.map((v) => Math.abs(v - level))]);
  }

  /** Plain-JSON state. */
  snapshot(): RobustBaselineState {
    return {
      values: this.values.values(),
      deviations: this.deviations.values(),
      offsets: this.offsets.map((o) => Array.from(o)),
      visits: this.visits.map((v) => Array.from(v)),
      errors: Array.from(this.errors),
      firstTime: this.firstTime,
    };
  }

  private updateError(k: number, residual: number, scale: number): void {
    const limit = this.options.clip * scale;
    const e = Math.min(Math.abs(residual), limit);
    const prev = this.errors[k]!;
    this.errors[k] = prev < 0 ? e : prev + this.options.errorRate * (e - prev);
  }
}

function bucketOf(time: number, season: SeasonSpec): number {
  const phase = ((time % season.periodMs) + season.periodMs) % season.periodMs;
  return Math.min(season.buckets - 1, Math.floor((phase / season.periodMs) * season.buckets));
}
