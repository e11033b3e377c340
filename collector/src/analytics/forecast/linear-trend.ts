/**
 * Ordinary least-squares line through (t, y_t), t = 0…n−1. O(n).
 * @example linearTrend([1, 3, 5]) // { intercept: 1, slope: 2 }
 * @throws RangeError on an empty series
 */
export function linearTrend(series: readonly number[]): { intercept: number; slope: number } {
  const n = series.length;
  if (n === 0) throw new RangeError('linearTrend: series is empty');
  if (n === 1) return { intercept: series[0] as number, slope: 0 };
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (const v of series) yMean += v;
  yMean /= n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tMean) * ((series[t] as number) - yMean);
    sxx += (t - tMean) ** 2;
  }
  const slope = sxy / sxx;
  return { intercept: yMean - slope * tMean, slope };
}
