import { naiveForecast } from './naive';
import { createNaive2, naive2 } from './naive2';

describe('naive2', () => {
  it('is the naive forecast for weekly data (m = 1)', () => {
    const series = [5, 7, 6, 9, 8];
    expect(naive2.forecast(series, 3).mean).toEqual(naiveForecast(series, 3).mean);
  });

  it('seasonally adjusts, forecasts naively and reseasonalises when the ACF test passes', () => {
    const indices = [0.8, 1.2, 0.9, 1.1];
    const series = Array.from({ length: 24 }, (_, t) => 100 * indices[t % 4]!);
    const f = createNaive2(4).forecast(series, 5);
    [0.8, 1.2, 0.9, 1.1, 0.8].forEach((s, i) => expect(f.mean[i]).toBeCloseTo(100 * s, 8));
    expect(f.method).toMatch(/seasonal/);
  });

  it('stays naive when the series is too short for the test', () => {
    const f = createNaive2(4).forecast([80, 120, 90, 110, 80], 2);
    expect(f.mean).toEqual([80, 80]);
  });
});
