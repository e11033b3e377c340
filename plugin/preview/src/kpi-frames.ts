import { type DataFrame, type FieldConfig, FieldType, ThresholdsMode, toDataFrame } from '@grafana/data';
import type { ForecastPoint } from '../../src/collector/collector-client';
import type { HistoryPoint, KpiEntry } from '../../src/collector/collector-types';
import { thresholdStepsFromBounds } from '../../src/kpi/threshold-steps';
import { DEFAULT_KPI_GAUGE_OPTIONS } from '../../src/panels/kpi-gauge/constants';
import type { KpiGaugeOptions } from '../../src/panels/kpi-gauge/types';
import { grafanaUnitFor } from './grafana-unit';

/** What a KPI gauge panel gets in the preview: the frames a dashboard's queries would return, and its options. */
export interface GaugeInput {
  frames: DataFrame[];
  options: KpiGaugeOptions;
}

/** The URL of the preview's detail view of a KPI, as a data link with the `${kpi}` variable. */
export const DETAIL_LINK = '#/kpi/${kpi}';

function toMs(time: string | number): number {
  return typeof time === 'number' ? time : Date.parse(time);
}

/**
 * Builds the gauge's input from the collector's answers, as the provisioned dashboards' queries
 * would: refId A the KPI's history (falling back to its current value), T its daily target, C the
 * point before the last (the previous period of daily totals), F the forecast with its 80 % band.
 * The field config carries unit, decimals, the KPI's thresholds as Grafana steps and a data link
 * to the detail view.
 */
export function gaugeInput(
  kpi: KpiEntry,
  history: readonly HistoryPoint[],
  forecast: readonly ForecastPoint[] = []
): GaugeInput {
  const points = history
    .map((p) => ({ t: toMs(p.time), v: p.value }))
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v))
    .sort((a, b) => a.t - b.t);
  if (points.length === 0 && kpi.current) {
    points.push({ t: toMs(kpi.current.time), v: kpi.current.value });
  }
  const config: FieldConfig = {
    displayName: kpi.name,
    unit: grafanaUnitFor(kpi.unit),
    decimals: kpi.decimals,
    links: [{ title: `${kpi.name} details`, url: DETAIL_LINK }],
  };
  if (kpi.thresholds) {
    config.thresholds = { mode: ThresholdsMode.Absolute, steps: thresholdStepsFromBounds(kpi.thresholds) };
  }
  const frames: DataFrame[] = [
    toDataFrame({
      refId: 'A',
      fields: [
        { name: 'Time', type: FieldType.time, values: points.map((p) => p.t) },
        { name: 'Value', type: FieldType.number, values: points.map((p) => p.v), config },
      ],
    }),
  ];
  const last = points[points.length - 1];
  const target = kpi.target?.daily;
  if (target !== undefined && last) {
    frames.push(single('T', 'target', last.t, target));
  }
  const previous = points[points.length - 2];
  if (previous) {
    frames.push(single('C', 'previous', previous.t, previous.v));
  }
  const band = forecast
    .map((p) => ({ t: toMs(p.time), yhat: p.yhat, lo80: p.lo80, hi80: p.hi80 }))
    .filter((p) => Number.isFinite(p.t));
  if (band.length > 0) {
    frames.push(
      toDataFrame({
        refId: 'F',
        fields: [
          { name: 'Time', type: FieldType.time, values: band.map((p) => p.t) },
          { name: 'yhat', type: FieldType.number, values: band.map((p) => p.yhat ?? null) },
          { name: 'lo80', type: FieldType.number, values: band.map((p) => p.lo80 ?? null) },
          { name: 'hi80', type: FieldType.number, values: band.map((p) => p.hi80 ?? null) },
        ],
      })
    );
  }
  return {
    frames,
    options: {
      ...DEFAULT_KPI_GAUGE_OPTIONS,
      kpiId: kpi.id,
      title: kpi.name,
      direction: kpi.direction ?? 'higher_is_better',
      comparisonLabel: 'vs previous',
    },
  };
}

function single(refId: string, name: string, t: number, v: number): DataFrame {
  return toDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: [t] },
      { name, type: FieldType.number, values: [v] },
    ],
  });
}

/** The collector's "now": the newest current value of any KPI (the demo's clock runs fast), else the browser's clock. */
export function collectorNow(kpis: readonly KpiEntry[], fallback: number): number {
  const times = kpis.map((k) => (k.current ? Date.parse(k.current.time) : Number.NaN)).filter(Number.isFinite);
  return times.length ? Math.max(...times) : fallback;
}

/** The headline KPIs of the executive overview, in order, those the catalog has. */
export const HEADLINE_KPIS = [
  'cash_position',
  'revenue',
  'gross_margin',
  'ebitda',
  'runway_months',
  'dso',
  'churn_rate',
  'platform_uptime',
];

export function headlineKpis(kpis: readonly KpiEntry[]): KpiEntry[] {
  return HEADLINE_KPIS.map((id) => kpis.find((k) => k.id === id)).filter((k): k is KpiEntry => k !== undefined);
}
