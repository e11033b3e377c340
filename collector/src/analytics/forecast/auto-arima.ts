import path from 'node:path';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { checkForecastInput, type Forecaster } from './forecast-result';
import { gaussianInterval } from './prediction-interval';

interface ArimaInstance {
  train(ts: number[]): ArimaInstance;
  predict(length: number): [number[], number[]];
  destroy?: () => void;
}
type ArimaConstructor = new (options: Record<string, unknown>) => ArimaInstance;

let arimaClass: ArimaConstructor | undefined;

/**
 * Loads the `arima` package's wasm build (ctsa's AutoARIMA) with its C-level prints (e.g.
 * "non-stationary AR part") routed to nothing instead of the console. Loaded once, lazily.
 */
function loadArima(): ArimaConstructor {
  if (arimaClass) return arimaClass;
  const root = path.dirname(require.resolve('arima'));
  /* eslint-disable @typescript-eslint/no-require-imports */
  const createModule = require(path.join(root, 'wasm', 'native-sync.js')) as (o: Record<string, unknown>) => unknown;
  const binary = require(path.join(root, 'wrapper', 'native.bin.js')) as unknown;
  const wrap = require(path.join(root, 'load.js')) as (m: unknown) => ArimaConstructor;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const silent = () => undefined;
  arimaClass = wrap(createModule({ wasmBinary: binary, print: silent, printErr: silent }));
  return arimaClass;
}

/**
 * ARIMA(p, 1, q) forecaster backed by the `arima` npm package (a wasm build of ctsa's auto.arima):
 * the series is differenced once here and AutoARIMA searches (p, 0, q) with a mean on the
 * differences (maxima p 5, q 5); the forecast is integrated back. We difference ourselves because
 * the package's own d > 0 path gives wrong level forecasts (zeros / drift to the mean in our M4
 * checks, sMAPE 24 vs 9.1 this way). `maxHistory` keeps only the most recent observations
 * (the search cost grows with length; e.g. 260 = five years of weeks). Interval: mean ± z·Σ_{j≤h} sd_j
 * from the model's own step variances, an upper bound on the sd of the integrated forecast. About
 * 0.1 s for 260 points. The model's "mean of differences" is a drift.
 * @throws FinmonError(INTERNAL) when the library returns a non-finite forecast; FinmonError on bad input
 */
export function createAutoArima(options: { maxHistory?: number } = {}): Forecaster {
  const name = options.maxHistory ? `arima(last ${options.maxHistory})` : 'arima';
  return {
    name: 'arima',
    forecast(series, horizon, level) {
      const lv = checkForecastInput('arima', series, horizon, level, 3);
      const history = options.maxHistory ? series.slice(-options.maxHistory) : series.slice();
      const ARIMA = loadArima();
      const differences = history.slice(1).map((v, i) => v - (history[i] as number));
      const model = new ARIMA({ auto: true, d: 0, verbose: false }).train(differences);
      let stepMeans: number[];
      let stepVariances: number[];
      try {
        const [m, v] = model.predict(horizon);
        stepMeans = Array.from(m);
        stepVariances = Array.from(v);
      } finally {
        model.destroy?.();
      }
      if (stepMeans.length !== horizon || !stepMeans.every(Number.isFinite)) {
        throw new FinmonError(ErrorCodes.INTERNAL, `forecast arima: AutoARIMA returned a non-finite forecast for a series of ${history.length} points`);
      }
      // Integrate the differenced forecast back to levels.
      const mean: number[] = [];
      let levelSoFar = history[history.length - 1] as number;
      for (const step of stepMeans) mean.push((levelSoFar += step));
      // sd of a sum ≤ sum of sds (exact for perfectly correlated steps): a conservative interval.
      const sigmas: number[] = [];
      let sdSoFar = 0;
      for (const v of stepVariances) sigmas.push((sdSoFar += Number.isFinite(v) && v >= 0 ? Math.sqrt(v) : Number.NaN));
      const usable = sigmas.every(Number.isFinite);
      const { lower, upper } = usable ? gaussianInterval(mean, 1, lv, sigmas) : { lower: mean.slice(), upper: mean.slice() };
      return { mean, lower, upper, level: lv, method: usable ? name : `${name} (no variance)` };
    },
  };
}
