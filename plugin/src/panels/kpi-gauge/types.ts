import type { KpiDirection } from '../../collector/collector-types';

/** Options of the KPI gauge panel (`finmon-kpigauge-panel`); defaults in constants.ts. */
export interface KpiGaugeOptions {
  /** The KPI's id: names the gauge for tests and drill-down links (`${kpi}` in drilldownUrl). */
  kpiId: string;
  /** Text above the value; empty = the field's display name. */
  title: string;
  /** Which query gives what (see frames.ts). */
  valueRefId: string;
  targetRefId: string;
  comparisonRefId: string;
  forecastRefId: string;
  /** A fixed target, used when no target query returns a value. */
  target: number | null;
  direction: KpiDirection;
  /** Attainment of target at or above which the KPI is on track, and below which it is off track. */
  warnRatio: number;
  critRatio: number;
  comparisonLabel: string;
  showSparkline: boolean;
  showTrend: boolean;
  showForecastBand: boolean;
  forecastField: string;
  bandLowerField: string;
  bandUpperField: string;
  /** Drill-down target when the value field has no data links; template variables are interpolated. */
  drilldownUrl: string;
}
