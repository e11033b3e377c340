import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then one request per period / capacity', () => {
    const bucket = new TokenBucket(3, 1_000, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(bucket.take(0)).toBe(334);
    expect(bucket.take(200)).toBe(134);
    expect(bucket.take(334)).toBe(0);
    expect(bucket.take(334)).toBe(333);
  });

  it('never holds more than its capacity however long it waits', () => {
    const bucket = new TokenBucket(2, 60_000, 0);
    bucket.take(0);
    expect(bucket.available(10 * 60_000)).toBe(2);
    expect([bucket.take(10 * 60_000), bucket.take(10 * 60_000), bucket.take(10 * 60_000)]).toEqual([0, 0, 30_000]);
  });

  it('ignores a clock that goes back', () => {
    const bucket = new TokenBucket(1, 1_000, 5_000);
    expect(bucket.take(5_000)).toBe(0);
    expect(bucket.take(4_000)).toBe(1_000);
  });

  it('refuses a capacity below 1 and a period that is not positive', () => {
    expect(() => new TokenBucket(0, 1_000, 0)).toThrow(/capacity must be an integer ≥ 1/);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(/period must be > 0/);
  });
});
