import type { KpiGaugeOptions } from './types';

export const KPI_GAUGE_PANEL_ID = 'finmon-kpigauge-panel';

export const DEFAULT_KPI_GAUGE_OPTIONS: KpiGaugeOptions = {
  kpiId: '',
  title: '',
  valueRefId: 'A',
  targetRefId: 'T',
  comparisonRefId: 'C',
  forecastRefId: 'F',
  target: null,
  direction: 'higher_is_better',
  warnRatio: 0.95,
  critRatio: 0.85,
  comparisonLabel: 'vs previous period',
  showSparkline: true,
  showTrend: true,
  showForecastBand: true,
  forecastField: 'yhat',
  bandLowerField: 'lo80',
  bandUpperField: 'hi80',
  drilldownUrl: '',
};
