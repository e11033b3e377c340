/**
 * The input of a pooled window model at time `end` of a log series: out[0] = 1 (intercept) and
 * out[j] = clamp(log y_{end−j} − log y_end, ±clip) for j = 1…lookback−1, so windows of series on any
 * scale are comparable. Before the series start the first value is repeated. Returns log y_end,
 * the reference the model's outputs are added to. O(lookback).
 * @example logRatioWindow([0, Math.log(2)], 1, 3, 5, out) // out = [1, −log 2, −log 2], returns log 2
 * @throws RangeError when end is outside the series or out is shorter than lookback
 */
export function logRatioWindow(logs: ArrayLike<number>, end: number, lookback: number, clip: number, out: Float64Array): number {
  if (!Number.isInteger(end) || end < 0 || end >= logs.length) throw new RangeError(`logRatioWindow: end ${end} outside [0, ${logs.length})`);
  if (out.length < lookback) throw new RangeError(`logRatioWindow: output holds ${out.length} values, needs ${lookback}`);
  const reference = logs[end] as number;
  out[0] = 1;
  for (let j = 1; j < lookback; j++) {
    const v = (logs[Math.max(0, end - j)] as number) - reference;
    out[j] = v > clip ? clip : v < -clip ? -clip : v;
  }
  return reference;
}
