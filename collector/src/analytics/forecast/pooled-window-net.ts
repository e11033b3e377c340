import { ErrorCodes, FinmonError } from '../../core/errors';
import { choleskySolve } from './cholesky-solve';
import { checkForecastInput, type Forecaster } from './forecast-result';
import { logRatioWindow } from './log-ratio-window';
import { ReluNetwork } from './relu-network';
import { seededRandom } from './seeded-random';

/** How a pooled window model is trained. */
export interface PooledWindowNetOptions {
  /** Steps forecast at once (direct multi-output). */
  readonly horizon: number;
  /** Past values seen per window (e.g. 104 = two years of weeks, so last year's season is in view). */
  readonly lookback: number;
  /** Hidden ReLU units of the residual network; 0 leaves only the linear model. Default 64. */
  readonly hidden?: number;
  /** Passes over a shuffled sample of the windows. Default 2. */
  readonly epochs?: number;
  /** Windows drawn per pass (all when fewer). Default 200 000. */
  readonly windowsPerEpoch?: number;
  /** Adam step size; the last pass uses 0.3 of it. Default 0.001. */
  readonly learningRate?: number;
  /** Windows per gradient step. Default 128. */
  readonly batch?: number;
  /** Bound on |log ratio| of inputs. Default 3. */
  readonly clip?: number;
  /** Ridge penalty of the linear model (not on the intercept). Default 1. */
  readonly ridge?: number;
  /** Seed of initialisation and shuffling. Default 1. */
  readonly seed?: number;
}

/** A trained pooled window model. */
export interface PooledWindowNet {
  readonly forecaster: Forecaster;
  readonly horizon: number;
  readonly lookback: number;
  /** Training windows found (every position of every usable series). */
  readonly windows: number;
  /** Series left out of training because they hold a value ≤ 0 (log ratios need positive values). */
  readonly skippedSeries: number;
}

const RESIDUAL_SAMPLE = 20000;

/**
 * A global ("cross-learned") forecaster trained on the windows of MANY series at once, in the spirit
 * of Smyl's and Montero-Manso & Hyndman's global models (Int. J. Forecasting 36(1) 2020; 37(4)
 * 2021): each window is the last `lookback` log values relative to the window's last value
 * (logRatioWindow), the target the next `horizon` log ratios. First a ridge-regularised linear
 * autoregression is fitted by least squares on every window (choleskySolve); then a one-hidden-layer
 * ReLU network learns the linear model's residual with the absolute (L1) loss, which matches the
 * absolute-error accuracy measures (sMAPE, MASE). Forecast = y_n · exp(linear + network), the median
 * in log space. Interval: empirical quantiles, per step, of the log residuals on a sample of training
 * windows (in-sample, so somewhat narrow). Only windows whose targets are all in the given series are
 * used, so a backtest passes the series cut at its origin. Training is O(W·lookback² + E·S·lookback·hidden)
 * for W windows, E passes of S windows; a forecast is O(lookback·(hidden + horizon)).
 * @example trainPooledWindowNet(histories, { horizon: 13, lookback: 104 }).forecaster.forecast(y, 13)
 * @throws RangeError on invalid options; FinmonError(INTERNAL) when no series is usable
 */
