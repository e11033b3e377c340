import { checkForecastInput, type Forecaster } from './forecast-result';
import { gaussianInterval, residualSigma } from './prediction-interval';

/**
 * Seasonal naive forecaster with period m: step h repeats the observation one season earlier,
 * y_{n+h} = y_{n+h-m·k} with k = ⌈h/m⌉; interval ±z·σ·√k with σ from the lag-m differences
 * (FPP3 §5.2, §5.5). With m = 1 it is the naive forecaster. Needs at least m observations. O(n).
 * @example createSeasonalNaive(2).forecast([1, 2, 3, 4], 3).mean // [3, 4, 3]
 * @throws RangeError when m is not a positive integer; FinmonError on bad input or fewer than m points
 */
export function createSeasonalNaive(m: number): Forecaster {
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`seasonal naive: period must be a positive integer, got ${m}`);
  const name = `seasonal-naive(m=${m})`;
  return {
    name,
    forecast(series, horizon, level) {
      const lv = checkForecastInput(name, series, horizon, level, m);
      const n = series.length;
      const mean: number[] = [];
      const multipliers: number[] = [];
      for (let h = 1; h <= horizon; h++) {
        const k = Math.ceil(h / m);
        mean.push(series[n + h - m * k - 1] as number);
        multipliers.push(Math.sqrt(k));
      }
      const residuals = series.slice(m).map((v, i) => v - (series[i] as number));
      const { lower, upper } = gaussianInterval(mean, residualSigma(residuals), lv, multipliers);
      return { mean, lower, upper, level: lv, method: name };
    },
  };
}
