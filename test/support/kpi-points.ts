import seedrandom from 'seedrandom';
import { InfluxClient } from '../../collector/src/storage/influx/influx-client';

/**
 * Points that system tests send as line protocol, the bookkeeping of which ones the collector
 * acknowledged (a 2xx reply), and the check that InfluxDB holds each of them with its exact value.
 */

/** One point as sent: a KPI of the repository's metrics_config.json with its dimension tags. */
export interface SentPoint {
  readonly kpi: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Epoch ms (sent in ns). */
  readonly timeMs: number;
  readonly value: number;
}

/** Start of the generated timestamps (in the past, so the collector accepts them). */
export const GENERATED_BASE_MS = Date.UTC(2025, 5, 1);

const REGIONS = ['na', 'emea', 'apac'];
const PRODUCTS = ['platform', 'services', 'hardware'];
const BANKS = ['jpmorgan', 'hsbc', 'dbs'];

/**
 * A batch of `size` distinct points for `client`: revenue (region, product) and bank_balance
 * (account, bank, currency=USD) alternately, each at its own second, so that no two points of any
 * batch of any client share a series and a time. Values have cents and come from a PRNG seeded
 * by client and batch.
 */
export function generateBatch(client: number, batch: number, size: number): SentPoint[] {
  const random = seedrandom(`finmon-system-${client}-${batch}`);
  const points: SentPoint[] = [];
  for (let i = 0; i < size; i++) {
    const seq = client * 1_000_000 + batch * size + i;
    const timeMs = GENERATED_BASE_MS + seq * 1000;
    const value = Math.round(random() * 1e9) / 100;
    if (i % 2 === 0) {
      points.push({ kpi: 'revenue', tags: { region: REGIONS[seq % 3]!, product: PRODUCTS[(seq >> 1) % 3]! }, timeMs, value });
    } else {
      points.push({ kpi: 'bank_balance', tags: { account: `sys-c${client}-${seq % 4}`, bank: BANKS[seq % 3]!, currency: 'USD' }, timeMs, value });
    }
  }
  return points;
}

/** The point as a line of InfluxDB line protocol with a nanosecond timestamp. */
export function toLineProtocol(point: SentPoint): string {
  const tags = Object.keys(point.tags)
    .sort()
    .map((k) => `,${k}=${point.tags[k]}`)
    .join('');
  return `${point.kpi}${tags} value=${point.value} ${BigInt(point.timeMs) * 1_000_000n}`;
}

/** Series and time of a point, as one string: measurement|k=v,k=v|epoch ms. */
export function pointKey(kpi: string, tags: Readonly<Record<string, string>>, timeMs: number): string {
  const tagText = Object.keys(tags)
    .filter((k) => tags[k] !== '' && tags[k] !== undefined)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(',');
  return `${kpi}|${tagText}|${timeMs}`;
}

/**
 * Every acknowledged point's expected final value: a point acknowledged again for the same series
 * and time replaces the earlier one (InfluxDB overwrites), so the last acknowledgement wins.
 */
export class AcknowledgedPoints {
  private readonly expected = new Map<string, number>();
  private acknowledgedCount = 0;

  /** Call once the request carrying `points` got a 2xx, in the order the replies arrived. */
  record(points: readonly SentPoint[]): void {
    for (const p of points) this.expected.set(pointKey(p.kpi, p.tags, p.timeMs), p.value);
    this.acknowledgedCount += points.length;
  }

  /** Points acknowledged, counting re-sent ones each time. */
  get count(): number {
    return this.acknowledgedCount;
  }

  /** Distinct series/time pairs acknowledged. */
  get distinct(): number {
    return this.expected.size;
  }

  entries(): IterableIterator<[string, number]> {
    return this.expected.entries();
  }
}

/**
 * Reads every raw point of `kpis` from InfluxDB (database `database`, default retention policy)
 * into a map from `pointKey` to value.
 */
export async function readStoredPoints(influxUrl: string, database: string, kpis: readonly string[]): Promise<Map<string, number>> {
  const client = new InfluxClient({ url: influxUrl, database, timeoutMs: 60_000 });
  const stored = new Map<string, number>();
  for (const kpi of kpis) {
    const series = await client.query(`SELECT "value" FROM "${kpi}" GROUP BY *`, { epoch: 'ms' });
    for (const s of series) {
      for (const row of s.rows) {
        stored.set(pointKey(s.name, s.tags, Number(row.time)), Number(row.value));
      }
    }
  }
  return stored;
}

/** What an acknowledged point looks like in InfluxDB when it is not there as sent. */
export interface PointMismatch {
  readonly key: string;
  readonly expected: number;
  /** Undefined when the point is missing. */
  readonly found: number | undefined;
}

/** Acknowledged points that InfluxDB lacks or holds with another value. */
export function compareWithStored(acknowledged: AcknowledgedPoints, stored: ReadonlyMap<string, number>): PointMismatch[] {
  const mismatches: PointMismatch[] = [];
  for (const [key, expected] of acknowledged.entries()) {
    const found = stored.get(key);
    if (found !== expected) mismatches.push({ key, expected, found });
  }
  return mismatches;
}

/** The first few mismatches as text, for an assertion message. */
export function describeMismatches(mismatches: readonly PointMismatch[], limit = 10): string {
  const shown = mismatches
    .slice(0, limit)
    .map((m) => `  ${m.key}: expected ${m.expected}, ${m.found === undefined ? 'missing' : `found ${m.found}`}`)
    .join('\n');
  return `${mismatches.length} acknowledged points not in InfluxDB as sent:\n${shown}${mismatches.length > limit ? '\n  …' : ''}`;
}
