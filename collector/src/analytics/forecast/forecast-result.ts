import { ErrorCodes, FinmonError } from '../../core/errors';

/** A point forecast with a central prediction interval, one entry per step ahead (index 0 = h 1). */
export interface Forecast {
  readonly mean: number[];
  readonly lower: number[];
  readonly upper: number[];
  /** The interval's coverage in percent (e.g. 95). */
  readonly level: number;
  /** Which model produced it, e.g. "ses(alpha=0.31)". */
  readonly method: string;
}

/** The common interface of every forecaster in this folder. */
export interface Forecaster {
  readonly name: string;
  /**
   * Forecasts `horizon` steps after the last value of `series` with a `level`% interval.
   * @throws FinmonError when the series is empty or holds a non-finite value, or horizon/level are invalid
   */
  forecast(series: readonly number[], horizon: number, level?: number): Forecast;
}

/** Interval coverage used when the caller gives none, in percent. */
export const DEFAULT_LEVEL = 95;

/**
 * Checks a forecaster's input and returns the level to use. O(n).
 * The error names the method, and the first offending index for a non-finite value.
 * @throws FinmonError(INTERNAL, 400) on empty series, NaN/±Infinity, horizon not a positive integer,
 *   level outside (0, 100), or fewer than `minLength` observations
 */
export function checkForecastInput(
  method: string,
  series: readonly number[],
  horizon: number,
  level: number | undefined,
  minLength = 1,
): number {
  const fail = (message: string): never => {
    throw new FinmonError(ErrorCodes.ANALYTICS_INPUT_INVALID, `forecast ${method}: ${message}`, 400);
  };
  if (series.length === 0) fail('series is empty');
  const bad = series.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) fail(`series[${bad}] is ${String(series[bad])}, expected a finite number`);
  if (series.length < minLength) fail(`needs at least ${minLength} observations, got ${series.length}`);
  if (!Number.isInteger(horizon) || horizon < 1) fail(`horizon must be a positive integer, got ${horizon}`);
  const lv = level ?? DEFAULT_LEVEL;
  if (!(lv > 0 && lv < 100)) fail(`level must be a percentage in (0, 100), got ${lv}`);
  return lv;
}
