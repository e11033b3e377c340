import seedrandom from 'seedrandom';
import { createAutoArima } from './auto-arima';

describe('createAutoArima', () => {
  const rng = seedrandom('arima-ar1');
  const ar1: number[] = [0];
  for (let t = 1; t < 200; t++) ar1.push(0.7 * ar1[t - 1]! + (rng() - 0.5));
  const series = ar1.map((v) => 50 + v);

  it('forecasts a stationary AR(1) towards its mean with widening intervals', () => {
    const f = createAutoArima().forecast(series, 10, 90);
    expect(f.mean).toHaveLength(10);
    expect(Math.abs(f.mean[9]! - 50)).toBeLessThan(1);
    f.mean.forEach((m, i) => {
      expect(f.lower[i]).toBeLessThan(m);
      expect(f.upper[i]).toBeGreaterThan(m);
    });
    expect(f.upper[9]! - f.lower[9]!).toBeGreaterThanOrEqual(f.upper[0]! - f.lower[0]!);
  });

  it('fits only the most recent maxHistory points and rejects too-short input', () => {
    const shifted = [...new Array(100).fill(1000), ...series];
    const f = createAutoArima({ maxHistory: 200 }).forecast(shifted, 3);
    expect(Math.abs(f.mean[2]! - 50)).toBeLessThan(2);
    expect(() => createAutoArima().forecast([1, 2], 3)).toThrow(/at least 3/);
  });
});
