import { checkForecastInput, type Forecaster } from './forecast-result';
import { linearTrend } from './linear-trend';
import { gaussianInterval, residualSigma, stateSpaceMultipliers } from './prediction-interval';
import { fitSes } from './ses';

/**
 * The standard Theta method as M4 ran it (Assimakopoulos & Nikolopoulos 2000; `Theta.classic` in
 * the M4 benchmarks code): theta line 0 = the least-squares line L_t; theta line 2 = 2y_t − L_t,
 * extrapolated by SES; forecast = ½·SES(line 2) + ½·L_{n−1+h}. Equivalent to SES with a drift of
 * half the linear-trend slope (Hyndman & Billah 2003). Interval: σ of the in-sample one-step
 * residuals of that combination, widened as SES's (√(1 + (h−1)α²)) — an approximation. No
 * seasonal adjustment (weekly m = 1). O(n) per α, about 50 evaluations when α is estimated.
 * @example createTheta({ alpha: 1 }).forecast([1, 2, 3], 2).mean // [3.5, 4]
 * @throws RangeError on a fixed alpha outside (0, 1]; FinmonError on empty or non-finite input
 */
export function createTheta(options: { alpha?: number } = {}): Forecaster {
  if (options.alpha !== undefined && !(options.alpha > 0 && options.alpha <= 1)) {
    throw new RangeError(`theta: alpha must be in (0, 1], got ${options.alpha}`);
  }
  return {
    name: 'theta',
    forecast(series, horizon, level) {
      const lv = checkForecastInput('theta', series, horizon, level);
      const n = series.length;
      const { intercept, slope } = linearTrend(series);
      const line = (t: number) => intercept + slope * t;
      const thetaLine2 = series.map((y, t) => 2 * y - line(t));
      const fit = fitSes(thetaLine2, options.alpha);
      const mean: number[] = [];
      for (let h = 1; h <= horizon; h++) mean.push(0.5 * fit.level + 0.5 * line(n - 1 + h));
      const residuals = series.slice(1).map((y, i) => y - (0.5 * (fit.fitted[i + 1] as number) + 0.5 * line(i + 1)));
      const { lower, upper } = gaussianInterval(mean, residualSigma(residuals), lv, stateSpaceMultipliers(horizon, () => fit.alpha));
      return { mean, lower, upper, level: lv, method: `theta(alpha=${fit.alpha.toFixed(3)})` };
    },
  };
}

/** Standard Theta with SES's α estimated. */
export const theta: Forecaster = createTheta();
