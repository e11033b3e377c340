/**
 * Range novelty: how far a value lies beyond every value seen before, as a fraction of the range
 * seen so far (the "spatial anomaly" of Numenta's NAB detector, graded instead of on/off).
 * Pure, O(1) per point, three numbers of state (saved by `snapshot()`, read back by `restore`).
 */
import { bound, readBound, readCount, readRecord } from './novelty-snapshot';

/** Options of a RangeNovelty. */
export interface RangeNoveltyOptions {
  /** Points before any value can be novel (the range must first be learned). */
  readonly warmup: number;
}

/** The JSON state of a RangeNovelty (null bounds: none seen yet). */
export interface RangeNoveltySnapshot {
  readonly min: number | null;
  readonly max: number | null;
  readonly seen: number;
}

export class RangeNovelty {
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private seen = 0;

  constructor(readonly options: RangeNoveltyOptions = { warmup: 50 }) {}

  /** The lowest and highest value seen so far (±Infinity before any). */
  get bounds(): { readonly min: number; readonly max: number } {
    return { min: this.min, max: this.max };
  }

  /**
   * The exceedance of `value` beyond [min, max] of the previous values divided by max − min: 0 inside
   * the range, during warm-up and while the range is empty. Then widens the range.
   * @example after 1, 3 (warmup 2): update(4) // 0.5
   */
  update(value: number): number {
    let exceedance = 0;
    if (this.seen >= this.options.warmup && this.max > this.min) {
      const beyond = Math.max(value - this.max, this.min - value);
      if (beyond > 0) exceedance = beyond / (this.max - this.min);
    }
    if (value > this.max) this.max = value;
    if (value < this.min) this.min = value;
    this.seen++;
    return exceedance;
  }

  /** The state as JSON-serialisable data. */
  snapshot(): RangeNoveltySnapshot {
    return { min: bound(this.min), max: bound(this.max), seen: this.seen };
  }

  /** A RangeNovelty in the state `json` describes. @throws SnapshotError when `json` is not a snapshot. */
  static restore(json: unknown, options?: RangeNoveltyOptions): RangeNovelty {
    const s = readRecord(json, 'range');
    const range = new RangeNovelty(options);
    range.min = readBound(s.min, 'range.min', Number.POSITIVE_INFINITY);
    range.max = readBound(s.max, 'range.max', Number.NEGATIVE_INFINITY);
    range.seen = readCount(s.seen, 'range.seen');
    return range;
  }
}
