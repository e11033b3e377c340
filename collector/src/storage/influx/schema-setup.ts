import type { Logger } from '../../core/logger';
import { DEFAULT_DOWNSAMPLE, ensureDownsampleContinuousQuery, type DownsampleConfig } from './downsampling';
import { quoteIdentifier, type InfluxClient } from './influx-client';

/** How finmon's InfluxDB database is laid out. */
export interface SchemaOptions {
  /** Default `finmon`. */
  readonly database?: string;
  /** Raw points: retention policy name (default `autogen`, the database default) and how long it keeps data (InfluxQL duration, default `INF`). */
  readonly raw?: { readonly name?: string; readonly duration?: string };
  /** Hourly aggregates for dashboards: name (default `rp_1h`) and duration (default `INF`). */
  readonly hourly?: { readonly name?: string; readonly duration?: string };
  /** Continuous-query settings; names and database above take precedence. */
  readonly downsample?: Partial<Pick<DownsampleConfig, 'excludePrefix' | 'continuousQueryName' | 'resampleFor'>>;
  readonly logger?: Logger;
}

/** What `setupSchema` set up (pass `downsample` to `backfillDownsample`). */
export interface SchemaSetupResult {
  readonly database: string;
  readonly downsample: DownsampleConfig;
  readonly continuousQuery: 'created' | 'replaced' | 'unchanged';
}

const DURATION = /^(INF|(\d+(ns|u|µ|ms|s|m|h|d|w))+)$/;

/**
 * Creates (idempotently) the database, the raw retention policy as the default one, the hourly
 * retention policy, and the continuous query that downsamples KPI measurements (not `rollup_*`)
 * into it. Existing retention policies get their duration updated.
 */
export async function setupSchema(client: InfluxClient, options: SchemaOptions = {}): Promise<SchemaSetupResult> {
  const database = options.database ?? DEFAULT_DOWNSAMPLE.database;
  const raw = { name: options.raw?.name ?? 'autogen', duration: options.raw?.duration ?? 'INF' };
  const hourly = {
    name: options.hourly?.name ?? DEFAULT_DOWNSAMPLE.targetRetentionPolicy,
    duration: options.hourly?.duration ?? 'INF',
  };
  for (const [what, rp] of [
    ['raw', raw],
    ['hourly', hourly],
  ] as const) {
    if (!DURATION.test(rp.duration)) {
      throw new Error(`schema setup: ${what} retention duration "${rp.duration}" is not an InfluxQL duration such as "INF", "400d" or "52w"`);
    }
  }
  if (raw.name === hourly.name) throw new Error(`schema setup: raw and hourly retention policies are both named "${raw.name}"`);

  await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`, { database });
  const existing = await retentionPolicies(client, database);
  await ensureRetentionPolicy(client, database, raw, true, existing.has(raw.name));
  await ensureRetentionPolicy(client, database, hourly, false, existing.has(hourly.name));

  const downsample: DownsampleConfig = {
    ...DEFAULT_DOWNSAMPLE,
    ...options.downsample,
    database,
    sourceRetentionPolicy: raw.name,
    targetRetentionPolicy: hourly.name,
  };
  const continuousQuery = await ensureDownsampleContinuousQuery(client, downsample);
  options.logger?.info({ database, raw, hourly, continuousQuery }, 'InfluxDB schema ready');
  return { database, downsample, continuousQuery };
}

async function retentionPolicies(client: InfluxClient, database: string): Promise<Set<string>> {
  const series = await client.query(`SHOW RETENTION POLICIES ON ${quoteIdentifier(database)}`, { database });
  return new Set(series.flatMap((s) => s.rows.map((r) => String(r.name))));
}

async function ensureRetentionPolicy(
  client: InfluxClient,
  database: string,
  rp: { name: string; duration: string },
  isDefault: boolean,
  exists: boolean,
): Promise<void> {
  const verb = exists ? 'ALTER' : 'CREATE';
  const replication = exists ? '' : ' REPLICATION 1';
  await client.query(
    `${verb} RETENTION POLICY ${quoteIdentifier(rp.name)} ON ${quoteIdentifier(database)} DURATION ${rp.duration}${replication}${isDefault ? ' DEFAULT' : ''}`,
    { database },
  );
}
