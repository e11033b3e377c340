import { InfluxClient } from '../collector/src/storage/influx/influx-client';
import { CollectorProcess, createWorkspace, TEST_ADMIN_TOKEN, type CollectorWorkspace } from './support/collector-process';
import { callApi, getHealth } from './support/collector-api';
import { pollUntil } from './support/poll';
import { influxdPidsUsing } from './support/influxd-processes';

/**
 * `main.js --demo` end to end: with no FINMON_INFLUX_URL it spawns its own influxd inside the data
 * dir, backfills the demo company, serves current values of every KPI (pushed and derived), stores
 * daily rollups, lists the injected incidents, and SIGTERM stops it together with its influxd.
 */

jest.setTimeout(240_000);

/** KPIs of metrics_config.json the demo company does not produce (the 13-week forecast comes from later analytics work). */
const NOT_PRODUCED_BY_DEMO = new Set(['cash_forecast_13w']);

interface KpiEntry {
  id: string;
  source: string;
  formula?: string;
  current: { value: number; time: string } | null;
}

let workspace: CollectorWorkspace;
let collector: CollectorProcess | undefined;

beforeAll(() => {
  workspace = createWorkspace('demo');
});

afterAll(async () => {
  await collector?.kill();
  // A demo collector killed by a failed test leaves its influxd behind; never leave it running.
  for (const pid of influxdPidsUsing(workspace.dataDir)) process.kill(pid, 'SIGKILL');
  workspace?.remove();
});

test('the demo backfills, serves every KPI, stores rollups, lists incidents and stops with its influxd', async () => {
  const demo = await CollectorProcess.start(
    workspace.collectorOptions({ args: ['--demo', '--backfill-days', '5'], readyTimeoutMs: 90_000 }),
  );
  collector = demo;

  // The banner names the API and the InfluxDB it spawned.
  await demo.waitForOutput(/InfluxDB\s+http:\/\/127\.0\.0\.1:\d+/, 30_000);
  expect(demo.stdout).toContain(`collector API   ${demo.url}`);
  const influxUrl = /InfluxDB\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(demo.stdout)![1]!;
  expect(influxdPidsUsing(workspace.dataDir)).toHaveLength(1);

  await demo.waitForOutput(/history stored; \d+ incidents injected/, 180_000);
  const health = await getHealth(demo.url, TEST_ADMIN_TOKEN);
  expect(health.storage.influxUrl).toBe(influxUrl);

  // Every KPI the demo produces has a current value, derived ones included.
  const kpis = await callApi<{ kpis: KpiEntry[] }>(demo.url, 'GET', '/api/v1/kpis', { token: TEST_ADMIN_TOKEN });
  expect(kpis.status).toBe(200);
  const withoutValue = kpis.json.kpis
    .filter((k) => !NOT_PRODUCED_BY_DEMO.has(k.id) && (k.current === null || !Number.isFinite(k.current.value)))
    .map((k) => k.id);
  expect(withoutValue).toEqual([]);
  const derived = kpis.json.kpis.filter((k) => k.formula !== undefined).map((k) => k.id);
  expect(derived).toEqual(expect.arrayContaining(['cash_position', 'dso', 'current_ratio', 'gross_margin', 'runway_months']));
  const byId = new Map(kpis.json.kpis.map((k) => [k.id, k]));
  expect(byId.get('cash_position')!.current!.value).toBeGreaterThan(0);
  expect(byId.get('current_ratio')!.current!.value).toBeGreaterThan(0);

  // The backfill's daily rollups are in InfluxDB, for a pushed and for a derived KPI.
  const influx = new InfluxClient({ url: influxUrl, database: 'finmon', timeoutMs: 30_000 });
  const rollupDays: Record<string, number> = {};
  for (const kpi of ['revenue', 'cash_position']) {
    const series = await influx.query(`SELECT count("value") FROM "rollup_daily" WHERE "kpi" = '${kpi}' AND "scope" = 'total'`);
    rollupDays[kpi] = Number(series[0]?.rows[0]?.count ?? 0);
  }
  expect(Object.entries(rollupDays).filter(([, days]) => days < 5)).toEqual([]);

  const incidents = await callApi<{ incidents: Array<{ id: string; start: string; end: string }> }>(demo.url, 'GET', '/api/v1/demo/incidents', {
    token: TEST_ADMIN_TOKEN,
  });
  expect(incidents.status).toBe(200);
  expect(incidents.json.incidents).toHaveLength(6);
  expect(new Set(incidents.json.incidents.map((i) => i.id)).size).toBe(6);

  // SIGTERM stops the collector cleanly and the influxd it spawned with it.
  const exit = await demo.stop(30_000);
  expect(exit).toEqual({ code: 0, signal: null });
  await pollUntil(
    'the spawned influxd to exit',
    async () => {
      const pids = influxdPidsUsing(workspace.dataDir);
      return pids.length === 0 ? { done: true, value: undefined } : { done: false, observed: `influxd pids ${pids.join(', ')}` };
    },
    { timeoutMs: 10_000 },
  );
  await expect(fetch(`${influxUrl}/ping`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
});
