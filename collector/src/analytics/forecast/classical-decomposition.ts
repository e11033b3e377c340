/**
 * Seasonal indices of a classical multiplicative decomposition (FPP3 §3.4; R's
 * `decompose(type = "multiplicative")`): trend = centred moving average of order m (2×m for even
 * m), ratios y/trend averaged by season position, then scaled to average 1. Index i belongs to the
 * position of observation i (mod m) counted from the series start. O(n·m).
 * @example multiplicativeSeasonalIndices([1, 3, 1, 3, 1, 3], 2) // [0.5, 1.5]
 * @throws RangeError when m < 2 or the series is shorter than 2m, or has a non-positive trend value
 */
export function multiplicativeSeasonalIndices(series: readonly number[], m: number): number[] {
  const n = series.length;
  if (!Number.isInteger(m) || m < 2) throw new RangeError(`classical decomposition: period must be an integer ≥ 2, got ${m}`);
  if (n < 2 * m) throw new RangeError(`classical decomposition: needs ≥ ${2 * m} observations for period ${m}, got ${n}`);
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    let trend = 0;
    if (m % 2 === 1) {
      for (let j = t - half; j <= t + half; j++) trend += series[j] as number;
      trend /= m;
    } else {
      if (t + half >= n) continue;
      trend = ((series[t - half] as number) + (series[t + half] as number)) / 2;
      for (let j = t - half + 1; j < t + half; j++) trend += series[j] as number;
      trend /= m;
    }
    if (!(trend > 0)) throw new RangeError(`classical decomposition: trend at ${t} is ${trend}; multiplicative needs positive values`);
    const position = t % m;
    sums[position] = (sums[position] as number) + (series[t] as number) / trend;
    counts[position] = (counts[position] as number) + 1;
  }
  const raw = sums.map((s, i) => s / (counts[i] as number));
  const average = raw.reduce((a, b) => a + b, 0) / m;
  return raw.map((r) => r / average);
}
