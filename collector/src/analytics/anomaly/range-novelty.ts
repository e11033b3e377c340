/**
 * Range novelty: how far a value lies beyond every value seen before, as a fraction of the range
 * seen so far (the "spatial anomaly" of Numenta's NAB detector, graded instead of on/off).
 * Pure, O(1) per point, two numbers of state.
 */

/** Options of a RangeNovelty. */
export interface RangeNoveltyOptions {
  /** Points before any value can be novel (the range must first be learned). */
  readonly warmup: number;
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
}
