import { naive, naiveForecast } from './naive';

describe('naiveForecast', () => {
  it('repeats the last value with √h-wide intervals from one-step differences', () => {
    const f = naiveForecast([1, 3, 2], 2, 95);
    expect(f.mean).toEqual([2, 2]);
    const sigma = Math.sqrt((4 + 1) / 2);
    expect(f.upper[0]).toBeCloseTo(2 + 1.959964 * sigma, 4);
    expect(f.upper[1]).toBeCloseTo(2 + 1.959964 * sigma * Math.SQRT2, 4);
  });

  it('gives a zero-width interval on a single observation and rejects bad arguments', () => {
    expect(naive.forecast([5], 1)).toMatchObject({ mean: [5], lower: [5], upper: [5] });
    expect(() => naiveForecast([1], 0)).toThrow(/horizon/);
    expect(() => naiveForecast([1], 2, 100)).toThrow(/level/);
    expect(() => naiveForecast([1, Infinity], 2)).toThrow(/series\[1\] is Infinity/);
  });
});
