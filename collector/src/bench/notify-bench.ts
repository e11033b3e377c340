/**
 * Notification delivery benchmark.
 * Usage: node collector/dist/bench/notify-bench.js [--dispatches N] [--failure-share F] [--failure-rate R] [--lost-answer-rate R] [--seed TEXT]
 *
 * A burst of dispatches to recipients on all five channels goes through the real notify layer
 * (router, SQLite outbox, worker, backoff, breakers, fallback) and the REAL channels from
 * buildChannels (nodemailer, twilio, @slack/web-api, web-push, ntfy over fetch) to local provider
 * stand-ins on 127.0.0.1 (bench/notify/bench-endpoints.ts: an smtp-server SMTP server, Twilio's
 * Messages API, Slack's chat.postMessage, a Web Push service, an ntfy server). They fail at random
 * BEFORE accepting (HTTP 503 / SMTP 451, or a dropped connection) until a share of the burst
 * (default half) has been accepted; the push service is down altogether for the first tenth (its
 * breaker opens and deliveries fall back). The outage is measured in progress, not in seconds, so
 * it covers the same part of the burst on a fast or a loaded machine. `--lost-answer-rate R` adds
 * failures AFTER acceptance (delivered, then the connection dropped instead of the answer): SMS,
 * Slack and ntfy have no provider idempotency key, so those can be delivered twice.
 * Each endpoint records the idempotency identity of what it accepted: the delivery id (email's
 * X-Finmon-Delivery header, Slack's metadata), the Web Push Topic derived from it, or for Twilio
 * and ntfy the address plus the incident marker `[bench-n]` in the text. Counted: sent (identities
 * accepted), duplicates (an identity accepted again), lost (a delivery planned at submit whose
 * chain — the delivery and its fallbacks — was never accepted). Latency is dispatch time → sent.
 * Last line: `notify sent=N msgs_s=X p99_ms=Y duplicates=D lost=L`.
 */
import { createECDH, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import webpush from 'web-push';
import type { Dispatch, Incident } from '../alerting/alert-model';
import { buildChannels } from '../channels/build-channels';
import { InMemoryPushSubscriptionStore } from '../channels/push/push-subscription-store';
import { notificationSettingsSchema, type ChannelName, type Recipient } from '../config/notification-settings-schema';
import { systemClock } from '../core/clock';
import { createLogger } from '../core/logger';
import { InMemoryDeliveryMetrics } from '../notify/delivery-metrics';
import { Notifier } from '../notify/notifier';
import type { DeliveryRecord } from '../notify/outbox-store';
import { SqlOutboxStore } from '../notify/sql-outbox-store';
import { migrateStateDb, openStateDb, stateMigrations } from '../storage/state';
import { outbox } from '../storage/state/migrations/0004-outbox';
import { ntfyEndpoint, pushEndpoint, slackEndpoint, smtpEndpoint, twilioEndpoint, type BenchEndpoint } from './notify/bench-endpoints';
import { FaultPlan } from './notify/fault-plan';

interface Options {
  dispatches: number;
  failureShare: number;
  failureRate: number;
  lostAnswerRate: number;
  seed: string;
}

const CHANNELS: readonly ChannelName[] = ['email', 'sms', 'slack', 'push', 'ntfy'];

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { dispatches: 1500, failureShare: 0.5, failureRate: 0.3, lostAnswerRate: 0, seed: 'finmon-notify' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    const number = Number(value);
    if (name === '--dispatches' && Number.isInteger(number) && number > 0) options.dispatches = number;
    else if (name === '--failure-share' && number >= 0 && number <= 1) options.failureShare = number;
    else if (name === '--failure-rate' && number >= 0 && number <= 1) options.failureRate = number;
    else if (name === '--lost-answer-rate' && number >= 0 && number <= 1) options.lostAnswerRate = number;
    else if (name === '--seed' && value !== undefined) options.seed = value;
    else
      throw new Error(
        `usage: notify-bench [--dispatches N] [--failure-share 0..1] [--failure-rate 0..1] [--lost-answer-rate 0..1] [--seed TEXT] (got "${name} ${value}")`,
      );
  }
  return options;
}

