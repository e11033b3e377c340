/**
 * `npm run bench:alerts` — end-to-end alert latency: 10,000 series with rules, points streamed at a
 * steady rate through the collector's HTTP API, breaches injected at random; measures the time from
 * the 2xx of the write that carried a breaching point to the notification being handed to a
 * channel (the real ntfy channel, posting to a local ntfy-speaking server).
 *
 * Options: --series N (10000), --seconds S (30), --rate points/s (10000), --breaches-per-s B (5).
 * Last line: `alerts series=N p50_ms=X p99_ms=Y`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Channel, ChannelSendInput } from '../notify/channel-port';
import { startCollector } from '../app/start-collector';
import { systemClock } from '../core/clock';
import { createLogger } from '../core/logger';
import { readRuntimeSettings } from '../runtime/runtime-settings';

interface Options {
  series: number;
  seconds: number;
  rate: number;
  breachesPerSecond: number;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { series: 10_000, seconds: 30, rate: 10_000, breachesPerSecond: 5 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`bench:alerts: ${argv[i]} needs a positive number`);
    if (argv[i] === '--series') options.series = Math.round(value);
    else if (argv[i] === '--seconds') options.seconds = value;
    else if (argv[i] === '--rate') options.rate = value;
    else if (argv[i] === '--breaches-per-s') options.breachesPerSecond = value;
    else throw new Error(`bench:alerts: unknown option ${argv[i]} (--series, --seconds, --rate, --breaches-per-s)`);
  }
  return options;
}

const LOW = 100;
const NORMAL = 1_000;

function metricsConfig(): object {
  return {
    version: 1,
    company: { name: 'Bench Co', reportingCurrency: 'USD', timezone: 'UTC' },
    kpis: [
      {
        id: 'wallet_balance',
        name: 'Wallet balance',
        unit: 'USD',
        category: 'financial',
        description: 'Balance of each customer wallet (benchmark series)',
        source: 'push',
        dimensions: ['wallet'],
        cadence: '1m',
        kind: 'stock',
        impact: 4,
        labels: { team: 'treasury' },
        rules: [{ type: 'static', id: 'wallet-low', severity: 'critical', below: LOW, recoverAt: 150 }],
      },
    ],
  };
}

function notificationSettings(ntfyUrl: string): string {
  return [
    'version: 1',
    'recipients:',
    '  - id: ops',
    '    name: Treasury on call',
    '    timezone: UTC',
    '    channels: { ntfy: { topic: bench-alerts } }',
    'channels:',
    `  ntfy: { server: "${ntfyUrl}" }`,
    'routing:',
    '  default:',
    '    receivers: { recipients: [ops] }',
    '    channels: [ntfy]',
    'consolidation:',
    '  groupBy: [kpi, wallet]',
    '  timing:',
    '    critical: { groupWait: 0s }',
    '  correlation: { relations: [] }',
    '',
  ].join('\n');
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'finmon-bench-alerts-'));
  // A local server speaking ntfy's publish API: POST /<topic>, 200 with a JSON message.
  let received = 0;
  const ntfy = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: String(received), event: 'message' }));
    });
  });
  await new Promise<void>((resolve) => ntfy.listen(0, '127.0.0.1', resolve));
  const ntfyUrl = `http://127.0.0.1:${(ntfy.address() as AddressInfo).port}`;
  fs.writeFileSync(path.join(work, 'metrics_config.json'), JSON.stringify(metricsConfig(), null, 2));
  fs.writeFileSync(path.join(work, 'notification_settings.yaml'), notificationSettings(ntfyUrl));
  const token = `fm_bench_${randomBytes(24).toString('base64url')}`;
  const settings = readRuntimeSettings(
    {
      FINMON_HOST: '127.0.0.1',
      FINMON_PORT: '0',
      FINMON_DATA_DIR: path.join(work, 'data'),
      FINMON_METRICS_CONFIG: path.join(work, 'metrics_config.json'),
      FINMON_NOTIFICATION_SETTINGS: path.join(work, 'notification_settings.yaml'),
      FINMON_ADMIN_TOKEN: token,
      ...(process.env.FINMON_INFLUX_URL ? { FINMON_INFLUX_URL: process.env.FINMON_INFLUX_URL } : {}),
    },
    [],
    work,
  );

  // Hand-over times per wallet: when a firing notification reached the channel.
  const handedOver = new Map<string, number>();
  const instrument = (channel: Channel): Channel => ({
    name: channel.name,
    canReach: (r) => channel.canReach(r),
    send: (input: ChannelSendInput) => {
      const message = input.message;
      if (message.kind === 'incident' && message.reason === 'firing') {
        const now = performance.now();
        for (const alert of message.incident?.alerts ?? []) {
          const wallet = alert.series.wallet;
          if (wallet !== undefined && !handedOver.has(wallet)) handedOver.set(wallet, now);
        }
      }
      return channel.send(input);
    },
  });

  const logger = createLogger({ level: 'warn' });
  const collector = await startCollector({ settings, logger, clock: systemClock, instrumentChannel: instrument });
  const wallets = Array.from({ length: options.series }, (_, i) => `w${String(i).padStart(5, '0')}`);
  const breaching = new Map<string, number>(); // wallet → when the write carrying its breach was acknowledged
  const pendingBreach = new Set<string>();
  const latencies: number[] = [];
  let cursor = 0;
  let writes = 0;
  let points = 0;
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((options.rate * tickMs) / 1000));
  const breachEvery = 1000 / options.breachesPerSecond;
  let nextBreachAt = performance.now() + 2_000;

  const post = async (body: string): Promise<void> => {
    const res = await fetch(`${collector.url}/api/v1/write?precision=ms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body,
    });
    if (res.status !== 200) throw new Error(`write answered ${res.status}: ${await res.text()}`);
  };

  try {
    // Every series is seen once with a normal value before the clock starts.
    for (let i = 0; i < wallets.length; i += 5_000) {
      const now = Date.now();
      await post(wallets.slice(i, i + 5_000).map((w) => `wallet_balance,wallet=${w} value=${NORMAL} ${now}`).join('\n'));
    }
    await collector.alerting.settle();

    const end = performance.now() + options.seconds * 1000;
    while (performance.now() < end) {
      const tickStart = performance.now();
      const now = Date.now();
      const lines: string[] = [];
      const breachesInBatch: string[] = [];
      if (tickStart >= nextBreachAt) {
        nextBreachAt += breachEvery * (0.5 + Math.random());
        const wallet = wallets[Math.floor(Math.random() * wallets.length)]!;
        if (!breaching.has(wallet) && !pendingBreach.has(wallet)) {
          pendingBreach.add(wallet);
          breachesInBatch.push(wallet);
          lines.push(`wallet_balance,wallet=${wallet} value=${LOW / 2} ${now}`);
        }
      }
      for (let k = 0; k < perTick; k++) {
        const wallet = wallets[cursor]!;
        cursor = (cursor + 1) % wallets.length;
        if (pendingBreach.has(wallet) || breaching.has(wallet)) continue; // keep breached series breached until measured
        lines.push(`wallet_balance,wallet=${wallet} value=${NORMAL + Math.round(Math.random() * 50)} ${now}`);
      }
      await post(lines.join('\n'));
      const acked = performance.now();
      writes++;
      points += lines.length;
      for (const wallet of breachesInBatch) {
        pendingBreach.delete(wallet);
        breaching.set(wallet, acked);
      }
      // Collect the hand-overs that arrived; let measured wallets recover (their next point is normal).
      for (const [wallet, at] of breaching) {
        const handed = handedOver.get(wallet);
        if (handed !== undefined) {
          latencies.push(Math.max(0, handed - at));
          breaching.delete(wallet);
          handedOver.delete(wallet);
        }
      }
      const wait = tickMs - (performance.now() - tickStart);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    // Late hand-overs of the last breaches.
    const deadline = performance.now() + 5_000;
    while (breaching.size > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      for (const [wallet, at] of breaching) {
        const handed = handedOver.get(wallet);
        if (handed !== undefined) {
          latencies.push(Math.max(0, handed - at));
          breaching.delete(wallet);
        }
      }
    }
    const missed = breaching.size;
    latencies.sort((a, b) => a - b);
    process.stdout.write(
      `bench:alerts: ${writes} writes, ${points} points in ${options.seconds} s (${Math.round(points / options.seconds)} points/s), ` +
        `${latencies.length} breaches notified, ${missed} not notified within 5 s, ${received} requests at the ntfy server; ` +
        `max ${latencies.at(-1)?.toFixed(1) ?? 'n/a'} ms\n`,
    );
    process.stdout.write(`alerts series=${options.series} p50_ms=${percentile(latencies, 50).toFixed(1)} p99_ms=${percentile(latencies, 99).toFixed(1)}\n`);
  } finally {
    await collector.stop();
    ntfy.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench:alerts failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
