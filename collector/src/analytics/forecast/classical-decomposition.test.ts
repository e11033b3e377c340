import { multiplicativeSeasonalIndices } from './classical-decomposition';

describe('multiplicativeSeasonalIndices', () => {
  it('recovers the indices of an even period with the 2×m centred average', () => {
    const s = multiplicativeSeasonalIndices([1, 3, 1, 3, 1, 3], 2);
    expect(s[0]).toBeCloseTo(0.5, 12);
    expect(s[1]).toBeCloseTo(1.5, 12);
  });

  it('recovers the indices of an odd period on a trending series', () => {
    const pattern = [0.9, 1.0, 1.1];
    const series = Array.from({ length: 30 }, (_, t) => 100 * pattern[t % 3]!);
    multiplicativeSeasonalIndices(series, 3).forEach((v, i) => expect(v).toBeCloseTo(pattern[i]!, 10));
  });

  it('rejects period 1, too-short series and non-positive trends', () => {
    expect(() => multiplicativeSeasonalIndices([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => multiplicativeSeasonalIndices([1, 2, 3], 2)).toThrow(/needs ≥ 4/);
    expect(() => multiplicativeSeasonalIndices([-1, -2, -1, -2], 2)).toThrow(/positive/);
  });
});
