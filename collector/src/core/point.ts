/**
 * A KPI observation as it moves through the collector and is stored in InfluxDB:
 * measurement = KPI id, tags = the KPI's dimensions, field `value` (plus optional extra fields
 * for computed points such as rollups).
 */
export type FieldValue = number | string | boolean;

export interface Point {
  /** KPI id; the InfluxDB measurement. */
  readonly kpi: string;
  /** Dimension values (InfluxDB tags), e.g. { account: 'ops-usd', currency: 'USD' }. */
  readonly tags: Readonly<Record<string, string>>;
  /** The KPI's value (InfluxDB field `value`). Always finite. */
  readonly value: number;
  /** Timestamp in epoch milliseconds (integer), derived from `ns`. Use it for all arithmetic. */
  readonly time: number;
  /** Exact timestamp in epoch nanoseconds, as received; the one written to InfluxDB. */
  readonly ns: bigint;
  /** Extra fields, only on points the collector computes (rollups: target, variance, …). */
  readonly fields?: Readonly<Record<string, FieldValue>>;
  /**
   * The point's line of line protocol exactly as received, set only when that text already is
   * what the serializer would store (nanosecond timestamp present, float `value`): storage writes
   * it as is instead of serializing the point again (the ingest hot path).
   */
  readonly line?: string;
}

const NS_PER_MS = 1_000_000n;

/** Builds a point from an epoch-millisecond timestamp. */
export function pointAt(
  kpi: string,
  tags: Record<string, string>,
  value: number,
  timeMs: number,
  fields?: Record<string, FieldValue>,
): Point {
  const ms = Math.trunc(timeMs);
  return fields
    ? { kpi, tags, value, time: ms, ns: BigInt(ms) * NS_PER_MS, fields }
    : { kpi, tags, value, time: ms, ns: BigInt(ms) * NS_PER_MS };
}

/** Epoch milliseconds of an epoch-nanosecond timestamp (floor). */
export function nsToMs(ns: bigint): number {
  const q = ns / NS_PER_MS;
  return Number(ns < 0n && ns % NS_PER_MS !== 0n ? q - 1n : q);
}

/** Stable identity of a series: KPI id plus its sorted tags. */
export function seriesKey(kpi: string, tags: Readonly<Record<string, string>>): string {
  const keys = Object.keys(tags).sort();
  let key = kpi;
  for (const k of keys) key += `,${k}=${tags[k]}`;
  return key;
}
