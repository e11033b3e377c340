import type { Logger } from '../../core/logger';
import { DEFAULT_DOWNSAMPLE, ensureDownsampleContinuousQuery, type DownsampleConfig } from './downsampling';
import { quoteIdentifier, type InfluxClient } from './influx-client';

/** How finmon's InfluxDB database is laid out. */
export interface SchemaOptions {
  /** Default `finmon`. */
  readonly database?: string;
  /**
   * Raw points: retention policy name (default `autogen`, the database default), how long it keeps
   * data (InfluxQL duration, default `INF`) and its shard group duration (default `4w` when the data
   * is kept forever, else InfluxDB's choice). Long shard groups keep a year-long dashboard query to
   * a dozen shards instead of 52.
   */
  readonly raw?: { readonly name?: string; readonly duration?: string; readonly shardDuration?: string };
  /** Hourly aggregates for dashboards: name (default `rp_1h`), duration (default `INF`), shard duration (default `26w` when kept forever). */
  readonly hourly?: { readonly name?: string; readonly duration?: string; readonly shardDuration?: string };
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
  const rawDuration = options.raw?.duration ?? 'INF';
  const raw = {
    name: options.raw?.name ?? 'autogen',
    duration: rawDuration,
    shardDuration: options.raw?.shardDuration ?? (rawDuration === 'INF' ? '4w' : undefined),
  };
  const hourlyDuration = options.hourly?.duration ?? 'INF';
  const hourly = {
    name: options.hourly?.name ?? DEFAULT_DOWNSAMPLE.targetRetentionPolicy,
    duration: hourlyDuration,
    shardDuration: options.hourly?.shardDuration ?? (hourlyDuration === 'INF' ? '26w' : undefined),
  };
  for (const [what, rp] of [
    ['raw', raw],
    ['hourly', hourly],
  ] as const) {
    if (!DURATION.test(rp.duration)) {
      throw new Error(`schema setup: ${what} retention duration "${rp.duration}" is not an InfluxQL duration such as "INF", "400d" or "52w"`);
    }
    if (rp.shardDuration !== undefined && (!DURATION.test(rp.shardDuration) || rp.shardDuration === 'INF')) {
      throw new Error(`schema setup: ${what} shard duration "${rp.shardDuration}" is not a finite InfluxQL duration such as "1w" or "4w"`);
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
  rp: { name: string; duration: string; shardDuration: string | undefined },
  isDefault: boolean,
  exists: boolean,
): Promise<void> {
  const verb = exists ? 'ALTER' : 'CREATE';
  const replication = exists ? '' : ' REPLICATION 1';
  await client.query(
    `${verb} RETENTION POLICY ${quoteIdentifier(rp.name)} ON ${quoteIdentifier(database)} DURATION ${rp.duration}${replication}${rp.shardDuration ? ` SHARD DURATION ${rp.shardDuration}` : ''}${isDefault ? ' DEFAULT' : ''}`,
    { database },
  );
}
