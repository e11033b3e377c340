import path from 'node:path';
import { DateTime } from 'luxon';
import { durationMs } from '../../config/kpi-schema';
import { loadMetricsConfig } from '../../config/config-loader';
import { metricsConfigSchema, type MetricsConfig } from '../../config/metrics-config-schema';
import { ManualClock } from '../../core/clock';
import { ErrorCodes } from '../../core/errors';
import { pointAt, type Point } from '../../core/point';
import { serializeLineProtocol } from '../../ingest/line-protocol/serialize-line-protocol';
import { KpiEngine } from '../../kpi/kpi-engine';
import { DemoCompany } from '../../sources/demo-company';
import { InfluxClient, InfluxRequestError } from './influx-client';
import { warmUpEngine } from './engine-warmup';
import { useThrowawayInfluxd } from './test-support/throwaway-influxd';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const influxd = useThrowawayInfluxd();

/** Stores points in InfluxDB in batches. */
async function store(client: InfluxClient, points: readonly Point[]): Promise<void> {
  for (let i = 0; i < points.length; i += 20_000) {
    await client.write(serializeLineProtocol(points.slice(i, i + 20_000)), { precision: 'ns' });
  }
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Points as comparable rows: key (measurement, tags, time) → value and fields. */
function byKey(points: readonly Point[]): Map<string, { value: number; fields: Record<string, unknown> }> {
  const out = new Map<string, { value: number; fields: Record<string, unknown> }>();
  for (const p of points) {
    const tags = Object.entries(p.tags).sort(([a], [b]) => a.localeCompare(b));
    out.set(`${p.kpi} ${JSON.stringify(tags)} ${new Date(p.time).toISOString()}`, { value: p.value, fields: { ...p.fields } });
  }
  return out;
}

/** Differences between two sets of points (same keys, values and fields within floating tolerance). */
function differences(expected: readonly Point[], actual: readonly Point[]): string[] {
  const a = byKey(expected);
  const b = byKey(actual);
  const out: string[] = [];
  for (const [key, e] of a) {
    const g = b.get(key);
    if (g === undefined) {
      out.push(`missing ${key}`);
      continue;
    }
    if (!close(e.value, g.value)) out.push(`${key}: value ${g.value}, expected ${e.value}`);
    const names = new Set([...Object.keys(e.fields), ...Object.keys(g.fields)]);
    for (const f of names) {
      const x = e.fields[f];
      const y = g.fields[f];
      const same = typeof x === 'number' && typeof y === 'number' ? close(x, y) : x === y;
      if (!same) out.push(`${key}: ${f} ${String(y)}, expected ${String(x)}`);
    }
  }
  for (const key of b.keys()) if (!a.has(key)) out.push(`unexpected ${key}`);
  return out;
}

function snapshotDifferences(expected: KpiEngine, actual: KpiEngine): string[] {
  const a = new Map(expected.snapshot().map((e) => [e.kpi, e]));
  const b = new Map(actual.snapshot().map((e) => [e.kpi, e]));
  const out: string[] = [];
  for (const [kpi, e] of a) {
    const g = b.get(kpi);
    if (g === undefined) out.push(`missing ${kpi}`);
    else if (!close(e.value, g.value) || e.time !== g.time) out.push(`${kpi}: ${g.value} at ${g.time}, expected ${e.value} at ${e.time}`);
  }
  for (const kpi of b.keys()) if (!a.has(kpi)) out.push(`unexpected ${kpi}`);
  return out;
}

describe('warmUpEngine: the demo company, stored by a live engine, restored into a fresh one', () => {
  const metrics = loadMetricsConfig(path.resolve(__dirname, '../../../../metrics_config.json'));
  const zone = metrics.company.timezone;
  // "Now" a few days after the spring DST change, with 400 days of history before it.
  const now = DateTime.fromISO('2025-03-12T10:20', { zone }).toMillis();
  const start = now - 400 * DAY;
  const intradayFrom = now - 4 * DAY;
  const company = new DemoCompany({ seed: 11, start });
  const daily = metrics.kpis.filter((k) => k.formula === undefined && durationMs(k.cadence) >= DAY).map((k) => k.id);
  const clock = new ManualClock(start);
  const newEngine = () => new KpiEngine({ config: metrics, clock, rollups: 'deferred', requireFullWindows: true });
  const live = newEngine();
  let client: InfluxClient;
  let next: Point[];

  beforeAll(async () => {
    client = new InfluxClient({ url: influxd.url, database: 'warmup_demo', timeoutMs: 30_000 });
    await client.createDatabase();
    // The live collector: daily KPIs for the year, every KPI for the last days; raw points and the
    // engine's derived values are stored (its rollups too, which the warm-up must not read).
    const stored: Point[] = [];
    for (let t = start; t < now; t += DAY) {
      const to = Math.min(t + DAY, now);
      const points = to <= intradayFrom ? company.generate(t, to, { kpis: daily }) : company.generate(Math.max(t, intradayFrom), to);
      if (t < intradayFrom && to > intradayFrom) points.unshift(...company.generate(t, intradayFrom, { kpis: daily }));
      clock.set(to);
      const result = live.ingest(points);
      stored.push(...points, ...result.derived, ...live.flushRollups());
    }
    await store(client, stored);
    next = company.generate(now, now + DAY);
  }, 60_000);

  it('gives the same snapshot, next derived values and next rollups as the engine that saw the history live', async () => {
    const warm = newEngine();
    clock.set(now);
    const result = await warmUpEngine({ influx: client, engine: warm, metrics, now });

    expect(result.warnings).toEqual([]);
    expect(result.fromMs).toBe(DateTime.fromMillis(now - 400 * DAY, { zone }).startOf('day').toMillis());
    expect(result.chunks).toBe(13);
    expect(warm.hasPendingRollups()).toBe(false);
    expect(snapshotDifferences(live, warm)).toEqual([]);
    expect(warm.snapshot().map((e) => e.kpi)).toEqual(expect.arrayContaining(['cash_position', 'dso', 'debt_to_ebitda', 'inventory_turn']));

    clock.set(now + DAY);
    const expected = live.ingest(next);
    const actual = warm.ingest(next);
    expect(expected.derived.filter((p) => p.kpi === 'debt_to_ebitda').length).toBeGreaterThan(0);
    expect(expected.derived.filter((p) => p.kpi === 'dso').length).toBeGreaterThan(0);
    expect(differences(expected.derived, actual.derived)).toEqual([]);
    const expectedRollups = live.flushRollups();
    expect(expectedRollups.some((p) => p.fields?.last_year !== undefined)).toBe(true);
    expect(expectedRollups.some((p) => p.tags.kpi === 'platform_uptime' && p.fields?.previous !== undefined)).toBe(true);
    expect(differences(expectedRollups, warm.flushRollups())).toEqual([]);
    expect(snapshotDifferences(live, warm)).toEqual([]);
  }, 30_000);

  it('loads whole local days back from now only: with 32 days a 30-day window is complete, a 90-day one is withheld', async () => {
    // 32, not 31: the next evaluation may be at the midnight before now, and a window start 30 × 24 h
    // before a midnight after the DST change is 23:00 the day before, earlier than the points of that day.
    const short = newEngine();
    clock.set(now);
    const result = await warmUpEngine({ influx: client, engine: short, metrics, now, days: 32, chunkDays: 7 });
    expect(result.chunks).toBe(5);
    expect(result.points).toBeGreaterThan(0);
    const reference = newEngine();
    await warmUpEngine({ influx: client, engine: reference, metrics, now, chunkDays: 45 });
    expect(snapshotDifferences(reference, short)).toEqual([]);

    clock.set(now + DAY);
    const full = reference.ingest(next).derived;
    const partial = short.ingest(next).derived;
    const of = (points: Point[], kpi: string) => points.filter((p) => p.kpi === kpi);
    expect(of(full, 'gross_margin').length).toBeGreaterThan(0);
    expect(differences(of(full, 'gross_margin'), of(partial, 'gross_margin'))).toEqual([]);
    expect(of(full, 'dso').length).toBeGreaterThan(0);
    expect(of(partial, 'dso')).toEqual([]);
  }, 30_000);
});

describe('warmUpEngine: hours in the company time zone', () => {
  const kpi = (id: string, source: string) => ({ id, name: id, unit: 'USD', category: 'financial', description: id, source, rollups: ['daily'] });

  it('keeps days apart in a zone with a half-hour offset (no hour straddles a local midnight)', async () => {
    const zone = 'Asia/Kolkata';
    const metrics: MetricsConfig = metricsConfigSchema.parse({
      version: 1,
      company: { name: 'Test', reportingCurrency: 'USD', timezone: zone },
      kpis: [
        { ...kpi('sales', 'erp'), cadence: '15m', kind: 'flow' },
        { ...kpi('uptime', 'platform'), cadence: '5m', kind: 'rate', dimensions: ['service'] },
      ],
    });
    const client = new InfluxClient({ url: influxd.url, database: 'warmup_kolkata', timeoutMs: 30_000 });
    await client.createDatabase();
    const now = DateTime.fromISO('2025-06-04T09:10', { zone }).toMillis();
    const points: Point[] = [];
    for (let t = now - 3 * DAY; t < now; t += 5 * 60_000) {
      const minute = Math.floor(t / 60_000);
      if (minute % 15 === 0) points.push(pointAt('sales', {}, 100 + (minute % 97), t));
      points.push(pointAt('uptime', { service: 'api' }, minute % 7 === 0 ? 0 : 100, t));
    }
    const clock = new ManualClock(now);
    const live = new KpiEngine({ config: metrics, clock, rollups: 'deferred' });
    live.ingest(points);
    live.flushRollups();
    await store(client, points);
    const warm = new KpiEngine({ config: metrics, clock, rollups: 'deferred' });
    await warmUpEngine({ influx: client, engine: warm, metrics, now });

    const nextPoints = [pointAt('sales', {}, 5, now + HOUR), pointAt('uptime', { service: 'api' }, 100, now + HOUR)];
    clock.set(now + 2 * HOUR);
    live.ingest(nextPoints);
    warm.ingest(nextPoints);
    const expected = live.flushRollups();
    expect(expected.filter((p) => p.fields?.previous !== undefined)).toHaveLength(4);
    expect(differences(expected, warm.flushRollups())).toEqual([]);
  }, 30_000);
});

describe('warmUpEngine: failures', () => {
  it('fails with a retryable STORAGE_UNAVAILABLE when InfluxDB does not answer', async () => {
    const metrics = loadMetricsConfig(path.resolve(__dirname, '../../../../metrics_config.json'));
    const client = new InfluxClient({ url: 'http://127.0.0.1:1', database: 'none', timeoutMs: 2_000 });
    const engine = new KpiEngine({ config: metrics });
    const error = await warmUpEngine({ influx: client, engine, metrics, now: Date.UTC(2025, 0, 1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfluxRequestError);
    expect(error).toMatchObject({ code: ErrorCodes.STORAGE_UNAVAILABLE, retryable: true });
  });

  it('refuses a negative number of days, naming the option', async () => {
    const metrics = loadMetricsConfig(path.resolve(__dirname, '../../../../metrics_config.json'));
    const client = new InfluxClient({ url: 'http://127.0.0.1:1', database: 'none' });
    const engine = new KpiEngine({ config: metrics });
    await expect(warmUpEngine({ influx: client, engine, metrics, now: 0, days: -1 })).rejects.toThrow(/days: expected a whole number/);
  });
});
