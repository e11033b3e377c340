/**
 * The M4 competition's accuracy measures (Makridakis, Spiliotis & Assimakopoulos 2020, §2.3; the
 * organisers' `smape_cal` / `mase_cal`).
 */

function checkPair(name: string, actual: readonly number[], forecast: readonly number[]): void {
  if (actual.length === 0) throw new RangeError(`${name}: no actual values`);
  if (actual.length !== forecast.length) throw new RangeError(`${name}: ${actual.length} actual values but ${forecast.length} forecasts`);
  const bad = [...actual, ...forecast].findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`${name}: non-finite value at position ${bad} of actual+forecast`);
}

/**
 * sMAPE = mean over steps of 200·|y − ŷ| / (|y| + |ŷ|), in percent. A step with y = ŷ = 0 counts 0. O(h).
 * @example smape([100], [110]) // 200·10/210 ≈ 9.524
 * @throws RangeError on empty or mismatched or non-finite input
 */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  checkPair('smape', actual, forecast);
  let sum = 0;
  actual.forEach((y, i) => {
    const f = forecast[i] as number;
    const denominator = Math.abs(y) + Math.abs(f);
    sum += denominator === 0 ? 0 : (200 * Math.abs(y - f)) / denominator;
  });
  return sum / actual.length;
}

/**
 * MASE = mean |y − ŷ| over the horizon / mean |y_t − y_{t−m}| over the in-sample series (M4 used
 * m = 1 for weekly data). O(n + h).
 * @example mase([1, 2, 4], [5], [4]) // 1 / 1.5
 * @throws RangeError when the in-sample series is not longer than m or its seasonal differences are all 0
 */
export function mase(inSample: readonly number[], actual: readonly number[], forecast: readonly number[], m = 1): number {
  checkPair('mase', actual, forecast);
  if (inSample.length <= m) throw new RangeError(`mase: in-sample series needs more than ${m} values, got ${inSample.length}`);
  let scale = 0;
  for (let t = m; t < inSample.length; t++) scale += Math.abs((inSample[t] as number) - (inSample[t - m] as number));
  scale /= inSample.length - m;
  if (!(scale > 0)) throw new RangeError('mase: in-sample naive errors are all zero, the scale is undefined');
  let error = 0;
  actual.forEach((y, i) => (error += Math.abs(y - (forecast[i] as number))));
  return error / actual.length / scale;
}

/** Set-level accuracy: means over all series of the per-series measures. */
export interface SetScore {
  readonly smape: number;
  readonly mase: number;
}

/**
 * Overall Weighted Average relative to Naive2, as M4 computed it from SET-level means:
 * OWA = (sMAPE/sMAPE_Naive2 + MASE/MASE_Naive2) / 2. O(1).
 * @example owa({ smape: 9, mase: 3 }, { smape: 10, mase: 2 }) // (0.9 + 1.5) / 2 = 1.2
 * @throws RangeError when a Naive2 score is not positive
 */
export function owa(method: SetScore, naive2: SetScore): number {
  if (!(naive2.smape > 0 && naive2.mase > 0)) throw new RangeError(`owa: Naive2 scores must be positive, got sMAPE ${naive2.smape}, MASE ${naive2.mase}`);
  return (method.smape / naive2.smape + method.mase / naive2.mase) / 2;
}

/**
 * Means of per-series sMAPE and MASE over a set of series (M4's aggregation). O(total length).
 * @throws RangeError on an empty set or any invalid series (see smape, mase)
 */
export function scoreSet(cases: readonly { inSample: readonly number[]; actual: readonly number[]; forecast: readonly number[] }[], m = 1): SetScore {
  if (cases.length === 0) throw new RangeError('scoreSet: no series to score');
  let s = 0;
  let q = 0;
  for (const c of cases) {
    s += smape(c.actual, c.forecast);
    q += mase(c.inSample, c.actual, c.forecast, m);
  }
  return { smape: s / cases.length, mase: q / cases.length };
}
