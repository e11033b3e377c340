import fc from 'fast-check';
import { pointAt } from '../../core/point';
import { serializeLineProtocol } from '../../ingest/line-protocol/serialize-line-protocol';
import {
  backfillDownsample,
  continuousQueryStatement,
  DEFAULT_DOWNSAMPLE,
  downsampleSelect,
  regexNotStartingWith,
} from './downsampling';
import { InfluxClient } from './influx-client';
import { setupSchema } from './schema-setup';
import { useThrowawayInfluxd } from './test-support/throwaway-influxd';

describe('regexNotStartingWith', () => {
  it('spells the rollup_ exclusion without look-ahead', () => {
    expect(regexNotStartingWith('ab')).toBe('^(?:$|[^a]|a$|a[^b])');
  });

  it('matches exactly the names that do not start with the prefix (property)', () => {
    const names = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('rollup_daily', 'rollup_weekly', 'rollup', 'rollup_', 'rolling', 'r', '', 'revenue', 'xrollup_'),
      fc.string({ maxLength: 6 }).map((s) => `rollup_${s}`),
      fc.string({ maxLength: 6 }).map((s) => `rollup${s}`),
    );
    fc.assert(
      fc.property(names, fc.constantFrom('rollup_', 'a.b', 'x]^-\\/'), (name, prefix) => {
        expect(new RegExp(regexNotStartingWith(prefix)).test(name)).toBe(!name.startsWith(prefix));
      }),
      { seed: 99, numRuns: 500 },
    );
  });
});

describe('downsampling statements', () => {
  it('aggregates value into mean/min/max/last per hour into rp_1h, keeping all tags', () => {
    expect(downsampleSelect(DEFAULT_DOWNSAMPLE)).toBe(
      'SELECT mean(value) AS value, min(value) AS min, max(value) AS max, last(value) AS last' +
        ' INTO "finmon"."rp_1h".:MEASUREMENT FROM "finmon"."autogen"./^(?:$|[^r]|r$|r[^o]|ro$|ro[^l]|rol$|rol[^l]|roll$|roll[^u]|rollu$|rollu[^p]|rollup$|rollup[^_])/' +
        ' GROUP BY time(1h), * fill(none)',
    );
    expect(continuousQueryStatement(DEFAULT_DOWNSAMPLE)).toMatch(
      /^CREATE CONTINUOUS QUERY "cq_kpi_1h" ON "finmon" RESAMPLE FOR 2h BEGIN SELECT .* END$/,
    );
  });
});

describe('backfillDownsample against a real influxd', () => {
  const influxd = useThrowawayInfluxd();
  const HOUR = 3_600_000;
  const start = Date.UTC(2026, 0, 31, 21, 0); // crosses the January/February boundary
  const hours = 5;

  /** 15-minute points of two revenue series and one fx series, plus rollups that must be left out. */
  function samples() {
    const points = [];
    for (let i = 0; i < hours * 4; i++) {
      const t = start + i * 15 * 60_000;
      points.push(pointAt('revenue', { region: 'na' }, 1000 + ((i * 37) % 101) + 0.5, t));
      points.push(pointAt('revenue', { region: 'emea, west' }, 200 + ((i * 53) % 29), t));
      points.push(pointAt('fx_rate', { pair: 'EURUSD' }, 1.05 + i / 1000, t));
    }
    points.push(pointAt('rollup_daily', { kpi: 'revenue', scope: 'total' }, 99, start));
    return points;
  }

  it('writes hourly mean/min/max/last that match values computed by hand, month by month', async () => {
    const client = new InfluxClient({ url: influxd.url, database: 'finmon' });
    const { downsample } = await setupSchema(client);
    const points = samples();
    await client.write(serializeLineProtocol(points));

    const chunks: number[] = [];
    const result = await backfillDownsample(client, start + 10 * 60_000, start + hours * HOUR - 1, downsample, (c) =>
      chunks.push(c.fromMs),
    );
    expect(result).toMatchObject({ chunks: 2, fromMs: start, toMs: start + hours * HOUR });
    expect(chunks).toEqual([start, Date.UTC(2026, 1, 1)]);
    expect(result.pointsWritten).toBe(3 * hours); // 3 series × 5 hours

    const stored = await client.query('SELECT value, min, max, last FROM "finmon"."rp_1h"."revenue" GROUP BY *');
    for (const region of ['na', 'emea, west']) {
      const series = stored.find((s) => s.tags.region === region);
      expect(series?.rows).toHaveLength(hours);
      for (let h = 0; h < hours; h++) {
        const inHour = points.filter(
          (p) => p.kpi === 'revenue' && p.tags.region === region && p.time >= start + h * HOUR && p.time < start + (h + 1) * HOUR,
        );
        const values = inHour.map((p) => p.value);
        const row = series!.rows[h]!;
        expect(row.time).toBe(start + h * HOUR);
        expect(row.value).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
        expect(row.min).toBe(Math.min(...values));
        expect(row.max).toBe(Math.max(...values));
        expect(row.last).toBe(values[values.length - 1]);
      }
    }
    const rollups = await client.query('SELECT * FROM "finmon"."rp_1h"."rollup_daily"');
    expect(rollups).toEqual([]);

    const again = await backfillDownsample(client, start, start + hours * HOUR, downsample);
    expect(again.pointsWritten).toBe(3 * hours);
    const [count] = await client.query('SELECT count(value) FROM "finmon"."rp_1h"."revenue"');
    expect(count?.rows[0]?.count).toBe(2 * hours);
  });
});
