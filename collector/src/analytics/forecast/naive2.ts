import { multiplicativeSeasonalIndices } from './classical-decomposition';
import { checkForecastInput, type Forecaster } from './forecast-result';
import { naiveForecast } from './naive';
import { isSeasonal } from './seasonality-test';

/**
 * M4's Naive2 benchmark with period m: when the 90% ACF seasonality test passes (isSeasonal),
 * the series is divided by classical multiplicative seasonal indices, forecast naively, and the
 * forecast (and its interval) multiplied back by the indices of the forecast weeks; otherwise it is
 * the naive forecast. M4 used m = 1 for weekly data, so there Naive2 = Naive. O(n·m).
 * @example createNaive2(1).forecast([5, 7, 6], 2).mean // [6, 6]
 * @throws RangeError when m is not a positive integer; FinmonError on empty or non-finite input
 */
export function createNaive2(m: number): Forecaster {
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`naive2: period must be a positive integer, got ${m}`);
  const name = m === 1 ? 'naive2' : `naive2(m=${m})`;
  return {
    name,
    forecast(series, horizon, level) {
      const lv = checkForecastInput(name, series, horizon, level);
      const positive = series.every((v) => v > 0);
      if (!positive || !isSeasonal(series, m)) return { ...naiveForecast(series, horizon, lv), method: name };
      const indices = multiplicativeSeasonalIndices(series, m);
      const n = series.length;
      const index = (t: number) => indices[t % m] as number;
      const adjusted = series.map((v, t) => v / index(t));
      const base = naiveForecast(adjusted, horizon, lv);
      const scale = (values: number[]) => values.map((v, i) => v * index(n + i));
      return { mean: scale(base.mean), lower: scale(base.lower), upper: scale(base.upper), level: lv, method: `${name} seasonal` };
    },
  };
}

/** Naive2 as M4 ran it on weekly data (m = 1). */
export const naive2: Forecaster = createNaive2(1);
