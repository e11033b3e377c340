/**
 * npm run bench:ingest [-- --seconds 20 --series 10000 --batch 5000 --clients 2 --values steady|flapping]
 *
 * Sends the same line-protocol load (10,000 series of catalog KPIs with realistic tags, batches of
 * 5,000) for the same time first straight to influxd's /write, then to the collector's
 * /api/v1/write (a real collector process with the example configuration: parse, validate, KPI
 * engine, alert rules, durable spool, shipper). Each phase writes to an influxd of its own, started
 * empty. Values are steady by default (the rules stay quiet, as on a normal day); `--values
 * flapping` drives thousands of uptime series across their threshold to measure an alert storm.
 * The collector's rate counts only points that are in InfluxDB: acknowledged points divided by the
 * time from the first request until its spool has drained. Last line:
 *   ingest collector_pts_s=N influx_pts_s=M ratio=R rss_mb=S
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../core/logger';
import { InfluxClient } from '../storage/influx/influx-client';
import { findFreePort, startInfluxd } from '../storage/influx/influxd-launcher';
import { COLLECTOR_NODE_FLAGS } from '../runtime/node-flags';
import { BatchMaker, buildSeriesPrefixes, LOAD_KPIS, type LoadValues } from './line-protocol-load';

interface Options {
  seconds: number;
  series: number;
  batch: number;
  clients: number;
  values: LoadValues;
}

const USAGE = 'usage: ingest-bench [--seconds N] [--series N] [--batch N] [--clients N] [--values steady|flapping]';

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { seconds: 20, series: 10_000, batch: 5_000, clients: 2, values: 'steady' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, '');
    const text = argv[i + 1];
    if (name === 'values' && (text === 'steady' || text === 'flapping')) {
      options.values = text;
      continue;
    }
    const value = Number(text);
    if (name === undefined || !['seconds', 'series', 'batch', 'clients'].includes(name) || !Number.isFinite(value) || value <= 0) {
      throw new Error(`${USAGE} (got "${argv[i]} ${text}")`);
    }
    options[name as 'seconds' | 'series' | 'batch' | 'clients'] = value;
  }
  return options;
}

/** Posts batches from `clients` concurrent loops for `seconds`; returns the points acknowledged with 2xx. */
async function sendFor(
  options: Options,
  maker: BatchMaker,
  url: string,
  headers: Record<string, string>,
): Promise<{ acked: number; failed: number; elapsedMs: number }> {
  let next = 0;
  let acked = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const body = maker.batch(next++);
      const res = await fetch(url, { method: 'POST', headers, body });
      await res.arrayBuffer();
      if (res.ok) acked += options.batch;
      else failed += options.batch;
    }
  };
  await Promise.all(Array.from({ length: options.clients }, loop));
  return { acked, failed, elapsedMs: performance.now() - started };
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CPU time (user + system) a process has used so far, in ms. */
function cpuMs(pid: number): number {
  const { user, system } = cpuSplitMs(pid);
  return user + system;
}

/** User and system CPU time a process has used so far, in ms. */
function cpuSplitMs(pid: number): { user: number; system: number } {
  // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised name.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1000) / CLOCK_TICKS, system: (Number(fields[12]) * 1000) / CLOCK_TICKS };
}
const CLOCK_TICKS = 100;

/** CPU used by the processes of a phase, per point acknowledged (core-µs), for the report. */
function cpuReport(label: string, before: Record<string, number>, after: Record<string, number>, points: number): string {
  const parts = Object.keys(after).map((name) => `${name}=${(((after[name]! - (before[name] ?? 0)) * 1000) / points).toFixed(2)}`);
  return `${label} cpu core-µs/point: ${parts.join(' ')}`;
}

