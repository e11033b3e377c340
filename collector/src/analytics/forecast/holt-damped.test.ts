import { createHoltDamped, fitHoltDamped } from './holt-damped';

describe('fitHoltDamped', () => {
  it('filters with fixed parameters as computed by hand', () => {
    // l0 = 10, b0 = (15 − 10)/3; three error-correction steps worked out on paper
    const fit = fitHoltDamped([10, 12, 13, 15], { alpha: 0.5, beta: 0.2, phi: 0.9 });
    expect(fit.residuals[0]).toBeCloseTo(0.5, 10);
    expect(fit.residuals[1]).toBeCloseTo(-0.19, 10);
    expect(fit.residuals[2]).toBeCloseTo(0.6432, 10);
    expect(fit.level).toBeCloseTo(14.6784, 10);
    expect(fit.trend).toBeCloseTo(1.39044, 10);
  });

  it('estimates parameters inside their bounds and follows a linear trend closely', () => {
    const series = Array.from({ length: 60 }, (_, t) => 50 + 2 * t + (t % 2 === 0 ? 0.5 : -0.5));
    const fit = fitHoltDamped(series);
    expect(fit.alpha).toBeGreaterThan(0);
    expect(fit.alpha).toBeLessThan(1);
    expect(fit.beta).toBeLessThanOrEqual(fit.alpha);
    expect(fit.phi).toBeGreaterThanOrEqual(0.8);
    expect(fit.phi).toBeLessThanOrEqual(0.98);
    expect(fit.trend).toBeGreaterThan(1.5);
  });
});

describe('createHoltDamped', () => {
  it('forecasts ℓ + (φ + … + φ^h)·b with damped-trend variance multipliers', () => {
    const f = createHoltDamped({ alpha: 0.5, beta: 0.2, phi: 0.9 }).forecast([10, 12, 13, 15], 2, 80);
    expect(f.mean[0]).toBeCloseTo(15.929796, 6);
    expect(f.mean[1]).toBeCloseTo(17.0560524, 6);
    const sigma = Math.sqrt((0.25 + 0.0361 + 0.6432 ** 2) / 3);
    const z80 = 1.2815516;
    expect(f.upper[0]! - f.mean[0]!).toBeCloseTo(z80 * sigma, 5);
    expect(f.upper[1]! - f.mean[1]!).toBeCloseTo(z80 * sigma * Math.sqrt(1 + (0.5 + 0.2 * 0.9) ** 2), 5);
  });

  it('rejects parameters outside their ranges', () => {
    expect(() => createHoltDamped({ phi: 1.2 })).toThrow(/phi/);
    expect(() => createHoltDamped({ alpha: 0.3, beta: 0.5 })).toThrow(/beta/);
  });
});
