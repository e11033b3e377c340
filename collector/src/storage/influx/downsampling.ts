import type { InfluxClient } from './influx-client';
import { quoteIdentifier } from './influx-client';

/** Where raw KPI points are read from and hourly aggregates are written to. */
export interface DownsampleConfig {
  readonly database: string;
  /** Retention policy holding raw points. Default `autogen`. */
  readonly sourceRetentionPolicy: string;
  /** Retention policy receiving hourly aggregates. Default `rp_1h`. */
  readonly targetRetentionPolicy: string;
  /** Measurements starting with this prefix are not downsampled (the engine's rollups). Default `rollup_`. */
  readonly excludePrefix: string;
  /** Name of the continuous query. Default `cq_kpi_1h`. */
  readonly continuousQueryName: string;
  /** The CQ recomputes this much past time at each run, catching late points. Default `2h`. */
  readonly resampleFor: string;
}

export const DEFAULT_DOWNSAMPLE: DownsampleConfig = {
  database: 'finmon',
  sourceRetentionPolicy: 'autogen',
  targetRetentionPolicy: 'rp_1h',
  excludePrefix: 'rollup_',
  continuousQueryName: 'cq_kpi_1h',
  resampleFor: '2h',
};

const HOUR_MS = 3_600_000;

/**
 * An RE2 regular expression (InfluxDB's Go regexp: no look-ahead) matching every name that does
 * NOT start with `prefix`. A name escapes the prefix by ending early or by differing at some
 * position i: `^(?:$|[^r]|r$|r[^o]|ro$|ro[^l]|…)` for "rollup_". O(len(prefix)²) text.
 */
export function regexNotStartingWith(prefix: string): string {
  if (prefix.length === 0) throw new Error('regexNotStartingWith needs a non-empty prefix');
  const alternatives: string[] = [];
  for (let i = 0; i < prefix.length; i++) {
    const head = escapeRegex(prefix.slice(0, i));
    alternatives.push(`${head}$`, `${head}[^${escapeClassChar(prefix[i]!)}]`);
  }
  return `^(?:${alternatives.join('|')})`;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

function escapeClassChar(ch: string): string {
  return /[\\\]^\-/]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * The downsampling SELECT … INTO: hourly mean (as `value`), min, max and last of field `value`
 * for every KPI measurement (not the excluded prefix), keeping all tags. With `range`, limited to
 * [fromMs, toMs) for backfills; without it, the body of the continuous query.
 */
export function downsampleSelect(config: DownsampleConfig, range?: { fromMs: number; toMs: number }): string {
  const db = quoteIdentifier(config.database);
  const where = range
    ? ` WHERE time >= ${Math.trunc(range.fromMs)}ms AND time < ${Math.trunc(range.toMs)}ms`
    : '';
  return (
    'SELECT mean(value) AS value, min(value) AS min, max(value) AS max, last(value) AS last' +
    ` INTO ${db}.${quoteIdentifier(config.targetRetentionPolicy)}.:MEASUREMENT` +
    ` FROM ${db}.${quoteIdentifier(config.sourceRetentionPolicy)}./${regexNotStartingWith(config.excludePrefix)}/` +
    `${where} GROUP BY time(1h), * fill(none)`
  );
}

/** The CREATE CONTINUOUS QUERY statement for live data. */
export function continuousQueryStatement(config: DownsampleConfig): string {
  return (
    `CREATE CONTINUOUS QUERY ${quoteIdentifier(config.continuousQueryName)} ON ${quoteIdentifier(config.database)}` +
    ` RESAMPLE FOR ${config.resampleFor} BEGIN ${downsampleSelect(config)} END`
  );
}

/**
 * Creates the downsampling continuous query, replacing one of the same name whose text differs.
 * Needs the target retention policy to exist (see `setupSchema`).
 */
export async function ensureDownsampleContinuousQuery(
  client: InfluxClient,
  config: DownsampleConfig = DEFAULT_DOWNSAMPLE,
): Promise<'created' | 'replaced' | 'unchanged'> {
  const wanted = continuousQueryStatement(config);
  const series = await client.query('SHOW CONTINUOUS QUERIES');
  const existing = series
    .find((s) => s.name === config.database)
    ?.rows.find((row) => row.name === config.continuousQueryName);
  if (existing && sameStatement(String(existing.query), wanted)) return 'unchanged';
  if (existing) {
    await client.query(
      `DROP CONTINUOUS QUERY ${quoteIdentifier(config.continuousQueryName)} ON ${quoteIdentifier(config.database)}`,
    );
  }
  await client.query(wanted);
  return existing ? 'replaced' : 'created';
}

/** What a backfill did. */
export interface BackfillResult {
  readonly chunks: number;
  /** Points InfluxDB reports as written into the target retention policy. */
  readonly pointsWritten: number;
  /** The hour-aligned range actually processed. */
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Downsamples past data (continuous queries only cover new time): runs the same SELECT … INTO
 * over [fromMs, toMs), widened to whole hours so no hour is averaged from part of its points,
 * one calendar month (UTC) at a time to bound each query's memory. Idempotent: re-running
 * overwrites the same hourly points.
 */
export async function backfillDownsample(
  client: InfluxClient,
  fromMs: number,
  toMs: number,
  config: DownsampleConfig = DEFAULT_DOWNSAMPLE,
  onChunk?: (chunk: { fromMs: number; toMs: number; pointsWritten: number }) => void,
): Promise<BackfillResult> {
  const start = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
  const end = Math.ceil(toMs / HOUR_MS) * HOUR_MS;
  let chunks = 0;
  let pointsWritten = 0;
  for (let chunkStart = start; chunkStart < end; ) {
    const chunkEnd = Math.min(end, startOfNextUtcMonth(chunkStart));
    const series = await client.query(downsampleSelect(config, { fromMs: chunkStart, toMs: chunkEnd }), {
      database: config.database,
    });
    const written = series.reduce((n, s) => n + s.rows.reduce((m, r) => m + (Number(r.written) || 0), 0), 0);
    chunks++;
    pointsWritten += written;
    onChunk?.({ fromMs: chunkStart, toMs: chunkEnd, pointsWritten: written });
    chunkStart = chunkEnd;
  }
  return { chunks, pointsWritten, fromMs: start, toMs: end };
}

function startOfNextUtcMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** InfluxDB stores a CQ re-formatted (quotes dropped from plain identifiers): compare without them. */
export function sameStatement(a: string, b: string): boolean {
  const normalize = (text: string) => text.replace(/"/g, '').replace(/\s+/g, ' ').trim();
  return normalize(a) === normalize(b);
}
