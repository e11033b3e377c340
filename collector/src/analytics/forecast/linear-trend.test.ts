import { linearTrend } from './linear-trend';

describe('linearTrend', () => {
  it('fits an exact line and a hand-computed least-squares line', () => {
    expect(linearTrend([1, 3, 5])).toEqual({ intercept: 1, slope: 2 });
    const fit = linearTrend([1, 3, 2]); // t̄ = 1, ȳ = 2, Sxy = 1, Sxx = 2
    expect(fit.slope).toBeCloseTo(0.5, 12);
    expect(fit.intercept).toBeCloseTo(1.5, 12);
  });

  it('is flat for one point and rejects an empty series', () => {
    expect(linearTrend([7])).toEqual({ intercept: 7, slope: 0 });
    expect(() => linearTrend([])).toThrow(RangeError);
  });
});
