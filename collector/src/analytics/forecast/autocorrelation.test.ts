import { autocorrelation } from './autocorrelation';

describe('autocorrelation', () => {
  it('matches hand-computed values', () => {
    expect(autocorrelation([1, 2, 1, 2], 0)).toBe(1);
    expect(autocorrelation([1, 2, 1, 2], 1)).toBeCloseTo(-0.75, 12);
    expect(autocorrelation([1, 2, 1, 2], 2)).toBeCloseTo(0.5, 12);
  });

  it('is 0 on a constant series and rejects lags outside the series', () => {
    expect(autocorrelation([3, 3, 3], 1)).toBe(0);
    expect(() => autocorrelation([1, 2], 2)).toThrow(RangeError);
  });
});
