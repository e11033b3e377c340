import { mase, owa, scoreSet, smape } from './m4-metrics';

describe('M4 metrics', () => {
  it('smape averages 200|y−ŷ|/(|y|+|ŷ|) over the horizon', () => {
    expect(smape([100], [110])).toBeCloseTo((200 * 10) / 210, 10);
    expect(smape([100, 50], [100, 150])).toBeCloseTo((0 + (200 * 100) / 200) / 2, 10);
    expect(smape([0], [0])).toBe(0);
  });

  it('mase scales by the in-sample mean absolute naive error (m = 1 and m = 2)', () => {
    expect(mase([1, 2, 4], [5], [4])).toBeCloseTo(1 / 1.5, 12);
    expect(mase([1, 2, 4, 4], [5, 5], [4, 7], 2)).toBeCloseTo(1.5 / 2.5, 12);
  });

  it('owa is the mean of the ratios of set-level means to Naive2', () => {
    expect(owa({ smape: 9, mase: 3 }, { smape: 10, mase: 2 })).toBeCloseTo(1.2, 12);
    const set = scoreSet([
      { inSample: [1, 2, 3], actual: [4], forecast: [3] }, // smape 200/7, mase 1
      { inSample: [10, 20], actual: [10], forecast: [10] }, // smape 0, mase 0
    ]);
    expect(set.smape).toBeCloseTo(100 / 7, 10);
    expect(set.mase).toBeCloseTo(0.5, 12);
  });

  it('rejects mismatched lengths, empty sets and a zero scale', () => {
    expect(() => smape([1, 2], [1])).toThrow(/2 actual values but 1/);
    expect(() => mase([5, 5, 5], [1], [1])).toThrow(/scale/);
    expect(() => scoreSet([])).toThrow(RangeError);
    expect(() => owa({ smape: 1, mase: 1 }, { smape: 0, mase: 1 })).toThrow(/Naive2/);
  });
});
