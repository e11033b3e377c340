import { checkForecastInput, type Forecaster } from './forecast-result';
import { minimizeOnInterval } from './golden-section';
import { gaussianInterval, residualSigma, stateSpaceMultipliers } from './prediction-interval';

/** A fitted simple exponential smoothing model. */
export interface SesFit {
  readonly alpha: number;
  /** Level after the last observation = the point forecast for every step. */
  readonly level: number;
  /** One-step in-sample forecasts; fitted[0] is the initial level y_0. */
  readonly fitted: number[];
  /** One-step residuals y_t − fitted_t for t ≥ 1. */
  readonly residuals: number[];
  readonly sse: number;
}

/** Smallest and largest smoothing parameter tried when alpha is estimated. */
export const ALPHA_BOUNDS = [1e-4, 0.9999] as const;

/**
 * Simple exponential smoothing ℓ_t = ℓ_{t−1} + α(y_t − ℓ_{t−1}), ℓ_0 = y_0 (FPP3 §8.1). Without
 * `alpha`, α minimises the one-step in-sample squared error on [1e-4, 0.9999]. O(n) per α; about
 * 50 evaluations when estimating. The caller validates input.
 * @example fitSes([10, 12, 13], 0.5).level // 12
 */
export function fitSes(series: readonly number[], alpha?: number): SesFit {
  const run = (a: number, keep: boolean) => {
    let level = series[0] as number;
    let sse = 0;
    const fitted: number[] = [level];
    const residuals: number[] = [];
    for (let t = 1; t < series.length; t++) {
      const error = (series[t] as number) - level;
      sse += error * error;
      if (keep) {
        fitted.push(level);
        residuals.push(error);
      }
      level += a * error;
    }
    return { level, sse, fitted, residuals };
  };
  const a = alpha ?? (series.length < 3 ? 0.5 : minimizeOnInterval((x) => run(x, false).sse, ALPHA_BOUNDS[0], ALPHA_BOUNDS[1]).x);
  return { alpha: a, ...run(a, true) };
}

/**
 * SES forecaster: flat forecast at the final level; interval σ·√(1 + (h−1)α²), the ETS(A,N,N)
 * variance (Hyndman et al. 2008, Table 6.1), σ from the one-step residuals.
 * @example createSes({ alpha: 0.5 }).forecast([10, 12, 13], 2).mean // [12, 12]
 * @throws RangeError when a fixed alpha is outside (0, 1]; FinmonError on empty or non-finite input
 */
export function createSes(options: { alpha?: number } = {}): Forecaster {
  if (options.alpha !== undefined && !(options.alpha > 0 && options.alpha <= 1)) {
    throw new RangeError(`ses: alpha must be in (0, 1], got ${options.alpha}`);
  }
  return {
    name: 'ses',
    forecast(series, horizon, level) {
      const lv = checkForecastInput('ses', series, horizon, level);
      const fit = fitSes(series, options.alpha);
      const mean = new Array<number>(horizon).fill(fit.level);
      const { lower, upper } = gaussianInterval(mean, residualSigma(fit.residuals), lv, stateSpaceMultipliers(horizon, () => fit.alpha));
      return { mean, lower, upper, level: lv, method: `ses(alpha=${fit.alpha.toFixed(3)})` };
    },
  };
}

/** SES with α estimated. */
export const ses: Forecaster = createSes();
