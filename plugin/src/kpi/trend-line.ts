import { linearRegression } from 'simple-statistics';

export interface TimePoint {
  /** Epoch ms. */
  t: number;
  v: number;
}

export interface TrendLine {
  /** Change per millisecond. */
  slope: number;
  intercept: number;
  /** The fitted value at epoch ms `t`. */
  at(t: number): number;
}

/**
 * Ordinary least squares line through the points (simple-statistics' `linearRegression`), O(n).
 * Times are shifted to start at 0 before fitting so epoch-sized x values keep their precision.
 * Undefined with fewer than two finite points or when all points share one time.
 */
export function fitTrend(points: readonly TimePoint[]): TrendLine | undefined {
  const finite = points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v));
  if (finite.length < 2) {
    return undefined;
  }
  const origin = finite[0]!.t;
  if (finite.every((p) => p.t === origin)) {
    return undefined;
  }
  const { m, b } = linearRegression(finite.map((p) => [p.t - origin, p.v]));
  return { slope: m, intercept: b - m * origin, at: (t: number) => m * (t - origin) + b };
}
