/**
 * A token bucket (per provider rate limit): holds at most `capacity` tokens and gains
 * `capacity / periodMs` tokens per millisecond; each request takes one. Pure: time is passed in.
 * Allows bursts of `capacity` requests, then `capacity` per period on average.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly periodMs: number,
    now: number,
  ) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`token bucket: capacity must be an integer ≥ 1, got ${capacity}`);
    if (!(periodMs > 0)) throw new RangeError(`token bucket: period must be > 0 ms, got ${periodMs}`);
    this.tokens = capacity;
    this.last = now;
  }

  /**
   * Takes a token and returns 0 when one is available at `now`; otherwise takes nothing and returns
   * how many milliseconds until one will be. O(1).
   */
  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * this.periodMs) / this.capacity);
  }

  /** Tokens available at `now` (fractional). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.capacity) / this.periodMs);
      this.last = now;
    }
  }
}
