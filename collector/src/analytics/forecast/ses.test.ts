import { createSes, fitSes } from './ses';

describe('fitSes', () => {
  it('filters with a fixed alpha as computed by hand', () => {
    // l0 = 10; y1 = 12: e = 2, l = 11; y2 = 13: e = 2, l = 12
    const fit = fitSes([10, 12, 13], 0.5);
    expect(fit.level).toBeCloseTo(12, 12);
    expect(fit.residuals).toEqual([2, 2]);
    expect(fit.fitted).toEqual([10, 10, 11]);
    expect(fit.sse).toBeCloseTo(8, 12);
  });

  it('estimates alpha near 1 for a random walk-like step series and small for noise around a level', () => {
    expect(fitSes([1, 2, 3, 4, 5, 6, 7, 8]).alpha).toBeGreaterThan(0.99);
    const noisy = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9];
    expect(fitSes(noisy).alpha).toBeLessThan(0.2);
  });
});

describe('createSes', () => {
  it('forecasts flat at the final level with ETS(A,N,N) widening intervals', () => {
    const f = createSes({ alpha: 0.5 }).forecast([10, 12, 13], 2, 95);
    expect(f.mean).toEqual([12, 12]);
    // σ = √((4 + 4) / 2) = 2; h = 2 multiplier √(1 + 0.25)
    expect(f.upper[0]).toBeCloseTo(12 + 1.959964 * 2, 4);
    expect(f.upper[1]).toBeCloseTo(12 + 1.959964 * 2 * Math.sqrt(1.25), 4);
    expect(f.lower[1]).toBeCloseTo(12 - 1.959964 * 2 * Math.sqrt(1.25), 4);
  });

  it('rejects an alpha outside (0, 1] and bad input', () => {
    expect(() => createSes({ alpha: 0 })).toThrow(/alpha/);
    expect(() => createSes().forecast([], 3)).toThrow(/ses: series is empty/);
    expect(() => createSes().forecast([1, NaN], 3)).toThrow(/series\[1\] is NaN/);
  });
});