/** Secrets the channels resolve through `env:` references (in-process, never the real environment). */
const SECRETS = {
  BENCH_SMTP_PASSWORD: 'bench-smtp-password',
  BENCH_TWILIO_SID: `AC${'0123456789abcdef'.repeat(2)}`,
  BENCH_TWILIO_TOKEN: 'bench-twilio-token',
  BENCH_SLACK_TOKEN: 'xoxb-bench-token',
  BENCH_NTFY_TOKEN: 'tk_bench',
  BENCH_VAPID_PRIVATE: '',
};

interface EndpointUrls {
  smtpPort: number;
  twilio: string;
  slack: string;
  ntfy: string;
  vapidPublicKey: string;
}

/** Twelve recipients with every mix of channels, from two channels to all five; every address unique. */
function benchSettings(urls: EndpointUrls) {
  const n = (i: number) => String(i).padStart(2, '0');
  const mixes: ((i: number) => Record<string, unknown>)[] = [
    (i) => ({ email: `r${i}@example.com`, slack: { user: `U0BENCH${n(i)}` } }),
    (i) => ({ phone: `+121255501${n(i)}`, push: [`dev-${i}`] }),
    (i) => ({ email: `r${i}@example.com`, ntfy: { topic: `bench-${i}` }, push: [`dev-${i}`] }),
    (i) => ({ email: `r${i}@example.com`, phone: `+121255501${n(i)}`, slack: { user: `U0BENCH${n(i)}` }, push: [`dev-${i}`], ntfy: { topic: `bench-${i}` } }),
  ];
  return notificationSettingsSchema.parse({
    version: 1,
    recipients: Array.from({ length: 12 }, (_, i) => ({ id: `r${i}`, name: `Recipient ${i}`, timezone: 'UTC', channels: mixes[i % mixes.length]!(i) })),
    channels: {
      email: { smtp: { host: '127.0.0.1', port: urls.smtpPort, username: 'bench', password: 'env:BENCH_SMTP_PASSWORD' }, from: 'finmon <bench@example.com>', chart: { enabled: false } },
      sms: { provider: 'twilio', accountSid: 'env:BENCH_TWILIO_SID', authToken: 'env:BENCH_TWILIO_TOKEN', from: '+12125550100', apiUrl: urls.twilio },
      slack: { botToken: 'env:BENCH_SLACK_TOKEN', apiUrl: `${urls.slack}/api/` },
      push: { vapidSubject: 'mailto:bench@example.com', vapidPublicKey: urls.vapidPublicKey, vapidPrivateKey: 'env:BENCH_VAPID_PRIVATE' },
      ntfy: { server: urls.ntfy, token: 'env:BENCH_NTFY_TOKEN' },
    },
    routing: { default: { receivers: { recipients: ['r0'] } } },
  });
}

function incident(i: number, at: number): Incident {
  const severity = (['critical', 'warning', 'warning', 'critical'] as const)[i % 4]!;
  // `[bench-i]` in title and summary: the identity for providers without an idempotency key
  return {
    id: `bench-${i}`,
    groupKey: `kpi=k${i % 17}`,
    title: `Bench incident [bench-${i}]`,
    severity,
    category: 'financial',
    alertClass: severity,
    priority: 80,
    state: 'firing',
    alerts: [
      {
        fingerprint: `fp-${i}`,
        kpi: `k${i % 17}`,
        ruleId: 'bench',
        origin: 'static',
        series: {},
        labels: { kpi: `k${i % 17}` },
        severity,
        category: 'financial',
        alertClass: severity,
        state: 'firing',
        summary: `[bench-${i}] KPI k${i % 17} crossed its threshold`,
        value: i,
        threshold: 0,
        details: {},
        priority: 80,
        startsAt: at,
        firingAt: at,
        updatedAt: at,
        flapping: false,
        ruleFile: 'metrics_config.json',
      },
    ],
    kpis: [`k${i % 17}`],
    openedAt: at,
    updatedAt: at,
  };
}

