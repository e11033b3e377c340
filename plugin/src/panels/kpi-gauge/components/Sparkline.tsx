import React from 'react';
import { sparklinePaths, type BandPoint } from '../../../kpi/sparkline-geometry';
import type { TimePoint, TrendLine } from '../../../kpi/trend-line';
import { testIds } from '../../../testIds';

export interface SparklineProps {
  series: TimePoint[];
  forecast: BandPoint[];
  trend?: TrendLine;
  width: number;
  height: number;
  lineColor: string;
  trendColor: string;
  bandColor: string;
}

/** The KPI's recent values with the fitted trend (dashed) and the forecast band ahead (shaded). */
export function Sparkline(props: SparklineProps) {
  const paths = sparklinePaths({
    series: props.series,
    forecast: props.forecast,
    trend: props.trend,
    width: props.width,
    height: props.height,
    padding: 3,
  });
  if (!paths.line) {
    return null;
  }
  return (
    <svg
      data-testid={testIds.kpiGauge.sparkline}
      width={props.width}
      height={props.height}
      viewBox={`0 0 ${props.width} ${props.height}`}
      aria-hidden="true"
      style={{ display: 'block' }}
    >
      {paths.band && (
        <path
          data-testid={testIds.kpiGauge.band}
          d={paths.band}
          fill={props.bandColor}
          fillOpacity={0.25}
          stroke="none"
        />
      )}
      {paths.forecast && (
        <path d={paths.forecast} fill="none" stroke={props.lineColor} strokeWidth={1.5} strokeDasharray="2 3" />
      )}
      <path d={paths.line} fill="none" stroke={props.lineColor} strokeWidth={1.5} />
      {paths.trend && (
        <path
          data-testid={testIds.kpiGauge.trend}
          d={paths.trend}
          fill="none"
          stroke={props.trendColor}
          strokeWidth={1}
          strokeDasharray="5 3"
        />
      )}
      {paths.last && <circle cx={paths.last.x} cy={paths.last.y} r={2.5} fill={props.lineColor} />}
    </svg>
  );
}
