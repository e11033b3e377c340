import { autocorrelation } from './autocorrelation';

/**
 * M4's seasonality test (Makridakis et al. 2020; `seasonality_test` in the M4 benchmarks code):
 * seasonal at period m when |r_m| > z·√((1 + 2·Σ_{k=1}^{m−1} r_k²) / n), z = 1.645 for 90%.
 * Period 1 (M4's choice for weekly data) and series shorter than 3m are never seasonal. O(n·m).
 * @example isSeasonal(weeklyValues, 1) // false
 */
export function isSeasonal(series: readonly number[], m: number, z = 1.645): boolean {
  if (m <= 1 || series.length < 3 * m) return false;
  let sumSquares = 0;
  for (let k = 1; k < m; k++) sumSquares += autocorrelation(series, k) ** 2;
  const limit = z * Math.sqrt((1 + 2 * sumSquares) / series.length);
  return Math.abs(autocorrelation(series, m)) > limit;
}