/** Peak resident set size of a process (VmHWM), in MiB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function countPoints(influx: InfluxClient, database: string): Promise<number> {
  const series = await influx.query(`SELECT count(value) FROM /^(${LOAD_KPIS.join('|')})$/`, { database });
  return series.reduce((n, s) => n + s.rows.reduce((m, r) => m + Number(r.count ?? 0), 0), 0);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const logger = createLogger({ level: 'warn' });
  const work = mkdtempSync(path.join(os.tmpdir(), 'finmon-bench-ingest-'));
  const repo = path.resolve(__dirname, '..', '..', '..');
  const prefixes = buildSeriesPrefixes(options.series);
  const startNs = BigInt(Date.now() - 86_400_000) * 1_000_000n;
  let collector: ChildProcess | undefined;
  // Each phase gets an influxd of its own, started empty: the second phase must not pay for the
  // first one's cache snapshots and compactions, which influxd runs after the writes stop.
  const influxDirect = await startInfluxd({ dataDir: path.join(work, 'influxdb-direct'), logger });
  let influxd: Awaited<ReturnType<typeof startInfluxd>> | undefined;
  try {
    const direct = new InfluxClient({ url: influxDirect.url, database: 'bench_direct' });
    await direct.createDatabase('bench_direct');
    const cpuOf = (pid: number) => (extra: Record<string, number> = {}) => ({ influxd: cpuMs(pid), bench: cpuMs(process.pid), ...extra });

    // 1. Straight to influxd.
    let cpu = cpuOf(influxDirect.process.pid!);
    const influxCpu0 = cpu();
    const influxRun = await sendFor(options, new BatchMaker(prefixes, options.batch, startNs, undefined, options.values), `${influxDirect.url}/write?db=bench_direct&precision=ns`, {});
    const influxRate = influxRun.acked / (influxRun.elapsedMs / 1000);
    const influxCpu1 = cpu();
    const influxStored = await countPoints(direct, 'bench_direct');
    console.log(`influxd: ${influxRun.acked} points acknowledged in ${(influxRun.elapsedMs / 1000).toFixed(1)} s (${influxStored} stored, ${influxRun.failed} failed)`);
    await influxDirect.stop();

    // 2. Through a real collector process, writing to a fresh influxd.
    influxd = await startInfluxd({ dataDir: path.join(work, 'influxdb-collector'), logger });
    cpu = cpuOf(influxd.process.pid!);
    const port = await findFreePort();
    const token = `fm_bench_${randomBytes(24).toString('base64url')}`;
    // FINMON_BENCH_NODE_ARGS passes flags to the collector's node, e.g. "--cpu-prof" to profile it.
    const nodeArgs = (process.env.FINMON_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    collector = spawn(process.execPath, [...COLLECTOR_NODE_FLAGS, ...nodeArgs, path.join(repo, 'collector', 'dist', 'main.js')], {
      cwd: repo,
      env: {
        ...process.env,
        FINMON_PORT: String(port),
        FINMON_DATA_DIR: path.join(work, 'collector'),
        FINMON_INFLUX_URL: influxd.url,
        FINMON_INFLUX_DB: 'bench_collector',
        FINMON_ADMIN_TOKEN: token,
        FINMON_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor('the collector to be ready', 60_000, async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
    const auth = { authorization: `Bearer ${token}` };
    const collectorCpu0 = cpu({ collector: cpuMs(collector.pid!), collector_sys: cpuSplitMs(collector.pid!).system });
    const collectorRun = await sendFor(options, new BatchMaker(prefixes, options.batch, startNs, undefined, options.values), `${base}/api/v1/write?precision=ns`, auth);
    const drainStarted = performance.now();
    await waitFor('the collector spool to drain into InfluxDB', 600_000, async () => {
      const health = (await (await fetch(`${base}/api/v1/health`, { headers: auth })).json()) as {
        storage: { spool: { records: number } };
      };
      return health.storage.spool.records === 0 ? true : undefined;
    });
    const drainMs = performance.now() - drainStarted;
    const collectorCpu1 = cpu({ collector: cpuMs(collector.pid!), collector_sys: cpuSplitMs(collector.pid!).system });
    const rss = peakRssMb(collector.pid!);
    const collectorSeconds = (collectorRun.elapsedMs + drainMs) / 1000;
    const collectorRate = collectorRun.acked / collectorSeconds;
    const stored = await countPoints(new InfluxClient({ url: influxd.url, database: 'bench_collector' }), 'bench_collector');
    console.log(
      `collector: ${collectorRun.acked} points acknowledged in ${(collectorRun.elapsedMs / 1000).toFixed(1)} s, spool drained ${(drainMs / 1000).toFixed(1)} s later; ${stored} in InfluxDB (${collectorRun.failed} failed)`,
    );
    console.log(cpuReport('influxd run', influxCpu0, influxCpu1, influxRun.acked));
    console.log(cpuReport('collector run', collectorCpu0, collectorCpu1, collectorRun.acked));
    if (stored < collectorRun.acked) {
      throw new Error(`lost points: ${collectorRun.acked} acknowledged by the collector, ${stored} in InfluxDB`);
    }
    console.log(
      `ingest collector_pts_s=${Math.round(collectorRate)} influx_pts_s=${Math.round(influxRate)} ratio=${(collectorRate / influxRate).toFixed(2)} rss_mb=${Math.round(rss)}`,
    );
  } finally {
    collector?.kill('SIGTERM');
    if (collector && collector.exitCode === null) await new Promise((r) => collector!.once('exit', r));
    await influxDirect.stop();
    await influxd?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench:ingest failed: ${(err as Error).message}`);
  process.exit(1);
});
