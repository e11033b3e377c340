import { combineForecasts, createCombination } from './combination';
import { checkForecastInput, type Forecast, type Forecaster } from './forecast-result';
import { holtDamped } from './holt-damped';
import { trainPooledWindowNet, type PooledWindowNetOptions } from './pooled-window-net';
import { ses } from './ses';
import { theta } from './theta';

/** The pooled window nets of the default ensemble: two, three and four seasons of weekly history. */
export const DEFAULT_POOLED_NETS: readonly Omit<PooledWindowNetOptions, 'horizon'>[] = [
  { lookback: 104, seed: 1 },
  { lookback: 156, seed: 2 },
  { lookback: 208, seed: 3 },
];

/** The local member: the equal-weight mean of SES, Theta and damped Holt fitted to the series alone. */
export const LOCAL_MEAN: Forecaster = createCombination([ses, theta, holtDamped], 'mean');

/**
 * A forecaster trained on a COLLECTION of series: the step-wise median of global pooled window
 * nets (trainPooledWindowNet, one per entry of `nets`) and the local mean of SES, Theta and damped
 * Holt. With the defaults that is the median of four (the mean of the middle two): three
 * cross-learned nets that see two, three and four years of weekly history and one per-series
 * exponential-smoothing combination, so a series the pooled nets misjudge is pulled back towards
 * its own models. A series the nets cannot
 * take (values ≤ 0) gets the local mean alone. Chosen on M4 Weekly with backtests at origins BEFORE
 * the bench's holdout (bench/forecast-dev-bench.ts). Training cost: see trainPooledWindowNet; about
 * 80 s for M4 Weekly's 359 series on one core.
 * @example trainPooledEnsemble(histories, 13).forecast(history, 13)
 * @throws RangeError / FinmonError from trainPooledWindowNet
 */
export function trainPooledEnsemble(
  seriesList: readonly (readonly number[])[],
  horizon: number,
  nets: readonly Omit<PooledWindowNetOptions, 'horizon'>[] = DEFAULT_POOLED_NETS,
): Forecaster {
  const trained = nets.map((o) => trainPooledWindowNet(seriesList, { ...o, horizon }).forecaster);
  const name = 'pooled-ensemble';
  return {
    name,
    forecast(series, steps, level) {
      const lv = checkForecastInput(name, series, steps, level);
      const local = LOCAL_MEAN.forecast(series, steps, lv);
      const usable = series.every((v) => v > 0) && steps <= horizon;
      if (!usable) return { ...local, method: `${name}: local only (${local.method})` };
      const members: Forecast[] = [...trained.map((net) => net.forecast(series, steps, lv)), local];
      return { ...combineForecasts(members, 'median'), method: `${name}: median(${trained.map((t) => t.name).join(', ')}, ${local.method})` };
    },
  };
}
