import fc from 'fast-check';
import { quantile } from 'simple-statistics';
import { RollingQuantiles } from './rolling-quantiles';

describe('RollingQuantiles', () => {
  it('gives the median of the last capacity values', () => {
    const q = new RollingQuantiles(3);
    [5, 1, 9, 7, 3].forEach((v) => q.push(v));
    expect(q.values()).toEqual([9, 7, 3]);
    expect(q.quantile(0.5)).toBe(7);
    expect(q.quantile(0)).toBe(3);
    expect(q.quantile(1)).toBe(9);
  });

  it('agrees with simple-statistics on any stream (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (xs, cap) => {
        const q = new RollingQuantiles(cap);
        xs.forEach((v) => q.push(v));
        const tail = xs.slice(-cap);
        for (const p of [0, 0.25, 0.5, 0.9, 1]) {
          const sorted = [...tail].sort((a, b) => a - b);
          const h = (sorted.length - 1) * p;
          const lo = Math.floor(h);
          const expected = sorted[lo]! + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
          expect(q.quantile(p)).toBeCloseTo(expected, 6);
        }
        expect(q.quantile(0.5)).toBeCloseTo(quantile(tail, 0.5), 6);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('rebuilds the same window from its values', () => {
    const q = new RollingQuantiles(4);
    [1, 2, 3, 4, 5, 6].forEach((v) => q.push(v));
    const r = RollingQuantiles.from(4, q.values());
    r.push(10);
    q.push(10);
    expect(r.values()).toEqual(q.values());
    expect(r.quantile(0.5)).toBe(q.quantile(0.5));
  });

  it('throws instead of returning NaN when empty or fed NaN', () => {
    const q = new RollingQuantiles(2);
    expect(() => q.quantile(0.5)).toThrow(/no values/);
    expect(() => q.push(Number.NaN)).toThrow(/finite/);
    expect(() => new RollingQuantiles(0)).toThrow(/positive integer/);
  });
});
