import { performance } from 'node:perf_hooks';
import { durationMs, type KpiDefinition } from '../../config/kpi-schema';
import type { MetricsConfig } from '../../config/metrics-config-schema';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { seriesKey } from '../../core/point';
import { CompanyCalendar, DAY_MS } from '../../kpi/company-calendar';
import type { HistoryBucket, RestoreResult } from '../../kpi/kpi-engine';
import { quoteIdentifier, quoteString, type InfluxClient, type InfluxSeries } from './influx-client';

const HOUR_MS = 3_600_000;

/** The engine side of a warm-up: `KpiEngine.restoreHistory`. */
export interface HistoryRestorer {
  restoreHistory(history: readonly HistoryBucket[]): RestoreResult;
}

export interface EngineWarmUpOptions {
  /** Reads the KPI measurements of `influx.database` (default retention policy: the raw points). */
  readonly influx: Pick<InfluxClient, 'queryStatements'>;
  /** A fresh engine: restoring into one that already holds this history counts it twice. */
  readonly engine: HistoryRestorer;
  /** The configuration the engine runs: which KPIs to load, their cadences, the company time zone. */
  readonly metrics: MetricsConfig;
  /** Epoch ms; history up to and including it is loaded. */
  readonly now: number;
  /**
   * Whole local days loaded before today (default 400: 365-day windows plus last year's month).
   * Formula windows up to `days − 1` days long are complete at the next evaluations (the first may
   * be at the cadence boundary before `now`); longer ones are withheld by `requireFullWindows`.
   */
  readonly days?: number;
  /** Local days per query (default 31), bounding each answer's size and the memory held. */
  readonly chunkDays?: number;
  readonly logger?: Logger;
}

/** What a warm-up loaded. */
export interface EngineWarmUpResult {
  /** Stored points read (raw points plus the points inside hourly aggregates). */
  readonly points: number;
  /** Rows the engine took (raw points and hourly aggregates; the refused ones are in `warnings`). */
  readonly buckets: number;
  readonly chunks: number;
  /** Time range loaded: [fromMs, toMs] (fromMs a local midnight). */
  readonly fromMs: number;
  readonly toMs: number;
  /** Wall-clock time the warm-up took. */
  readonly elapsedMs: number;
  /** What the engine refused (unknown KPIs, days older than it keeps, …), deduplicated. */
  readonly warnings: string[];
}

/**
 * Rebuilds a KPI engine's in-memory state from InfluxDB after a restart, without producing output.
 *
 * Every KPI of the configuration is loaded — raw and derived alike. Derived values are restored as
 * they were stored rather than recomputed: a 365-day ratio of a year ago needs two years of inputs,
 * which the warm-up window does not hold, and rollups compare with it (`last_year`). The engine then
 * computes the next derived values from the restored inputs, as the engine before the restart would
 * have, and no rollup is emitted for the restored periods (`restoreHistory` marks none).
 *
 * The window is whole local days: from the local midnight of the day `days` days before `now`, to
 * `now`, queried `chunkDays` local days at a time (oldest first, `epoch=ms`). Per chunk:
 * - KPIs with a cadence of an hour or more: their raw points (no more rows than hourly aggregates,
 *   and exact, which matters for daily data at window edges);
 * - faster KPIs: per series and local hour (`GROUP BY time(1h), * … tz(<company zone>)`, so hours
 *   never straddle a local midnight), `sum`, `count` and `last` of `value`. The engine's day
 *   aggregates (sum, count, last) are rebuilt exactly for every kind — a rate's daily mean is
 *   sum/count, not a mean of hourly means; only the first/last time inside a day is known to the
 *   hour (the hour's start and end), which the engine uses for the pro-rata share of a window's
 *   partial edge day and for values as of a past time within that hour. Each series' newest value
 *   in the chunk gets its exact time from a `last(value) … GROUP BY *`, so latest values and times
 *   are exact.
 *
 * Needs the raw points for the whole window in the database's default retention policy. Errors
 * are the client's (`InfluxRequestError`); after a failure the engine holds part of the history and
 * should be discarded. O(rows) time; memory O(rows of one chunk).
 */
