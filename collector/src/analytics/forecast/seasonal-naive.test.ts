import { createSeasonalNaive } from './seasonal-naive';

describe('createSeasonalNaive', () => {
  it('repeats the last season and widens by √k per season ahead', () => {
    const f = createSeasonalNaive(2).forecast([1, 2, 3, 4], 3, 95);
    expect(f.mean).toEqual([3, 4, 3]);
    // lag-2 differences are all 2 → σ = 2
    expect(f.upper[0]).toBeCloseTo(3 + 1.959964 * 2, 4);
    expect(f.upper[2]).toBeCloseTo(3 + 1.959964 * 2 * Math.SQRT2, 4);
  });

  it('with period 1 is the naive forecast, and needs one full season', () => {
    expect(createSeasonalNaive(1).forecast([4, 5], 2).mean).toEqual([5, 5]);
    expect(() => createSeasonalNaive(4).forecast([1, 2], 1)).toThrow(/at least 4/);
    expect(() => createSeasonalNaive(0)).toThrow(RangeError);
  });
});
