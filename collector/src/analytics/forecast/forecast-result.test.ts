import fc from 'fast-check';
import { checkForecastInput, type Forecaster } from './forecast-result';
import { holtDamped } from './holt-damped';
import { naive } from './naive';
import { naive2 } from './naive2';
import { createSeasonalNaive } from './seasonal-naive';
import { ses } from './ses';
import { theta } from './theta';

const forecasters: Forecaster[] = [naive, naive2, createSeasonalNaive(1), ses, holtDamped, theta];

describe('checkForecastInput', () => {
  it('returns the default level and rejects empty, NaN, bad horizon and level', () => {
    expect(checkForecastInput('x', [1], 1, undefined)).toBe(95);
    expect(() => checkForecastInput('x', [], 1, 95)).toThrow('forecast x: series is empty');
    expect(() => checkForecastInput('x', [1, NaN], 1, 95)).toThrow(/series\[1\] is NaN/);
    expect(() => checkForecastInput('x', [1], 1.5, 95)).toThrow(/horizon/);
    expect(() => checkForecastInput('x', [1], 1, 0)).toThrow(/level/);
  });

  it.each(forecasters.map((f) => [f.name, f] as const))('%s rejects empty and NaN series', (_name, f) => {
    expect(() => f.forecast([], 3)).toThrow(/series is empty/);
    expect(() => f.forecast([1, 2, NaN, 4], 3)).toThrow(/series\[2\] is NaN/);
  });

  it('every forecaster returns finite, ordered bounds of the requested horizon on arbitrary finite series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 13 }),
        (series, horizon) => {
          for (const f of forecasters) {
            const r = f.forecast(series, horizon, 80);
            if (r.mean.length !== horizon) return false;
            for (let i = 0; i < horizon; i++) {
              if (![r.mean[i], r.lower[i], r.upper[i]].every((v) => Number.isFinite(v))) return false;
              if (!(r.lower[i]! <= r.mean[i]! + 1e-9 && r.mean[i]! <= r.upper[i]! + 1e-9)) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });
});
