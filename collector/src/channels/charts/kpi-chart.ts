import { createHash } from 'node:crypto';
import { renderAsync } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { formatNumber } from '../templates/message-view';
import type { ForecastPoint, HistoryPoint } from './kpi-history-source';

/**
 * The KPI chart of alert emails, rendered on the server: Apache ECharts draws an SVG (server-side
 * rendering, no DOM), resvg turns it into a PNG that mail clients show inline. It shows the recent
 * history, the threshold as a dashed line, the alert's value as a marker and the forecast with its
 * 80 % band. Times are in UTC (the axis says so).
 *
 * Text needs a font: resvg uses the system's fonts (DejaVu Sans or Liberation Sans when present);
 * without any font the lines and band still render, the labels do not.
 */

export interface KpiChartInput {
  readonly title: string;
  readonly history: readonly HistoryPoint[];
  readonly forecast?: readonly ForecastPoint[];
  readonly threshold?: number;
  /** The alert's value and time, drawn as a marker. */
  readonly alert?: { readonly time: number; readonly value: number };
  readonly width?: number;
  readonly height?: number;
}

export const DEFAULT_CHART_WIDTH = 640;
export const DEFAULT_CHART_HEIGHT = 280;

const COLORS = { history: '#1570ef', forecast: '#7a5af8', band: 'rgba(122,90,248,0.18)', threshold: '#d92d20', alert: '#d92d20' };

/** The chart as an SVG document. */
export function renderKpiChartSvg(input: KpiChartInput): string {
  const width = input.width ?? DEFAULT_CHART_WIDTH;
  const height = input.height ?? DEFAULT_CHART_HEIGHT;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(chartOption(input));
    return chart.renderToSVGString();
  } finally {
    // Disposing stops zrender's animation loop, which would otherwise keep the process alive.
    chart.dispose();
  }
}

/**
 * The chart as PNG bytes (2× the CSS size for sharp text on high-density screens). ECharts draws on
 * the event loop (about 60 ms); resvg rasterises on libuv's thread pool (`renderAsync`).
 */
export async function renderKpiChartPng(input: KpiChartInput): Promise<Buffer> {
  const width = input.width ?? DEFAULT_CHART_WIDTH;
  const svg = renderKpiChartSvg(input);
  const image = await renderAsync(svg, {
    background: '#ffffff',
    fitTo: { mode: 'width', value: width * 2 },
    font: { loadSystemFonts: true, sansSerifFamily: 'DejaVu Sans', defaultFontFamily: 'DejaVu Sans' },
  });
  return image.asPng();
}

/**
 * Remembers the last few charts by their exact input, so an incident notified to several people
 * (or retried) is drawn once. Least recently used charts are dropped first.
 */
export class KpiChartCache {
  private readonly entries = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly render: (input: KpiChartInput) => Promise<Buffer> = renderKpiChartPng,
    private readonly capacity = 16,
  ) {}

  png(input: KpiChartInput): Promise<Buffer> {
    const key = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const rendered = this.render(input);
    this.entries.set(key, rendered);
    rendered.catch(() => this.entries.delete(key));
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return rendered;
  }

  get size(): number {
    return this.entries.size;
  }
}

function chartOption(input: KpiChartInput): echarts.EChartsOption {
  const forecast = input.forecast ?? [];
  const series: echarts.SeriesOption[] = [
    {
      name: 'history',
      type: 'line',
      showSymbol: input.history.length <= 40,
      symbolSize: 4,
      lineStyle: { width: 2, color: COLORS.history },
      itemStyle: { color: COLORS.history },
      data: input.history.map((p) => [p.time, p.value]),
      markLine:
        input.threshold === undefined
          ? undefined
          : {
              symbol: 'none',
              silent: true,
              lineStyle: { color: COLORS.threshold, type: 'dashed', width: 1.5 },
              label: { formatter: `threshold ${formatNumber(input.threshold)}`, position: 'insideEndTop', color: COLORS.threshold },
              data: [{ yAxis: input.threshold }],
            },
      markPoint:
        input.alert === undefined
          ? undefined
          : {
              symbol: 'circle',
              symbolSize: 10,
              itemStyle: { color: COLORS.alert },
              label: { show: false },
              data: [{ name: 'alert', coord: [input.alert.time, input.alert.value] }],
            },
    },
  ];
  if (forecast.length > 0) {
    series.push(
      // The 80 % band: an invisible lower line with the band's width stacked on top of it.
      {
        name: 'band-base',
        type: 'line',
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        data: forecast.map((p) => [p.time, p.lo80]),
      },
      {
        name: 'forecast 80%',
        type: 'line',
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: COLORS.band },
        data: forecast.map((p) => [p.time, p.hi80 - p.lo80]),
      },
      {
        name: 'forecast',
        type: 'line',
        symbol: 'none',
        lineStyle: { width: 2, type: 'dashed', color: COLORS.forecast },
        itemStyle: { color: COLORS.forecast },
        data: forecast.map((p) => [p.time, p.yhat]),
      },
    );
  }
  const values = [
    ...input.history.map((p) => p.value),
    ...forecast.flatMap((p) => [p.lo80, p.hi80]),
    ...(input.threshold === undefined ? [] : [input.threshold]),
  ];
  const range = niceRange(values);
  return {
    animation: false,
    useUTC: true,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'DejaVu Sans, Liberation Sans, sans-serif' },
    title: { text: input.title, left: 12, top: 8, textStyle: { fontSize: 14, fontWeight: 'bold', color: '#1d2939' } },
    legend: forecast.length > 0 ? { data: ['history', 'forecast'], right: 12, top: 8, textStyle: { fontSize: 11 } } : undefined,
    grid: { left: 72, right: 24, top: 44, bottom: 40 },
    xAxis: { type: 'time', name: 'UTC', nameLocation: 'end', nameTextStyle: { fontSize: 10, color: '#667085' }, axisLabel: { fontSize: 10, hideOverlap: true } },
    yAxis: {
      type: 'value',
      min: range?.min,
      max: range?.max,
      interval: range?.step,
      axisLabel: { fontSize: 10, formatter: (v: number) => compactNumber(v) },
      splitLine: { lineStyle: { color: '#eaecf0' } },
    },
    series,
  };
}

/**
 * A value axis covering every value (history, band, threshold — ECharts leaves mark lines out of
 * its own extent) with about five round steps: 1, 2, 2.5 or 5 times a power of ten.
 */
export function niceRange(values: readonly number[]): { min: number; max: number; step: number } | undefined {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return undefined;
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  if (low === high) {
    const spread = Math.abs(low) * 0.1 || 1;
    low -= spread;
    high += spread;
  }
  const rough = (high - low) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power);
  const min = Math.floor(low / step) * step;
  const max = Math.ceil(high / step) * step;
  return { min: tidy(min), max: tidy(max), step: tidy(step) };
}

/** Removes floating-point noise such as 0.30000000000000004. */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/** 1250000 → "1.25M", for axis labels. */
export function compactNumber(value: number): string {
  const abs = Math.abs(value);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  }
  return String(Number(value.toPrecision(3)));
}
