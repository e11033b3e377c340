import type { Clock } from '../../core/clock';
import { quoteIdentifier, quoteString, type InfluxClient } from '../../storage/influx/influx-client';

/**
 * Where the email chart gets a KPI's recent history and forecast: a port, with the InfluxDB adapter
 * below and an in-memory fake for tests.
 */

export interface HistoryPoint {
  readonly time: number;
  readonly value: number;
}

export interface ForecastPoint {
  readonly time: number;
  readonly yhat: number;
  readonly lo80: number;
  readonly hi80: number;
}

export interface KpiHistorySource {
  /** The series' values between `fromMs` and `toMs` (inclusive), oldest first. */
  history(kpi: string, series: Readonly<Record<string, string>>, fromMs: number, toMs: number): Promise<HistoryPoint[]>;
  /** The KPI's current forecast (future points, oldest first), when one exists. */
  forecast?(kpi: string, series: Readonly<Record<string, string>>): Promise<ForecastPoint[]>;
}

/** At most this many points per chart: longer histories are averaged into time buckets. */
export const MAX_CHART_POINTS = 240;
/** How far ahead the forecast is read. */
const FORECAST_HORIZON_MS = 120 * 86_400_000;

/**
 * Reads history from the KPI's measurement (field `value`, tags = the series' dimensions) and the
 * forecast from `kpi_forecast` (tags kpi, model; fields yhat, lo80, hi80). Long ranges are averaged
 * into buckets so a chart never holds more than `MAX_CHART_POINTS`. A KPI-wide alert (no series
 * tags) on a KPI with dimensions charts the mean over its series. Several forecast models: the
 * preferred one when present, else the first by name.
 */
export class InfluxKpiHistorySource implements KpiHistorySource {
  constructor(
    private readonly influx: Pick<InfluxClient, 'query'>,
    private readonly clock: Clock,
    private readonly options: { preferredModel?: string } = {},
  ) {}

  async history(kpi: string, series: Readonly<Record<string, string>>, fromMs: number, toMs: number): Promise<HistoryPoint[]> {
    const from = Math.floor(fromMs);
    const to = Math.ceil(toMs);
    const bucketMs = Math.max(60_000, Math.ceil((to - from) / MAX_CHART_POINTS / 60_000) * 60_000);
    const where = [`time >= ${from}ms`, `time <= ${to}ms`, ...tagConditions(series)].join(' AND ');
    const result = await this.influx.query(
      `SELECT mean("value") AS "value" FROM ${quoteIdentifier(kpi)} WHERE ${where} GROUP BY time(${bucketMs / 60_000}m) fill(none)`,
      { epoch: 'ms' },
    );
    return toPoints(result.flatMap((s) => s.rows), (row) => {
      const value = row.value;
      return typeof value === 'number' ? { time: row.time as number, value } : undefined;
    });
  }

  async forecast(kpi: string): Promise<ForecastPoint[]> {
    const now = this.clock.now();
    const result = await this.influx.query(
      `SELECT "yhat", "lo80", "hi80" FROM "kpi_forecast" WHERE "kpi" = ${quoteString(kpi)} AND time > ${Math.floor(now)}ms AND time <= ${Math.floor(now + FORECAST_HORIZON_MS)}ms GROUP BY "model"`,
      { epoch: 'ms' },
    );
    if (result.length === 0) return [];
    const preferred = result.find((s) => s.tags.model === this.options.preferredModel);
    const chosen = preferred ?? [...result].sort((a, b) => (a.tags.model ?? '').localeCompare(b.tags.model ?? ''))[0];
    return toPoints(chosen?.rows ?? [], (row) => {
      const { yhat, lo80, hi80 } = row;
      return typeof yhat === 'number' && typeof lo80 === 'number' && typeof hi80 === 'number'
        ? { time: row.time as number, yhat, lo80, hi80 }
        : undefined;
    });
  }
}

function tagConditions(series: Readonly<Record<string, string>>): string[] {
  return Object.keys(series)
    .sort()
    .map((tag) => `${quoteIdentifier(tag)} = ${quoteString(series[tag] as string)}`);
}

function toPoints<R, P extends { time: number }>(rows: readonly R[], map: (row: R) => P | undefined): P[] {
  const out: P[] = [];
  for (const row of rows) {
    const point = map(row);
    if (point !== undefined && Number.isFinite(point.time)) out.push(point);
  }
  return out.sort((a, b) => a.time - b.time);
}

/** In-memory history and forecasts, for tests and the demo. */
export class InMemoryKpiHistorySource implements KpiHistorySource {
  private readonly series = new Map<string, HistoryPoint[]>();
  private readonly forecasts = new Map<string, ForecastPoint[]>();
  /** Every call, for assertions. */
  readonly calls: { kpi: string; series: Readonly<Record<string, string>>; fromMs: number; toMs: number }[] = [];

  add(kpi: string, series: Readonly<Record<string, string>>, points: readonly HistoryPoint[]): this {
    const key = seriesKeyOf(kpi, series);
    this.series.set(key, [...(this.series.get(key) ?? []), ...points].sort((a, b) => a.time - b.time));
    return this;
  }

  setForecast(kpi: string, points: readonly ForecastPoint[]): this {
    this.forecasts.set(kpi, [...points]);
    return this;
  }

  async history(kpi: string, series: Readonly<Record<string, string>>, fromMs: number, toMs: number): Promise<HistoryPoint[]> {
    this.calls.push({ kpi, series, fromMs, toMs });
    return (this.series.get(seriesKeyOf(kpi, series)) ?? []).filter((p) => p.time >= fromMs && p.time <= toMs);
  }

  async forecast(kpi: string): Promise<ForecastPoint[]> {
    return this.forecasts.get(kpi) ?? [];
  }
}

function seriesKeyOf(kpi: string, series: Readonly<Record<string, string>>): string {
  return JSON.stringify([kpi, Object.entries(series).sort(([a], [b]) => a.localeCompare(b))]);
}
