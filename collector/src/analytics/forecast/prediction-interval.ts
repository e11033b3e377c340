import { normalQuantile } from './normal-quantile';

/**
 * Root mean square of one-step in-sample residuals, the σ of a Gaussian forecast error. O(n).
 * Non-finite residuals are skipped. Returns 0 when there are none (a perfect or too-short fit).
 * @example residualSigma([1, -1, 1, -1]) // 1
 */
export function residualSigma(residuals: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (const r of residuals) {
    if (!Number.isFinite(r)) continue;
    sum += r * r;
    count++;
  }
  return count === 0 ? 0 : Math.sqrt(sum / count);
}

/**
 * Gaussian prediction interval around `mean`: mean[h] ± z·σ·multiplier[h], z the (1+level/100)/2
 * normal quantile. `multipliers[h]` is √(variance at step h+1 / σ²) for the model (e.g. √h for a
 * random walk; for state-space models √(1 + Σ_{j<h} c_j²), Hyndman et al. 2008, ch. 6). O(h).
 */
export function gaussianInterval(
  mean: readonly number[],
  sigma: number,
  level: number,
  multipliers: readonly number[],
): { lower: number[]; upper: number[] } {
  const z = normalQuantile(0.5 + level / 200);
  const lower: number[] = [];
  const upper: number[] = [];
  mean.forEach((m, i) => {
    const half = z * sigma * (multipliers[i] ?? multipliers[multipliers.length - 1] ?? 1);
    lower.push(m - half);
    upper.push(m + half);
  });
  return { lower, upper };
}

/**
 * Step multipliers √(1 + Σ_{j=1}^{h-1} c_j²) for a linear innovations state-space model whose
 * forecast error at step h is e_{n+h} + Σ_{j=1}^{h-1} c_j e_{n+h-j}. O(horizon).
 * @example stateSpaceMultipliers(3, () => 1) // [1, √2, √3] (random walk)
 */
export function stateSpaceMultipliers(horizon: number, c: (j: number) => number): number[] {
  const out: number[] = [];
  let acc = 1;
  for (let h = 1; h <= horizon; h++) {
    if (h > 1) acc += c(h - 1) ** 2;
    out.push(Math.sqrt(acc));
  }
  return out;
}