export async function warmUpEngine(options: EngineWarmUpOptions): Promise<EngineWarmUpResult> {
  const started = performance.now();
  const { influx, engine, metrics, now } = options;
  const days = options.days ?? 400;
  const chunkDays = options.chunkDays ?? 31;
  if (!Number.isInteger(days) || days < 0) throw invalid(`days: expected a whole number ≥ 0, got ${days}`);
  if (!Number.isInteger(chunkDays) || chunkDays < 1) throw invalid(`chunkDays: expected a whole number ≥ 1, got ${chunkDays}`);
  if (!Number.isFinite(now)) throw invalid(`now: expected epoch ms, got ${now}`);

  const calendar = new CompanyCalendar(metrics.company.timezone, metrics.company.weekStartsOn);
  const { pointwise, hourly } = splitByCadence(metrics.kpis);
  const today = calendar.dayOf(now);
  const firstDay = calendar.dayOf(now - days * DAY_MS);
  const fromMs = calendar.dayStart(firstDay);
  const warnings = new Set<string>();
  let points = 0;
  let buckets = 0;
  let chunks = 0;

  for (let day = firstDay; day <= today; day += chunkDays) {
    const lo = calendar.dayStart(day);
    const hi = day + chunkDays > today ? now + 1 : calendar.dayStart(day + chunkDays);
    const statements: string[] = [];
    if (pointwise.length > 0) statements.push(rawPointsQuery(pointwise, lo, hi));
    if (hourly.length > 0) {
      statements.push(hourlyQuery(hourly, lo, hi, calendar.zone), newestPointQuery(hourly, lo, hi));
    }
    if (statements.length === 0) break;
    const results = await influx.queryStatements(statements.join('; '), { epoch: 'ms' });
    const history: HistoryBucket[] = [];
    let s = 0;
    if (pointwise.length > 0) collectRawPoints(results[s++]?.series ?? [], history);
    if (hourly.length > 0) {
      const aggregates = results[s++]?.series ?? [];
      const newest = results[s++]?.series ?? [];
      collectHourly(aggregates, newestTimes(newest), hi, history);
    }
    history.sort((a, b) => a.lastTime - b.lastTime);
    const restored = engine.restoreHistory(history);
    for (const w of restored.warnings) warnings.add(w);
    for (const b of history) points += b.count;
    buckets += restored.applied;
    chunks++;
    options.logger?.debug({ from: new Date(lo).toISOString(), rows: history.length }, 'KPI engine warm-up: chunk restored');
  }

  const result: EngineWarmUpResult = {
    points,
    buckets,
    chunks,
    fromMs,
    toMs: now,
    elapsedMs: Math.round(performance.now() - started),
    warnings: [...warnings],
  };
  if (result.warnings.length > 0) options.logger?.warn({ warnings: result.warnings }, 'KPI engine warm-up: some history was left out');
  return result;
}

/** KPIs whose raw points are loaded (cadence ≥ 1h) and those loaded as hourly aggregates. */
export function splitByCadence(kpis: readonly KpiDefinition[]): { pointwise: string[]; hourly: string[] } {
  const pointwise: string[] = [];
  const hourly: string[] = [];
  for (const k of kpis) (durationMs(k.cadence) >= HOUR_MS ? pointwise : hourly).push(k.id);
  return { pointwise, hourly };
}

function timeRange(lo: number, hi: number): string {
  return `time >= ${Math.trunc(lo)}ms AND time < ${Math.trunc(hi)}ms`;
}

function fromList(kpis: readonly string[]): string {
  return kpis.map(quoteIdentifier).join(', ');
}

