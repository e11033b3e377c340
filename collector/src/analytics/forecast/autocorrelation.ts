/**
 * Sample autocorrelation at lag k: Σ_{t=k}^{n-1} (y_t−ȳ)(y_{t−k}−ȳ) / Σ (y_t−ȳ)² (Box & Jenkins'
 * estimator, as R's acf). Returns 0 for a constant series. O(n).
 * @example autocorrelation([1, 2, 1, 2], 1) // -0.75
 * @throws RangeError when k is not an integer in [0, n)
 */
export function autocorrelation(series: readonly number[], k: number): number {
  const n = series.length;
  if (!Number.isInteger(k) || k < 0 || k >= n) throw new RangeError(`autocorrelation: lag ${k} outside [0, ${n})`);
  let mean = 0;
  for (const v of series) mean += v;
  mean /= n;
  let denominator = 0;
  for (const v of series) denominator += (v - mean) ** 2;
  if (denominator === 0) return 0;
  let numerator = 0;
  for (let t = k; t < n; t++) numerator += ((series[t] as number) - mean) * ((series[t - k] as number) - mean);
  return numerator / denominator;
}
