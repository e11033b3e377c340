import fc from 'fast-check';
import { backoffDelayMs, DEFAULT_BACKOFF } from './retry-backoff';

describe('backoffDelayMs', () => {
  it('doubles from the initial delay without jitter', () => {
    const policy = { initialMs: 100, maxMs: 10_000, factor: 2, jitter: 0 };
    expect([0, 1, 2, 3].map((a) => backoffDelayMs(a, policy, () => 0.9))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the maximum', () => {
    expect(backoffDelayMs(50, { ...DEFAULT_BACKOFF, jitter: 0 }, () => 0)).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it('stays between (1 - jitter) and 1 times the step for any random draw (property)', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const step = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.initialMs * 2 ** attempt);
        const delay = backoffDelayMs(attempt, DEFAULT_BACKOFF, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(step * (1 - DEFAULT_BACKOFF.jitter)));
        expect(delay).toBeLessThanOrEqual(step);
      }),
      { seed: 11 },
    );
  });
});