/** Raw `value` of each series of `kpis` with time in [lo, hi). */
export function rawPointsQuery(kpis: readonly string[], lo: number, hi: number): string {
  return `SELECT value FROM ${fromList(kpis)} WHERE ${timeRange(lo, hi)} GROUP BY *`;
}

/** Per series and local hour of `zone`: sum, count and last of `value` with time in [lo, hi). */
export function hourlyQuery(kpis: readonly string[], lo: number, hi: number, zone: string): string {
  return (
    `SELECT sum(value) AS sum, count(value) AS count, last(value) AS last FROM ${fromList(kpis)}` +
    ` WHERE ${timeRange(lo, hi)} GROUP BY time(1h), * fill(none) tz(${quoteString(zone)})`
  );
}

/** Each series' newest point in [lo, hi), with its exact time. */
export function newestPointQuery(kpis: readonly string[], lo: number, hi: number): string {
  return `SELECT last(value) AS last FROM ${fromList(kpis)} WHERE ${timeRange(lo, hi)} GROUP BY *`;
}

/**
 * The series' own tags: `GROUP BY *` over several measurements names every tag key of all of
 * them, with "" where a series has none (InfluxDB stores no empty tag values).
 */
function ownTags(series: InfluxSeries): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(series.tags)) if (v !== '') tags[k] = v;
  return tags;
}

function columnIndex(series: InfluxSeries, name: string): number {
  const i = series.columns.indexOf(name);
  if (i < 0) {
    throw new FinmonError(
      ErrorCodes.STORAGE_REJECTED,
      `KPI engine warm-up: InfluxDB's answer for "${series.name}" has no "${name}" column (columns: ${series.columns.join(', ')})`,
      502,
    );
  }
  return i;
}

function collectRawPoints(series: readonly InfluxSeries[], out: HistoryBucket[]): void {
  for (const s of series) {
    const tags = ownTags(s);
    const ti = columnIndex(s, 'time');
    const vi = columnIndex(s, 'value');
    for (const row of s.values) {
      const time = row[ti];
      const value = row[vi];
      if (typeof time !== 'number' || typeof value !== 'number') continue;
      out.push({ kpi: s.name, tags, firstTime: time, lastTime: time, sum: value, count: 1, last: value });
    }
  }
}

/** Exact time of each series' newest point, by series key. */
function newestTimes(series: readonly InfluxSeries[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of series) {
    const row = s.values[0];
    const time = row?.[columnIndex(s, 'time')];
    if (typeof time === 'number') out.set(seriesKey(s.name, ownTags(s)), time);
  }
  return out;
}

/**
 * Hourly aggregates as buckets spanning [hour start, hour end − 1 ms]; the bucket holding the
 * series' newest point of the chunk ends at that point's exact time instead.
 */
function collectHourly(series: readonly InfluxSeries[], newest: ReadonlyMap<string, number>, hi: number, out: HistoryBucket[]): void {
  for (const s of series) {
    const tags = ownTags(s);
    const exact = newest.get(seriesKey(s.name, tags));
    const ti = columnIndex(s, 'time');
    const si = columnIndex(s, 'sum');
    const ci = columnIndex(s, 'count');
    const li = columnIndex(s, 'last');
    for (const row of s.values) {
      const start = row[ti];
      const sum = row[si];
      const count = row[ci];
      const last = row[li];
      if (typeof start !== 'number' || typeof sum !== 'number' || typeof count !== 'number' || typeof last !== 'number') continue;
      const end = Math.min(start + HOUR_MS, hi) - 1;
      const lastTime = exact !== undefined && exact >= start && exact <= end ? exact : end;
      out.push({ kpi: s.name, tags, firstTime: Math.min(start, lastTime), lastTime, sum, count, last });
    }
  }
}

function invalid(message: string): FinmonError {
  return new FinmonError(ErrorCodes.CONFIG_INVALID, `KPI engine warm-up: ${message}`, 500);
}
