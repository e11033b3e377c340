import { gaussianInterval, residualSigma, stateSpaceMultipliers } from './prediction-interval';

describe('prediction intervals', () => {
  it('residualSigma is the RMS of finite residuals, 0 when there are none', () => {
    expect(residualSigma([1, -1, 1, -1])).toBe(1);
    expect(residualSigma([3, NaN, -4])).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(residualSigma([])).toBe(0);
  });

  it('stateSpaceMultipliers accumulate squared coefficients', () => {
    expect(stateSpaceMultipliers(3, () => 1)).toEqual([1, Math.SQRT2, Math.sqrt(3)]);
    expect(stateSpaceMultipliers(2, () => 0.5)).toEqual([1, Math.sqrt(1.25)]);
  });

  it('gaussianInterval is symmetric with z from the level', () => {
    const { lower, upper } = gaussianInterval([10, 10], 2, 95, [1, 2]);
    expect(upper[0]).toBeCloseTo(10 + 1.959964 * 2, 5);
    expect(lower[1]).toBeCloseTo(10 - 1.959964 * 4, 5);
  });
});
