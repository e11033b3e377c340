import { createTheta } from './theta';

describe('createTheta', () => {
  const linear = Array.from({ length: 10 }, (_, t) => 2 + 3 * t);

  it('on a linear series with alpha 1 extrapolates the last value with half the slope', () => {
    const f = createTheta({ alpha: 1 }).forecast(linear, 3);
    expect(f.mean[0]).toBeCloseTo(29 + 1.5, 10);
    expect(f.mean[1]).toBeCloseTo(29 + 3, 10);
    expect(f.mean[2]).toBeCloseTo(29 + 4.5, 10);
  });

  it('averages SES of theta line 2 and the extrapolated line (hand-computed, alpha 0.5)', () => {
    // y = [1, 3, 2]: line = 1.5 + 0.5t → [1.5, 2, 2.5]; theta line 2 = [0.5, 4, 1.5]
    // SES α = .5: l = 0.5 → 2.25 → 1.875; forecast h1 = (1.875 + 3)/2 = 2.4375, h2 = (1.875 + 3.5)/2
    const f = createTheta({ alpha: 0.5 }).forecast([1, 3, 2], 2);
    expect(f.mean[0]).toBeCloseTo(2.4375, 12);
    expect(f.mean[1]).toBeCloseTo(2.6875, 12);
  });

  it('with alpha estimated stays close to the half-slope drift on a linear series', () => {
    const f = createTheta().forecast(linear, 2);
    expect(f.mean[0]).toBeCloseTo(30.5, 2);
    expect(f.lower[1]).toBeLessThanOrEqual(f.mean[1]!);
  });
});
