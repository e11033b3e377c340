/**
 * Seasonal-lag surprise: how far a value is from the value one season earlier (by timestamp, e.g. the
 * same time yesterday), relative to the usual size of that difference. Catches a daily pattern that
 * breaks while every value stays inside the usual range (a flat day, a shifted cycle).
 *
 * Pure: state is a time-ordered ring of the last `capacity` points and one running mean.
 * O(log capacity) per point. Timestamps must not decrease. `snapshot()` saves the state as JSON,
 * `restore` reads it back.
 */
import { readCount, readNumber, readNumbers, readRecord, SnapshotError } from './novelty-snapshot';

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

/** The JSON state of a SeasonalLagSurprise: the ring as stored (first `count` slots) and the running mean. */
export interface SeasonalLagSnapshot {
  readonly capacity: number;
  readonly head: number;
  readonly count: number;
  readonly times: readonly number[];
  readonly values: readonly number[];
  readonly meanDifference: number;
  readonly matched: number;
}

/**
 * Points a season's ring needs when points arrive at most every `spacingMs`: one season plus its
 * tolerance, and two spare.
 * @example seasonalCapacity({ seasonMs: 86_400_000, tolerance: 0.1 }, 900_000) // 108 (15-minute points)
 */
export function seasonalCapacity(lag: Pick<SeasonalLagOptions, 'seasonMs' | 'tolerance'>, spacingMs: number): number {
  return Math.ceil((lag.seasonMs * (1 + lag.tolerance)) / spacingMs) + 2;
}

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

  /** The state as JSON-serialisable data (at most capacity points). */
  snapshot(): SeasonalLagSnapshot {
    return {
      capacity: this.options.capacity,
      head: this.head,
      count: this.count,
      times: Array.from(this.times.subarray(0, this.count)),
      values: Array.from(this.values.subarray(0, this.count)),
      meanDifference: this.meanDifference,
      matched: this.matched,
    };
  }

  /**
   * A SeasonalLagSurprise in the state `json` describes.
   * @throws SnapshotError when `json` is not a snapshot or was taken with another capacity.
   */
  static restore(json: unknown, options: SeasonalLagOptions = DEFAULT_SEASONAL_LAG): SeasonalLagSurprise {
    const s = readRecord(json, 'season');
    if (s.capacity !== options.capacity) throw new SnapshotError(`season capacity ${String(s.capacity)} is not ${options.capacity}`);
    const season = new SeasonalLagSurprise(options);
    const count = readCount(s.count, 'season.count', options.capacity);
    season.head = readCount(s.head, 'season.head', options.capacity - 1);
    if (count < options.capacity && season.head !== count) throw new SnapshotError('season.head does not follow count');
    season.count = count;
    season.times.set(readNumbers(s.times, 'season.times', count));
    season.values.set(readNumbers(s.values, 'season.values', count));
    season.meanDifference = readNumber(s.meanDifference, 'season.meanDifference');
    season.matched = readCount(s.matched, 'season.matched');
    return season;
  }
}
