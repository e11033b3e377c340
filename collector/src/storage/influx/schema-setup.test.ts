import { pointAt } from '../../core/point';
import { serializeLineProtocol } from '../../ingest/line-protocol/serialize-line-protocol';
import { continuousQueryStatement, sameStatement } from './downsampling';
import { InfluxClient } from './influx-client';
import { setupSchema } from './schema-setup';
import { useThrowawayInfluxd } from './test-support/throwaway-influxd';

const influxd = useThrowawayInfluxd();

async function policies(client: InfluxClient, db: string) {
  const [series] = await client.query(`SHOW RETENTION POLICIES ON "${db}"`);
  return Object.fromEntries(
    (series?.rows ?? []).map((r) => [r.name, { duration: r.duration, shard: r.shardGroupDuration, default: r.default }]),
  );
}

async function continuousQueries(client: InfluxClient, db: string) {
  const series = await client.query('SHOW CONTINUOUS QUERIES');
  return series.find((s) => s.name === db)?.rows.map((r) => r.query) ?? [];
}

describe('setupSchema against a real influxd', () => {
  it('creates the database, autogen (infinite, default), rp_1h and the downsampling continuous query', async () => {
    const client = new InfluxClient({ url: influxd.url, database: 'finmon' });
    const result = await setupSchema(client);
    expect(result).toMatchObject({ database: 'finmon', continuousQuery: 'created' });
    // Kept forever, in long shard groups (4 weeks raw, 26 weeks hourly): a year-long query opens few shards.
    expect(await policies(client, 'finmon')).toEqual({
      autogen: { duration: '0s', shard: '672h0m0s', default: true },
      rp_1h: { duration: '0s', shard: '4368h0m0s', default: false },
    });
    const stored = await continuousQueries(client, 'finmon');
    expect(stored).toHaveLength(1);
    expect(sameStatement(String(stored[0]), continuousQueryStatement(result.downsample))).toBe(true);
  });

  it('is idempotent, and updates durations and a changed continuous query in place', async () => {
    const client = new InfluxClient({ url: influxd.url, database: 'shop' });
    await setupSchema(client, { database: 'shop' });
    expect((await setupSchema(client, { database: 'shop' })).continuousQuery).toBe('unchanged');
    const changed = await setupSchema(client, {
      database: 'shop',
      raw: { duration: '400d' },
      hourly: { name: 'hourly', duration: '800d' },
      downsample: { resampleFor: '3h' },
    });
    expect(changed.continuousQuery).toBe('replaced');
    expect(await policies(client, 'shop')).toMatchObject({
      autogen: { duration: '9600h0m0s', default: true },
      hourly: { duration: '19200h0m0s', default: false },
    });
    const [cq] = await continuousQueries(client, 'shop');
    expect(cq).toContain('RESAMPLE FOR 3h');
    expect(cq).toContain('INTO shop.hourly.:MEASUREMENT');
  });

  it('refuses a duration InfluxQL would not understand', async () => {
    const client = new InfluxClient({ url: influxd.url, database: 'bad' });
    await expect(setupSchema(client, { database: 'bad', raw: { duration: '1 year' } })).rejects.toThrow(
      /raw retention duration "1 year" is not an InfluxQL duration/,
    );
    await expect(setupSchema(client, { database: 'bad', hourly: { shardDuration: 'INF' } })).rejects.toThrow(
      /hourly shard duration "INF" is not a finite InfluxQL duration/,
    );
  });

  it('the continuous query downsamples KPI points of the last complete hour and skips rollups', async () => {
    const client = new InfluxClient({ url: influxd.url, database: 'live' });
    await client.createDatabase();
    // Points in the previous complete hour (real time: continuous queries run on the server's clock).
    const hourStart = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
    const points = [10, 20, 60].map((v, i) => pointAt('platform_uptime', { service: 'api' }, v, hourStart + i * 600_000));
    points.push(pointAt('rollup_daily', { kpi: 'revenue', scope: 'total' }, 5, hourStart));
    await client.write(serializeLineProtocol(points));
    await setupSchema(client, { database: 'live' });

    // A new continuous query first runs within about a second.
    const deadline = Date.now() + 10_000;
    let rows: readonly Record<string, unknown>[] = [];
    while (rows.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      rows = (await client.query('SELECT * FROM "live"."rp_1h"."platform_uptime"'))[0]?.rows ?? [];
    }
    expect(rows).toEqual([{ time: hourStart, service: 'api', value: 30, min: 10, max: 60, last: 60 }]);
    expect(await client.query('SELECT * FROM "live"."rp_1h"."rollup_daily"')).toEqual([]);
  });
});
