import { erfc } from '../anomaly/anomaly-likelihood';
import { createCombination } from '../forecast/combination';
import type { Forecast, Forecaster } from '../forecast/forecast-result';
import { holtDamped } from '../forecast/holt-damped';
import { normalQuantile } from '../forecast/normal-quantile';
import { ses } from '../forecast/ses';
import { theta } from '../forecast/theta';

/**
 * A forecast as a Gaussian predictive distribution per step: mean μ_h and standard deviation σ_h,
 * σ_h recovered from the forecaster's central interval, σ_h = (upper_h − lower_h) / (2·z), z the
 * two-sided normal quantile of the interval's level (1.96 for 95 %). Pure, O(h).
 */
export interface PredictiveDistribution {
  readonly mean: readonly number[];
  readonly sigma: readonly number[];
  readonly method: string;
}

export function toDistribution(forecast: Forecast): PredictiveDistribution {
  const z = normalQuantile(0.5 + forecast.level / 200);
  return {
    mean: forecast.mean,
    sigma: forecast.mean.map((_, i) => Math.max(0, ((forecast.upper[i] ?? 0) - (forecast.lower[i] ?? 0)) / (2 * z))),
    method: forecast.method,
  };
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** The central interval of a step at `level` %: μ ± z·σ. */
export function intervalAt(d: PredictiveDistribution, step: number, level: number): { lo: number; hi: number } {
  const z = normalQuantile(0.5 + level / 200);
  const mu = d.mean[step] ?? NaN;
  const sigma = d.sigma[step] ?? NaN;
  return { lo: mu - z * sigma, hi: mu + z * sigma };
}

/** The probability of one step being beyond the threshold: P(Y_h < c) or P(Y_h > c). */
export function stepProbability(mu: number, sigma: number, threshold: number, side: 'above' | 'below'): number {
  if (!(sigma > 0)) return side === 'below' ? (mu < threshold ? 1 : 0) : mu > threshold ? 1 : 0;
  const below = normalCdf((threshold - mu) / sigma);
  return side === 'below' ? below : 1 - below;
}

export interface CrossingEstimate {
  /** Estimated probability that the series is beyond the threshold at some step within the horizon. */
  readonly probability: number;
  /** Each step's marginal probability of being beyond the threshold. */
  readonly perStep: readonly number[];
  /** 0-based step of the largest marginal probability. */
  readonly likeliestStep: number;
  /** 0-based first step whose marginal probability reaches `atLeast` (undefined when none does). */
  readonly firstStep: number | undefined;
}

/**
 * Probability of crossing a threshold within the horizon, from the Gaussian predictive
 * distribution of each step. The first-passage probability P(∃h: Y_h beyond c) is at least the
 * largest marginal max_h P(Y_h beyond c), and equals it when forecast errors are perfectly
 * correlated across steps — the case of level and trend models (SES, Holt, Theta), whose h-step
 * error is mostly the accumulated level error. So the estimate is max_h P(Y_h beyond c): a
 * conservative (never over-stated) probability, exact for fully persistent errors, which does not
 * need simulated sample paths. `firstStep` is when the crossing becomes that likely (≥ atLeast).
 * @example crossingProbability({ mean: [10, 8, 6], sigma: [1, 2, 3], method: '' }, 5, 'below', 0.3)
 *   // probability Φ(−1/3) ≈ 0.3694, likeliestStep 2, firstStep 2
 */
export function crossingProbability(d: PredictiveDistribution, threshold: number, side: 'above' | 'below', atLeast = 0.5): CrossingEstimate {
  const perStep = d.mean.map((mu, i) => stepProbability(mu, d.sigma[i] ?? 0, threshold, side));
  let likeliestStep = 0;
  let firstStep: number | undefined;
  perStep.forEach((p, i) => {
    if (p > (perStep[likeliestStep] ?? 0)) likeliestStep = i;
    if (firstStep === undefined && p >= atLeast) firstStep = i;
  });
  return { probability: perStep[likeliestStep] ?? 0, perStep, likeliestStep, firstStep };
}

/**
 * The forecaster finmon uses for KPIs: the step-wise median of SES, damped Holt and Theta with
 * their 95 % intervals (pooled as "median of quantiles"). AutoARIMA is left out of the per-KPI
 * default to keep a daily refresh of many series cheap; the M4 bench compares the alternatives.
 */
export const KPI_FORECASTER: Forecaster = createCombination([ses, holtDamped, theta], 'median');