export function trainPooledWindowNet(seriesList: readonly (readonly number[])[], options: PooledWindowNetOptions): PooledWindowNet {
  const { horizon, lookback } = options;
  const hidden = options.hidden ?? 64;
  const epochs = options.epochs ?? 2;
  const perEpoch = options.windowsPerEpoch ?? 200000;
  const rate = options.learningRate ?? 0.001;
  const batch = options.batch ?? 128;
  const clip = options.clip ?? 3;
  const ridge = options.ridge ?? 1;
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`pooled window net: horizon must be a positive integer, got ${horizon}`);
  if (!Number.isInteger(lookback) || lookback < 2) throw new RangeError(`pooled window net: lookback must be an integer ≥ 2, got ${lookback}`);
  if (!Number.isInteger(hidden) || hidden < 0 || !Number.isInteger(epochs) || epochs < 0) throw new RangeError(`pooled window net: hidden and epochs must be integers ≥ 0, got ${hidden} and ${epochs}`);

  const logs: Float64Array[] = [];
  let skipped = 0;
  for (const y of seriesList) {
    if (y.length > horizon && y.every((v) => Number.isFinite(v) && v > 0)) logs.push(Float64Array.from(y, Math.log));
    else skipped++;
  }
  // Window (series s, last input index e): every e from the last with a full target back to lookback − 1.
  const windowSeries: number[] = [];
  const windowEnd: number[] = [];
  logs.forEach((ly, s) => {
    const last = ly.length - 1 - horizon;
    for (let e = last; e >= Math.min(lookback - 1, last); e--) {
      windowSeries.push(s);
      windowEnd.push(e);
    }
  });
  if (windowSeries.length === 0) throw new FinmonError(ErrorCodes.INTERNAL, `pooled window net: no usable series (${skipped} skipped: too short for horizon ${horizon} or holding values ≤ 0)`);

  const p = lookback;
  const x = new Float64Array(p);
  const target = (s: number, e: number, reference: number, h: number) => (logs[s]![e + 1 + h] as number) - reference;

  // Linear autoregression by ridge least squares on every window.
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p * horizon);
  for (let w = 0; w < windowSeries.length; w++) {
    const s = windowSeries[w] as number;
    const e = windowEnd[w] as number;
    const reference = logRatioWindow(logs[s]!, e, p, clip, x);
    for (let i = 0; i < p; i++) {
      const xi = x[i] as number;
      if (xi === 0) continue;
      const row = i * p;
      for (let j = 0; j <= i; j++) xtx[row + j] = (xtx[row + j] as number) + xi * (x[j] as number);
      for (let h = 0; h < horizon; h++) xty[i * horizon + h] = (xty[i * horizon + h] as number) + xi * target(s, e, reference, h);
    }
  }
  for (let i = 1; i < p; i++) xtx[i * p + i] = (xtx[i * p + i] as number) + ridge;
  xtx[0] = (xtx[0] as number) + 1e-9;
  const coefficients = choleskySolve(xtx, xty, p, horizon);
  const linear = (input: Float64Array, out: Float64Array) => {
    for (let h = 0; h < horizon; h++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += (input[i] as number) * (coefficients[i * horizon + h] as number);
      out[h] = s;
    }
  };

  // Residual network, L1 loss, Adam over shuffled windows.
  const uniform = seededRandom(options.seed ?? 1);
  const network = hidden > 0 && epochs > 0 ? new ReluNetwork(p, hidden, horizon, uniform) : undefined;
  const base = new Float64Array(horizon);
  const residual = new Float64Array(horizon);
  const gradient = new Float64Array(horizon);
  const predict = (input: Float64Array, out: Float64Array) => {
    linear(input, out);
    if (!network) return;
    network.forward(input, residual);
    for (let h = 0; h < horizon; h++) out[h] = (out[h] as number) + (residual[h] as number);
  };
  if (network) {
    const order = Int32Array.from(windowSeries.keys());
    const used = Math.min(order.length, perEpoch);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        const swap = order[i] as number;
        order[i] = order[j] as number;
        order[j] = swap;
      }
      const stepRate = epoch === epochs - 1 && epochs > 1 ? 0.3 * rate : rate;
      for (let k = 0; k < used; k++) {
        const w = order[k] as number;
        const s = windowSeries[w] as number;
        const e = windowEnd[w] as number;
        const reference = logRatioWindow(logs[s]!, e, p, clip, x);
        predict(x, base);
        for (let h = 0; h < horizon; h++) gradient[h] = Math.sign((base[h] as number) - target(s, e, reference, h));
        network.backward(x, gradient);
        if ((k + 1) % batch === 0 || k === used - 1) network.step(stepRate);
      }
    }
  }

  // Per-step log residuals on an evenly spread sample of windows, sorted, for the intervals.
  const sampleEvery = Math.max(1, Math.floor(windowSeries.length / RESIDUAL_SAMPLE));
  const residuals: number[][] = Array.from({ length: horizon }, () => []);
  for (let w = 0; w < windowSeries.length; w += sampleEvery) {
    const s = windowSeries[w] as number;
    const e = windowEnd[w] as number;
    const reference = logRatioWindow(logs[s]!, e, p, clip, x);
    predict(x, base);
    for (let h = 0; h < horizon; h++) residuals[h]!.push(target(s, e, reference, h) - (base[h] as number));
  }
  residuals.forEach((r) => r.sort((a, b) => a - b));
  const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] as number;

  const name = `pooled-window-net(lookback=${lookback})`;
  const forecaster: Forecaster = {
    name,
    forecast(series, steps, level) {
      const lv = checkForecastInput(name, series, steps, level);
      if (steps > horizon) throw new FinmonError(ErrorCodes.ANALYTICS_INPUT_INVALID, `forecast ${name}: trained for ${horizon} steps, asked for ${steps}`, 400);
      if (!series.every((v) => v > 0)) throw new FinmonError(ErrorCodes.ANALYTICS_INPUT_INVALID, `forecast ${name}: needs positive values (it works on log ratios)`, 400);
      const input = new Float64Array(p);
      const out = new Float64Array(horizon);
      const reference = logRatioWindow(Float64Array.from(series, Math.log), series.length - 1, p, clip, input);
      predict(input, out);
      const tail = (1 - lv / 100) / 2;
      const at = (h: number, shift: number) => Math.exp(reference + (out[h] as number) + shift);
      const steps0 = Array.from({ length: steps }, (_, h) => h);
      return {
        mean: steps0.map((h) => at(h, 0)),
        lower: steps0.map((h) => at(h, Math.min(0, quantile(residuals[h]!, tail)))),
        upper: steps0.map((h) => at(h, Math.max(0, quantile(residuals[h]!, 1 - tail)))),
        level: lv,
        method: name,
      };
    },
  };
  return { forecaster, horizon, lookback, windows: windowSeries.length, skippedSeries: skipped };
}
