/**
 * Seasonal-lag surprise: how far a value is from the value one season earlier (by timestamp, e.g. the
 * same time yesterday), relative to the usual size of that difference. Catches a daily pattern that
 * breaks while every value stays inside the usual range (a flat day, a shifted cycle).
 *
 * Pure: state is a time-ordered ring of the last `capacity` points and one running mean.
 * O(log capacity) per point. Timestamps must not decrease.
 */

/** Options of a SeasonalLagSurprise. */
export interface SeasonalLagOptions {
  /** The season in ms (86 400 000 = a day). */
  readonly seasonMs: number;
  /** Points kept; must cover one season at the stream's sampling rate, or the surprise stays silent. */
  readonly capacity: number;
  /** The earlier point must lie within seasonMs·tolerance of exactly one season ago. */
  readonly tolerance: number;
  /** Smoothing of the running mean absolute seasonal difference. */
  readonly alpha: number;
  /** A difference of k running means gives surprise 1 − e^{−k/scale}. */
  readonly scale: number;
}

export const DEFAULT_SEASONAL_LAG: SeasonalLagOptions = {
  seasonMs: 86_400_000,
  capacity: 2000,
  tolerance: 0.1,
  alpha: 0.01,
  scale: 4,
};

/** The weekly counterpart of DEFAULT_SEASONAL_LAG (room for a week and a half of 5-minute points). */
export const WEEKLY_SEASONAL_LAG: SeasonalLagOptions = {
  ...DEFAULT_SEASONAL_LAG,
  seasonMs: 7 * 86_400_000,
  capacity: 3000,
};

export class SeasonalLagSurprise {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private head = 0;
  private count = 0;
  private meanDifference = 0;
  private matched = 0;

  /** @throws Error when capacity is not a positive integer or seasonMs not positive. */
  constructor(readonly options: SeasonalLagOptions = DEFAULT_SEASONAL_LAG) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new Error(`SeasonalLagSurprise: capacity must be a positive integer, got ${options.capacity}`);
    }
    if (!(options.seasonMs > 0)) throw new Error(`SeasonalLagSurprise: seasonMs must be positive, got ${options.seasonMs}`);
    this.times = new Float64Array(options.capacity);
    this.values = new Float64Array(options.capacity);
  }

  /** True once a point has found its counterpart one season earlier. */
  get started(): boolean {
    return this.matched > 0;
  }

  /**
   * The surprise in [0, 1) of `value` at `time` (0 when no point lies about one season earlier, and
   * at the first match, which only sets the scale). Then remembers the point.
   */
  update(time: number, value: number): number {
    const o = this.options;
    let surprise = 0;
    const earlier = this.valueNear(time - o.seasonMs, o.tolerance * o.seasonMs);
    if (earlier !== undefined) {
      const difference = Math.abs(value - earlier);
      if (this.matched > 0) {
        const z = difference / (this.meanDifference + 1e-12 * (1 + Math.abs(value)));
        surprise = 1 - Math.exp(-z / o.scale);
        this.meanDifference += o.alpha * (difference - this.meanDifference);
      } else {
        this.meanDifference = difference;
      }
      this.matched++;
    }
    const cap = o.capacity;
    this.times[this.head] = time;
    this.values[this.head] = value;
    this.head = (this.head + 1) % cap;
    if (this.count < cap) this.count++;
    return surprise;
  }

  /** The held value whose time is closest to `target`, if within `maxGap`. Binary search: O(log n). */
  private valueNear(target: number, maxGap: number): number | undefined {
    if (this.count === 0) return undefined;
    const cap = this.options.capacity;
    const start = this.count === cap ? this.head : 0;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[(start + mid) % cap]! < target) lo = mid + 1;
      else hi = mid;
    }
    let best: number | undefined;
    let bestGap = Number.POSITIVE_INFINITY;
    for (const k of [lo - 1, lo]) {
      if (k < 0 || k >= this.count) continue;
      const gap = Math.abs(this.times[(start + k) % cap]! - target);
      if (gap < bestGap) {
        bestGap = gap;
        best = k;
      }
    }
    return best !== undefined && bestGap <= maxGap ? this.values[(start + best) % cap] : undefined;
  }
}
