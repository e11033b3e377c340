import type { TimePoint, TrendLine } from './trend-line';

/** A forecast point: the expected value and its band (any may be missing). */
export interface BandPoint {
  t: number;
  mid?: number;
  lo?: number;
  hi?: number;
}

export interface SparklineInput {
  series: readonly TimePoint[];
  forecast?: readonly BandPoint[];
  trend?: TrendLine;
  width: number;
  height: number;
  /** Space kept free at the top and bottom, in px. */
  padding?: number;
}

export interface SparklinePaths {
  line: string;
  /** The fitted trend across the observed time range. */
  trend: string;
  /** Closed polygon of the forecast band (lo…hi), empty without band points. */
  band: string;
  /** The forecast's expected values, dashed by the component. */
  forecast: string;
  /** Where the last observed point is drawn. */
  last?: { x: number; y: number };
}

/**
 * Scales a KPI's series, its forecast band and trend line into one SVG box: time spans the
 * observed series and the forecast, values span everything drawn. Non-finite values are skipped
 * (they break the line). Returns empty paths when nothing can be drawn.
 */
export function sparklinePaths(input: SparklineInput): SparklinePaths {
  const padding = input.padding ?? 2;
  const series = input.series.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v));
  const forecast = (input.forecast ?? []).filter((p) => Number.isFinite(p.t));
  const times = [...series.map((p) => p.t), ...forecast.map((p) => p.t)];
  const values = [
    ...series.map((p) => p.v),
    ...forecast.flatMap((p) => [p.mid, p.lo, p.hi]).filter((v): v is number => v !== undefined && Number.isFinite(v)),
  ];
  const empty: SparklinePaths = { line: '', trend: '', band: '', forecast: '' };
  if (times.length === 0 || values.length === 0 || input.width <= 0 || input.height <= 0) {
    return empty;
  }
  const tMin = Math.min(...times);
  const tMax = Math.max(...times);
  const firstT = series[0]?.t;
  const lastT = series[series.length - 1]?.t;
  const trendValues =
    input.trend && firstT !== undefined && lastT !== undefined ? [input.trend.at(firstT), input.trend.at(lastT)] : [];
  const allValues = [...values, ...trendValues.filter(Number.isFinite)];
  let vMin = Math.min(...allValues);
  let vMax = Math.max(...allValues);
  if (vMax === vMin) {
    vMin -= 1;
    vMax += 1;
  }
  const x = (t: number) => (tMax === tMin ? input.width / 2 : ((t - tMin) / (tMax - tMin)) * input.width);
  const y = (v: number) => padding + (1 - (v - vMin) / (vMax - vMin)) * (input.height - 2 * padding);
  const fmt = (n: number) => Math.round(n * 100) / 100;
  const polyline = (pts: Array<{ x: number; y: number }>) =>
    pts.map((p, i) => `${i === 0 ? 'M' : 'L'} ${fmt(p.x)} ${fmt(p.y)}`).join(' ');

  const line = polyline(series.map((p) => ({ x: x(p.t), y: y(p.v) })));
  const trend =
    input.trend && firstT !== undefined && lastT !== undefined && lastT > firstT
      ? polyline([
          { x: x(firstT), y: y(input.trend.at(firstT)) },
          { x: x(lastT), y: y(input.trend.at(lastT)) },
        ])
      : '';
  const banded = forecast.filter(
    (p) => p.lo !== undefined && p.hi !== undefined && Number.isFinite(p.lo) && Number.isFinite(p.hi)
  );
  const band =
    banded.length > 0
      ? `${polyline([
          ...banded.map((p) => ({ x: x(p.t), y: y(p.hi!) })),
          ...[...banded].reverse().map((p) => ({ x: x(p.t), y: y(p.lo!) })),
        ])} Z`
      : '';
  const mids = forecast.filter((p) => p.mid !== undefined && Number.isFinite(p.mid));
  const lastPoint = series[series.length - 1];
  const forecastPts = [
    ...(lastPoint && mids.length > 0 ? [{ x: x(lastPoint.t), y: y(lastPoint.v) }] : []),
    ...mids.map((p) => ({ x: x(p.t), y: y(p.mid!) })),
  ];
  return {
    line,
    trend,
    band,
    forecast: forecastPts.length > 1 ? polyline(forecastPts) : '',
    last: lastPoint ? { x: fmt(x(lastPoint.t)), y: fmt(y(lastPoint.v)) } : undefined,
  };
}
