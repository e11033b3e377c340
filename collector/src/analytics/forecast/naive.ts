import { checkForecastInput, type Forecast, type Forecaster } from './forecast-result';
import { gaussianInterval, residualSigma, stateSpaceMultipliers } from './prediction-interval';

/**
 * Naive (random walk) forecast: every step equals the last observation; interval ±z·σ·√h with σ
 * from the one-step differences (Hyndman & Athanasopoulos, FPP3 §5.5). O(n).
 * @example naiveForecast([1, 3, 2], 2).mean // [2, 2]
 * @throws FinmonError on empty or non-finite input (see checkForecastInput)
 */
export function naiveForecast(series: readonly number[], horizon: number, level?: number): Forecast {
  const lv = checkForecastInput('naive', series, horizon, level);
  const last = series[series.length - 1] as number;
  const mean = new Array<number>(horizon).fill(last);
  const residuals = series.slice(1).map((v, i) => v - (series[i] as number));
  const { lower, upper } = gaussianInterval(mean, residualSigma(residuals), lv, stateSpaceMultipliers(horizon, () => 1));
  return { mean, lower, upper, level: lv, method: 'naive' };
}

/** The naive forecaster behind the common interface. */
export const naive: Forecaster = { name: 'naive', forecast: naiveForecast };
