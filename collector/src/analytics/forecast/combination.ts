import { ErrorCodes, FinmonError } from '../../core/errors';
import { checkForecastInput, type Forecast, type Forecaster } from './forecast-result';

/** How member forecasts are pooled, step by step. */
export type Pooling = 'median' | 'mean';

function pool(values: number[], how: Pooling): number {
  if (how === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Pools member forecasts step by step: the mean is the median (or mean) of the members' means, and
 * the bounds are the same pooling of the members' bounds (the "median of quantiles" combination,
 * cf. Gaston & Hyndman / Lichtendahl et al. 2013 on averaging quantiles). O(k·h·log k).
 * @example combineForecasts([a, b, c], 'median') // step-wise medians
 * @throws FinmonError(INTERNAL) when members is empty or their horizons or levels differ
 */
export function combineForecasts(members: readonly Forecast[], how: Pooling): Forecast {
  const first = members[0];
  if (!first) throw new FinmonError(ErrorCodes.INTERNAL, 'forecast combination: no member forecasts to combine');
  for (const m of members) {
    if (m.mean.length !== first.mean.length || m.level !== first.level) {
      throw new FinmonError(ErrorCodes.INTERNAL, `forecast combination: ${m.method} has horizon ${m.mean.length} / level ${m.level}, expected ${first.mean.length} / ${first.level}`);
    }
  }
  const at = (pick: (f: Forecast) => number[]) => first.mean.map((_, i) => pool(members.map((m) => pick(m)[i] as number), how));
  return {
    mean: at((f) => f.mean),
    lower: at((f) => f.lower),
    upper: at((f) => f.upper),
    level: first.level,
    method: `${how}(${members.map((m) => m.method.replace(/\(.*$/, '')).join(',')})`,
  };
}

/**
 * A forecaster that runs every member and pools them with combineForecasts. A member that throws
 * (e.g. AutoARIMA failing on a degenerate series) is left out; the method string lists who took part.
 * @throws FinmonError when every member fails, or on empty or non-finite input
 */
export function createCombination(members: readonly Forecaster[], how: Pooling = 'median'): Forecaster {
  if (members.length === 0) throw new RangeError('forecast combination: needs at least one member');
  const name = `${how}(${members.map((m) => m.name).join(',')})`;
  return {
    name,
    forecast(series, horizon, level) {
      const lv = checkForecastInput(name, series, horizon, level);
      const forecasts: Forecast[] = [];
      const failures: string[] = [];
      for (const member of members) {
        try {
          forecasts.push(member.forecast(series, horizon, lv));
        } catch (error) {
          failures.push(`${member.name}: ${(error as Error).message}`);
        }
      }
      if (forecasts.length === 0) throw new FinmonError(ErrorCodes.INTERNAL, `forecast ${name}: every member failed (${failures.join('; ')})`);
      return combineForecasts(forecasts, how);
    },
  };
}
