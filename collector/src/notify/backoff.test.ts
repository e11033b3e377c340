import { retryDelayMs } from './backoff';

describe('retryDelayMs (full jitter)', () => {
  const policy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 10_000 };

  it('doubles the ceiling per failure up to the maximum, scaled by random()', () => {
    const half = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((f) => retryDelayMs(f, policy, half))).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('spans [0, ceiling): random 0 gives 0 and random just below 1 just below the ceiling', () => {
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
    expect(retryDelayMs(3, policy, () => 0.9999)).toBe(3999);
  });

  it('clamps a random() outside [0, 1]', () => {
    expect(retryDelayMs(2, policy, () => 7)).toBe(2000);
    expect(retryDelayMs(2, policy, () => -1)).toBe(0);
  });

  it('waits at least the Retry-After a provider asked for, capped at maxDelayMs', () => {
    expect(retryDelayMs(1, policy, () => 0.1, 3000)).toBe(3000);
    expect(retryDelayMs(4, policy, () => 0.9, 3000)).toBe(7200);
    expect(retryDelayMs(1, policy, () => 0.1, 3_600_000)).toBe(10_000);
    expect(retryDelayMs(1, policy, () => 0.1, Number.NaN)).toBe(100);
  });
});