/** The identity a bench endpoint records for the delivery `row` (see bench-endpoints.ts). */
function identityOf(row: DeliveryRecord, recipient: Recipient): string {
  const incidentId = row.message.incident?.id ?? '';
  switch (row.channel) {
    case 'email':
      return `email|${row.id}`;
    case 'slack':
      return `slack|${row.id}`;
    case 'push':
      // one subscription per recipient in the bench; WebPushChannel's Topic from the delivery id
      return `push|/push/${recipient.channels.push?.[0] ?? ''}|${createHash('sha256').update(row.id).digest('base64url').slice(0, 32)}`;
    case 'sms':
      return `sms|${recipient.channels.phone ?? ''}|${incidentId}`;
    case 'ntfy':
      return `ntfy|${recipient.channels.ntfy?.topic ?? ''}|${incidentId}`;
    default:
      return `${row.channel}|${row.id}`;
  }
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const random = seedrandom(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'finmon-notify-bench-'));
  const state = await openStateDb({ kind: 'sqlite', file: join(dir, 'state.db'), migrate: false });
  await migrateStateDb(state.db, { migrations: { ...stateMigrations, '0004_outbox': outbox } });
  const store = new SqlOutboxStore(state.db);
  const logger = createLogger({ level: 'error' });

  const plan = new FaultPlan(
    { failureShare: options.failureShare, failureRate: options.failureRate, lostAnswerRate: options.lostAnswerRate, pushDownShare: 0.1 },
    seedrandom(`${options.seed}:faults`),
  );
  const vapid = webpush.generateVAPIDKeys();
  const secrets = { ...SECRETS, BENCH_VAPID_PRIVATE: vapid.privateKey };
  const endpointList: BenchEndpoint[] = await Promise.all([
    smtpEndpoint(plan, { user: 'bench', password: secrets.BENCH_SMTP_PASSWORD }),
    twilioEndpoint(plan, { accountSid: secrets.BENCH_TWILIO_SID, authToken: secrets.BENCH_TWILIO_TOKEN }),
    slackEndpoint(plan, secrets.BENCH_SLACK_TOKEN),
    pushEndpoint(plan),
    ntfyEndpoint(plan, secrets.BENCH_NTFY_TOKEN),
  ]);
  const endpoints = new Map<ChannelName, BenchEndpoint>(endpointList.map((e) => [e.channel, e]));
  const settings = benchSettings({
    smtpPort: endpoints.get('email')!.port,
    twilio: endpoints.get('sms')!.url,
    slack: endpoints.get('slack')!.url,
    ntfy: endpoints.get('ntfy')!.url,
    vapidPublicKey: vapid.publicKey,
  });

  // each recipient's push device: a browser subscription with real P-256 keys on the local push service
  const subscriptions = new InMemoryPushSubscriptionStore();
  for (const recipient of settings.recipients) {
    for (const id of recipient.channels.push ?? []) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      await subscriptions.upsert({
        id,
        endpoint: `${endpoints.get('push')!.url}/push/${id}`,
        p256dh: ecdh.getPublicKey().toString('base64url'),
        auth: randomBytes(16).toString('base64url'),
        createdAt: Date.now(),
      });
    }
  }
  const channelSet = buildChannels(settings, {
    logger,
    clock: systemClock,
    pushSubscriptions: subscriptions,
    secrets: { env: secrets, readFile: () => { throw new Error('no secret files in the bench'); } },
    allowInsecurePushEndpoints: true,
    timeoutMs: 10_000,
  });

  const recipients = settings.recipients.map((r) => r.id);
  const recipientById = new Map(settings.recipients.map((r) => [r.id, r]));
  const targets = (i: number) => [recipients[i % recipients.length]!, recipients[(i * 7 + 3) % recipients.length]!];

  const metrics = new InMemoryDeliveryMetrics();
  const notifier = new Notifier({
    store,
    settings,
    channels: CHANNELS.map((name) => channelSet.channels.get(name)!),
    clock: systemClock,
    logger,
    random,
    metrics,
    worker: { retry: { maxAttempts: 40, baseDelayMs: 50, maxDelayMs: 1_000 }, concurrency: 64 },
    breaker: { failureThreshold: 10, openMs: 300, maxOpenMs: 2_000 },
    pollIntervalMs: 10,
  });
  notifier.start();
  const started = Date.now();
  const cpuStart = process.cpuUsage();
  const submits: Promise<void>[] = [];
  for (let i = 0; i < options.dispatches; i++) {
    const at = Date.now();
    const dispatch: Dispatch = {
      key: `bench-${i}:firing:0`,
      reason: 'firing',
      incident: incident(i, at),
      recipients: targets(i),
      // every other dispatch pages on push and SMS (as an escalation level does): fallback applies
      ...(i % 2 === 0 ? { channels: ['push', 'sms'] as ChannelName[] } : {}),
      at,
    };
    submits.push(notifier.sink.submit(dispatch));
  }
  await Promise.all(submits);
  const submittedMs = Date.now() - started;
  // the outage is measured against the deliveries planned at submit
  plan.planned = (await store.list({ limit: 10_000_000 })).filter((r) => r.fallbackOf === undefined).length;

  const deadline = Date.now() + 180_000;
  let counts = await notifier.counts();
  while ((counts.pending > 0 || counts.held > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    counts = await notifier.counts();
  }
  const elapsedMs = Date.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  await notifier.stop();

  const rows = await store.list({ limit: 10_000_000 });
  const byId = new Map<string, DeliveryRecord>(rows.map((r) => [r.id, r]));
  const accepted = new Map<string, number>();
  for (const endpoint of endpoints.values()) for (const [identity, count] of endpoint.ledger.accepted) accepted.set(identity, count);
  const known = new Set(rows.map((r) => identityOf(r, recipientById.get(r.recipientId)!)));
  const unexpected = [...accepted.keys()].filter((identity) => !known.has(identity)).length;
  let duplicates = 0;
  let requests = 0;
  let failed = 0;
  let dropped = 0;
  let lostAnswers = 0;
  const rejected: string[] = [];
  for (const endpoint of endpoints.values()) {
    const l = endpoint.ledger;
    duplicates += l.duplicates();
    requests += l.requests;
    failed += l.failed;
    dropped += l.dropped;
    lostAnswers += l.lostAnswers;
    rejected.push(...l.rejected);
  }
  let planned = 0;
  let lost = 0;
  for (const row of rows) {
    if (row.fallbackOf !== undefined) continue;
    planned += 1;
    let cursor: DeliveryRecord | undefined = row;
    let delivered = false;
    for (let hops = 0; cursor !== undefined && hops < CHANNELS.length + 1; hops++) {
      if (accepted.has(identityOf(cursor, recipientById.get(cursor.recipientId)!))) {
        delivered = true;
        break;
      }
      cursor = cursor.supersededBy === undefined ? undefined : byId.get(cursor.supersededBy);
    }
    if (!delivered) lost += 1;
  }
  const sent = accepted.size;
  const p99 = percentile(metrics.latencies, 99);
  const perChannel = CHANNELS.map((c) => {
    const l = endpoints.get(c)!.ledger;
    return `${c}=${l.accepted.size}${l.duplicates() > 0 ? ` (dup ${l.duplicates()})` : ''}`;
  }).join(' ');

  await channelSet.close();
  await state.close();
  await Promise.all([...endpoints.values()].map((e) => e.stop()));
  rmSync(dir, { recursive: true, force: true });

  console.log(`dispatches=${options.dispatches} planned_deliveries=${planned} submitted_in_ms=${submittedMs} (each stored in the SQLite outbox before submit resolved)`);
  console.log(
    `endpoint requests=${requests} failed_before_accept=${failed} (503 / SMTP 451) dropped_before_accept=${dropped} lost_answers_after_accept=${lostAnswers} rejected_malformed=${rejected.length}${rejected.length > 0 ? ` (${[...new Set(rejected)].slice(0, 3).join('; ')})` : ''}`,
  );
  console.log(
    `outage: ${Math.round(options.failureRate * 100)}% at random until ${Math.round(options.failureShare * 100)}% of the burst was accepted, lost-answer rate ${options.lostAnswerRate}; push down for the first 10%`,
  );
  console.log(`accepted per channel (real channels: nodemailer→smtp-server, twilio, @slack/web-api, web-push, ntfy): ${perChannel}; unexpected=${unexpected}`);
  console.log(
    `outbox: sent=${counts.sent} dead=${counts.dead} fallen_back=${counts.fallen_back} pending=${counts.pending}; retries=${metrics.count('retry')} fallbacks=${metrics.count('fallback')} deferred=${metrics.count('deferred')}`,
  );
  console.log(
    `process cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms in ${elapsedMs} ms wall = ${((cpu.user + cpu.system) / 1000 / Math.max(1, sent)).toFixed(2)} ms cpu per message (notify layer, channels, SQLite and the local endpoints together; load average ${loadavg()[0]!.toFixed(1)})`,
  );
  console.log(`latency ms (dispatch → sent): p50=${percentile(metrics.latencies, 50)} p90=${percentile(metrics.latencies, 90)} p99=${p99} max=${percentile(metrics.latencies, 100)}`);
  console.log(`notify sent=${sent} msgs_s=${Math.round(sent / (elapsedMs / 1000))} p99_ms=${p99} duplicates=${duplicates} lost=${lost}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
