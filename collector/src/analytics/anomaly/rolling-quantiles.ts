/**
 * Quantiles of the last `capacity` values of a stream: a ring buffer (arrival order) beside a sorted
 * copy. push is O(capacity) memory moves (binary search + copyWithin), quantile is O(1).
 * Constant work per point for a fixed capacity.
 */
export class RollingQuantiles {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private count = 0;

  /** @throws Error when capacity is not a positive integer. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`RollingQuantiles capacity must be a positive integer, got ${capacity}`);
    }
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  /** Number of values held (≤ capacity). */
  get size(): number {
    return this.count;
  }

  /** Adds a value, dropping the oldest when full. @throws Error on a non-finite value. */
  push(value: number): void {
    if (!Number.isFinite(value)) throw new Error(`RollingQuantiles.push: value must be finite, got ${value}`);
    if (this.count === this.capacity) {
      const oldest = this.ring[this.head]!;
      const at = this.lowerBound(oldest);
      this.sorted.copyWithin(at, at + 1, this.count);
      this.count--;
    }
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    const at = this.lowerBound(value);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.sorted[at] = value;
    this.count++;
  }

  /**
   * The p-quantile (0 ≤ p ≤ 1) by linear interpolation between order statistics (type 7).
   * @throws Error when empty (never NaN).
   * @example q.quantile(0.5) // the rolling median
   */
  quantile(p: number): number {
    if (this.count === 0) throw new Error('RollingQuantiles.quantile: no values yet');
    const h = (this.count - 1) * Math.min(1, Math.max(0, p));
    const lo = Math.floor(h);
    const a = this.sorted[lo]!;
    const b = this.sorted[Math.min(lo + 1, this.count - 1)]!;
    return a + (h - lo) * (b - a);
  }

  /** The held values in arrival order, oldest first (for snapshots). */
  values(): number[] {
    const out: number[] = [];
    const start = this.count === this.capacity ? this.head : 0;
    for (let k = 0; k < this.count; k++) out.push(this.ring[(start + k) % this.capacity]!);
    return out;
  }

  /** Rebuilds a window from values in arrival order (the last `capacity` are kept). */
  static from(capacity: number, values: readonly number[]): RollingQuantiles {
    const q = new RollingQuantiles(capacity);
    for (const v of values) q.push(v);
    return q;
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
