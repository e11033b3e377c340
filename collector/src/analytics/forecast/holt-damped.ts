import { checkForecastInput, type Forecaster } from './forecast-result';
import { nelderMead } from './nelder-mead';
import { gaussianInterval, residualSigma, stateSpaceMultipliers } from './prediction-interval';

/** Parameters of the damped-trend model in error-correction form. */
export interface HoltDampedParameters {
  /** Level smoothing, 0 < α < 1. */
  readonly alpha: number;
  /** Trend smoothing in error-correction form (= α·β* of the component form), 0 < β < α. */
  readonly beta: number;
  /** Damping, 0 < φ ≤ 1 (estimated in [0.8, 0.98] as FPP3 recommends). */
  readonly phi: number;
}

/** A fitted damped-trend model. */
export interface HoltDampedFit extends HoltDampedParameters {
  readonly level: number;
  readonly trend: number;
  readonly residuals: number[];
  readonly sse: number;
}

const logistic = (u: number) => 1 / (1 + Math.exp(-u));
const logit = (p: number) => Math.log(p / (1 - p));

/**
 * Additive damped trend (Gardner & McKenzie 1985; ETS(A,Ad,N), Hyndman et al. 2008):
 *   ŷ_t = ℓ_{t−1} + φ b_{t−1},  e_t = y_t − ŷ_t,  ℓ_t = ℓ_{t−1} + φ b_{t−1} + α e_t,  b_t = φ b_{t−1} + β e_t,
 * with ℓ_0 = y_0 and b_0 the mean of the first min(n−1, 4) differences. Parameters not given are
 * estimated by Nelder–Mead on the one-step squared error (α ∈ (0,1), β ∈ (0,α), φ ∈ [0.8, 0.98]).
 * O(n) per evaluation, a few hundred evaluations when estimating. The caller validates input.
 * @example fitHoltDamped([10, 12, 13, 15], { alpha: 0.5, beta: 0.2, phi: 0.9 }).level
 */
export function fitHoltDamped(series: readonly number[], fixed: Partial<HoltDampedParameters> = {}): HoltDampedFit {
  const n = series.length;
  const k = Math.min(n - 1, 4);
  const level0 = series[0] as number;
  const trend0 = k > 0 ? ((series[k] as number) - level0) / k : 0;
  const run = (p: HoltDampedParameters, keep: boolean) => {
    let level = level0;
    let trend = trend0;
    let sse = 0;
    const residuals: number[] = [];
    for (let t = 1; t < n; t++) {
      const error = (series[t] as number) - (level + p.phi * trend);
      sse += error * error;
      if (keep) residuals.push(error);
      level = level + p.phi * trend + p.alpha * error;
      trend = p.phi * trend + p.beta * error;
    }
    return { level, trend, sse, residuals };
  };
  const decode = (u: readonly number[]): HoltDampedParameters => {
    const alpha = fixed.alpha ?? 1e-4 + 0.9998 * logistic(u[0] as number);
    const beta = fixed.beta ?? alpha * logistic(u[1] as number);
    const phi = fixed.phi ?? 0.8 + 0.18 * logistic(u[2] as number);
    return { alpha, beta, phi };
  };
  let parameters: HoltDampedParameters;
  if (fixed.alpha !== undefined && fixed.beta !== undefined && fixed.phi !== undefined) {
    parameters = { alpha: fixed.alpha, beta: fixed.beta, phi: fixed.phi };
  } else if (n < 4) {
    parameters = decode([logit(0.5), logit(0.1), 0]);
  } else {
    const best = nelderMead((u) => run(decode(u), false).sse, [logit(0.3), logit(0.1), 0], { maxIterations: 300 });
    parameters = decode(best.x);
  }
  return { ...parameters, ...run(parameters, true) };
}

/**
 * Damped-trend (Holt) forecaster: ŷ_{n+h} = ℓ_n + (φ + … + φ^h) b_n; interval from the ETS(A,Ad,N)
 * variance σ²(1 + Σ_{j=1}^{h−1} (α + β(φ + … + φ^j))²) (Hyndman et al. 2008, Table 6.1).
 * @example createHoltDamped({ alpha: 0.5, beta: 0.2, phi: 0.9 }).forecast([10, 12, 13, 15], 2)
 * @throws RangeError on fixed parameters outside their ranges; FinmonError on empty or non-finite input
 */
export function createHoltDamped(fixed: Partial<HoltDampedParameters> = {}): Forecaster {
  const { alpha, beta, phi } = fixed;
  if (alpha !== undefined && !(alpha > 0 && alpha <= 1)) throw new RangeError(`holt-damped: alpha must be in (0, 1], got ${alpha}`);
  if (beta !== undefined && !(beta >= 0 && beta <= (alpha ?? 1))) throw new RangeError(`holt-damped: beta must be in [0, alpha], got ${beta}`);
  if (phi !== undefined && !(phi > 0 && phi <= 1)) throw new RangeError(`holt-damped: phi must be in (0, 1], got ${phi}`);
  return {
    name: 'holt-damped',
    forecast(series, horizon, level) {
      const lv = checkForecastInput('holt-damped', series, horizon, level);
      const fit = fitHoltDamped(series, fixed);
      const cumulativePhi: number[] = [];
      let power = 1;
      let sum = 0;
      for (let h = 1; h <= horizon; h++) {
        power *= fit.phi;
        sum += power;
        cumulativePhi.push(sum);
      }
      const mean = cumulativePhi.map((s) => fit.level + s * fit.trend);
      const multipliers = stateSpaceMultipliers(horizon, (j) => fit.alpha + fit.beta * (cumulativePhi[j - 1] as number));
      const { lower, upper } = gaussianInterval(mean, residualSigma(fit.residuals), lv, multipliers);
      const method = `holt-damped(alpha=${fit.alpha.toFixed(3)},beta=${fit.beta.toFixed(3)},phi=${fit.phi.toFixed(3)})`;
      return { mean, lower, upper, level: lv, method };
    },
  };
}

/** Damped Holt with all parameters estimated. */
export const holtDamped: Forecaster = createHoltDamped();
