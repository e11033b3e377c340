import { captureLogger } from '../channels/test-support/capture-logger';
import { LocalHttpServer, type FakeReply, type RecordedRequest } from '../channels/test-support/local-http-server';
import { ManualClock } from '../core/clock';
import { pointAt, type Point } from '../core/point';
import { serializeLineProtocol } from '../ingest/line-protocol/serialize-line-protocol';
import { GrafanaLivePush, isLiveMeasurement, pushEndpoint, type GrafanaLivePushOptions } from './grafana-live-push';
import { ManualTimers } from './test-support/manual-timers';

const TOKEN = 'glsa_Sup3rS3cretServiceAccountToken_4f2a9c';
const NOW = Date.UTC(2026, 10, 2, 12, 0, 0);

/** A Grafana stand-in on 127.0.0.1 whose answers the test switches; requests are recorded. */
interface Harness {
  server: LocalHttpServer;
  live: GrafanaLivePush;
  timers: ManualTimers;
  clock: ManualClock;
  logText(): string;
  /** Answer of the next requests; default 200 with an empty body, as Grafana answers. */
  reply: (request: RecordedRequest) => FakeReply | Promise<FakeReply>;
}

const harnesses: Harness[] = [];

async function start(options: Partial<Omit<GrafanaLivePushOptions, 'target' | 'logger' | 'clock' | 'timers'>> = {}): Promise<Harness> {
  const h = { reply: () => ({ status: 200 }) } as unknown as Harness;
  h.server = new LocalHttpServer((request) => h.reply(request));
  await h.server.start();
  h.timers = new ManualTimers();
  h.clock = new ManualClock(NOW);
  const log = captureLogger();
  h.logText = log.text;
  h.live = new GrafanaLivePush({
    target: { url: h.server.url, token: TOKEN, stream: 'finmon' },
    logger: log.logger,
    clock: h.clock,
    timers: h.timers,
    ...options,
  });
  harnesses.push(h);
  return h;
}

afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    const stopping = h.live.stop(0);
    h.timers.advance(0);
    await stopping;
    await h.server.stop();
  }
});

/** Waits for real I/O (not timers): polls until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function bodies(h: Harness): string[] {
  return h.server.requests.map((r) => r.body.toString('utf8'));
}

function lineCount(body: string): number {
  return body.split('\n').filter((l) => l !== '').length;
}

const revenue = (value: number, ageMs = 0): Point => pointAt('revenue', { region: 'eu west', currency: 'EUR' }, value, NOW - ageMs);

describe('GrafanaLivePush', () => {
  it('posts line protocol to /api/live/push/<stream> with the bearer token, 1 s after the first point', async () => {
    const h = await start();
    const points = [revenue(1250.5), pointAt('bank_balance', { account: 'ops-usd' }, -3, NOW - 500)];
    h.live.offer(points);
    h.timers.advance(999);
    await h.live.settled();
    expect(h.server.requests).toHaveLength(0);

    h.timers.advance(1);
    await h.live.settled();
    expect(h.server.requests).toHaveLength(1);
    const request = h.server.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/live/push/finmon');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toBe('text/plain');
    const ns = BigInt(NOW) * 1_000_000n;
    expect(request.body.toString('utf8')).toBe(
      `revenue,currency=EUR,region=eu\\ west value=1250.5 ${ns}\nbank_balance,account=ops-usd value=-3 ${ns - 500_000_000n}\n`,
    );
    expect(request.body.toString('utf8')).toBe(serializeLineProtocol(points));
    expect(h.live.stats()).toMatchObject({ pushedLines: 2, pushedRequests: 1, failures: 0, droppedLines: 0, queuedLines: 0, lastPushAtMs: NOW });
  });

  it('sends as soon as 5,000 lines are queued, one request at a time, in order; the rest waits for the delay', async () => {
    const h = await start();
    const concurrent: number[] = [];
    let open = 0;
    h.reply = async () => {
      concurrent.push(++open);
      await new Promise((resolve) => setTimeout(resolve, 5));
      open--;
      return { status: 200 };
    };
    h.live.offer(Array.from({ length: 12_000 }, (_, i) => revenue(i)));
    await h.live.settled();
    expect(bodies(h).map(lineCount)).toEqual([5_000, 5_000]);
    expect(Math.max(...concurrent)).toBe(1);

    h.timers.advance(1_000);
    await h.live.settled();
    const sent = bodies(h);
    expect(sent.map(lineCount)).toEqual([5_000, 5_000, 2_000]);
    const values = sent.join('').split('\n').filter(Boolean).map((l) => Number(/ value=(\S+) /.exec(l)![1]));
    expect(values).toEqual(Array.from({ length: 12_000 }, (_, i) => i));
    expect(h.live.stats().pushedLines).toBe(12_000);
  });

  it('points that arrive while a request is in flight go out in the next batch', async () => {
    const h = await start();
    let release!: () => void;
    h.reply = () => new Promise((resolve) => (release = () => resolve({ status: 200 })));
    h.live.offer([revenue(1)]);
    h.timers.advance(1_000);
    await until(() => h.server.requests.length === 1, 'the first request');
    h.live.offer([revenue(2), revenue(3)]);
    h.timers.advance(1_000);
    expect(h.server.requests).toHaveLength(1);
    h.reply = () => ({ status: 200 });
    release();
    await h.live.settled();
    expect(bodies(h).map(lineCount)).toEqual([1, 2]);
  });

  it('pushes raw and derived KPIs, not rollups, analytics measurements or points older than 10 minutes', async () => {
    const h = await start();
    h.live.offer([
      revenue(1),
      pointAt('gross_margin_pct', {}, 41.5, NOW - 60_000),
      revenue(2, 10 * 60_000),
      revenue(3, 10 * 60_000 + 1),
      revenue(4, 30 * 86_400_000),
      pointAt('rollup_daily', { kpi: 'revenue', scope: 'total' }, 10, NOW, { target: 12 }),
      pointAt('rollup_monthly', { kpi: 'revenue', scope: 'series' }, 10, NOW),
      pointAt('kpi_band', { kpi: 'revenue' }, 1, NOW, { expected: 1, lo99: 0, hi99: 2 }),
      pointAt('kpi_forecast', { kpi: 'revenue', model: 'theta' }, 1, NOW + 86_400_000, { yhat: 1 }),
      pointAt('alert_events', { kpi: 'revenue', state: 'firing' }, 1, NOW, { title: 'x' }),
    ]);
    h.timers.advance(1_000);
    await h.live.settled();
    const lines = bodies(h).join('').split('\n').filter(Boolean);
    expect(lines.map((l) => l.split(/[ ,]/)[0])).toEqual(['revenue', 'gross_margin_pct', 'revenue']);
    expect(lines.map((l) => / value=(\S+) /.exec(l)![1])).toEqual(['1', '41.5', '2']);
    expect(h.live.stats().skippedOldPoints).toBe(2);
  });

  it('a backfill of old points or a batch of rollups alone sends nothing and arms no timer', async () => {
    const h = await start();
    h.live.offer(Array.from({ length: 1_000 }, (_, i) => revenue(i, 86_400_000 + i)));
    h.live.offer([pointAt('rollup_weekly', { kpi: 'revenue', scope: 'total' }, 1, NOW)]);
    expect(h.timers.waiting()).toEqual([]);
    h.timers.advance(60_000);
    await h.live.settled();
    expect(h.server.requests).toHaveLength(0);
    expect(h.live.stats()).toMatchObject({ skippedOldPoints: 1_000, queuedLines: 0 });
  });

  it('drops a failed batch, backs off 1 s, 2 s, 4 s … 30 s, then recovers', async () => {
    const h = await start();
    let failing = true;
    h.reply = () => (failing ? { status: 503, body: 'Live is unavailable' } : { status: 200 });
    h.live.offer([revenue(0)]);
    h.timers.advance(1_000);
    await h.live.settled();
    expect(h.server.requests).toHaveLength(1);
    expect(h.live.stats()).toMatchObject({ failures: 1, consecutiveFailures: 1, backingOff: true, dropped: { failedRequests: 1 }, queuedLines: 0 });
    expect(h.live.stats().lastError).toEqual({ message: 'Grafana answered HTTP 503: Live is unavailable', atMs: NOW });

    let expected = 1;
    for (const backoff of [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]) {
      h.live.offer([revenue(expected)]);
      h.timers.advance(backoff - 1);
      await h.live.settled();
      expect(h.server.requests).toHaveLength(expected);
      h.timers.advance(1);
      await h.live.settled();
      expect(h.server.requests).toHaveLength(++expected);
    }
    expect(h.live.stats()).toMatchObject({ failures: 8, consecutiveFailures: 8, pushedLines: 0, dropped: { failedRequests: 8 } });
    expect(h.logText()).toContain('Grafana Live push failed');

    failing = false;
    h.live.offer([revenue(100), revenue(101)]);
    h.timers.advance(30_000);
    await h.live.settled();
    expect(h.server.requests).toHaveLength(9);
    expect(bodies(h)[8]).toContain('value=100 ');
    expect(h.live.stats()).toMatchObject({ failures: 8, consecutiveFailures: 0, backingOff: false, pushedLines: 2 });
    expect(h.logText()).toContain('Grafana Live push works again');

    // Back to normal pace: the next point goes out 1 s after it arrives.
    h.live.offer([revenue(102)]);
    h.timers.advance(1_000);
    await h.live.settled();
    expect(h.server.requests).toHaveLength(10);
  });

  it('a full queue drops the oldest points, counts them and warns once', async () => {
    const h = await start({ maxQueueLines: 10 });
    h.live.offer(Array.from({ length: 18 }, (_, i) => revenue(i)));
    h.live.offer(Array.from({ length: 7 }, (_, i) => revenue(18 + i)));
    expect(h.live.stats()).toMatchObject({ queuedLines: 10, droppedLines: 15, dropped: { overflow: 15 } });
    h.timers.advance(1_000);
    await h.live.settled();
    const values = bodies(h)[0]!.split('\n').filter(Boolean).map((l) => Number(/ value=(\S+) /.exec(l)![1]));
    expect(values).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(h.logText().match(/queue is full/g)).toHaveLength(1);
  });

  it('keeps taking points while Grafana is down, within the bound', async () => {
    const h = await start({ maxQueueLines: 100 });
    h.reply = () => ({ status: 502 });
    h.live.offer([revenue(0)]);
    h.timers.advance(1_000);
    await h.live.settled();
    for (let i = 0; i < 10; i++) h.live.offer(Array.from({ length: 50 }, (_, j) => revenue(i * 50 + j)));
    expect(h.live.stats()).toMatchObject({ queuedLines: 100, dropped: { overflow: 400, failedRequests: 1 } });
  });

  it('aborts a request Grafana does not answer in time and counts it as failed', async () => {
    const h = await start({ requestTimeoutMs: 5_000 });
    h.reply = () => new Promise<FakeReply>(() => undefined);
    h.live.offer([revenue(1), revenue(2)]);
    h.timers.advance(1_000);
    await until(() => h.server.requests.length === 1, 'the request');
    h.timers.advance(4_999);
    expect(h.live.stats().failures).toBe(0);
    h.timers.advance(1);
    await h.live.settled();
    expect(h.live.stats()).toMatchObject({ failures: 1, dropped: { failedRequests: 2 }, backingOff: true });
    expect(h.live.stats().lastError?.message).toBe('Grafana did not answer within 5000 ms');
  });

  it('never lets the token reach a log line, the stats or an error, whatever Grafana answers', async () => {
    const h = await start();
    // A proxy that echoes the request's headers in its error page.
    h.reply = (request) => ({ status: 401, body: `invalid API key: ${request.headers.authorization}` });
    h.live.offer([revenue(1)]);
    h.timers.advance(1_000);
    await h.live.settled();
    expect(h.server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(h.live.stats().lastError?.message).toBe(
      'Grafana answered HTTP 401 (Grafana refused the token: check FINMON_GRAFANA_TOKEN): invalid API key: Bearer [redacted]',
    );

    // Grafana unreachable: the network error's cause is kept, still without the token.
    await h.server.stop();
    h.live.offer([revenue(2)]);
    h.timers.advance(1_000);
    await h.live.settled();
    expect(h.live.stats().lastError?.message).toMatch(/^fetch failed: ECONNREFUSED$/);

    h.live.offer([revenue(3)]);
    await h.live.stop();

    const logged = h.logText();
    expect(logged).toContain('Grafana Live push failed');
    expect(logged).toContain('ECONNREFUSED');
    expect(logged).toContain('/api/live/push/finmon');
    expect(logged).not.toContain(TOKEN);
    expect(JSON.stringify(h.live.stats())).not.toContain(TOKEN);
  });

  it('a point the serializer refuses is dropped and counted; the rest of its batch goes out', async () => {
    const h = await start();
    h.live.offer([revenue(1), pointAt('revenue', { region: 'north\nsouth' }, 2, NOW), revenue(3)]);
    h.timers.advance(1_000);
    await h.live.settled();
    expect(bodies(h)[0]!.split('\n').filter(Boolean)).toHaveLength(2);
    expect(h.live.stats()).toMatchObject({ pushedLines: 2, dropped: { unserializable: 1 } });
    expect(h.logText()).toContain('cannot be written as line protocol');
  });

  it('stop() pushes what is queued at once, then takes nothing more', async () => {
    const h = await start({ maxBatchLines: 2 });
    h.live.offer([revenue(1), revenue(2), revenue(3)]);
    await h.live.stop();
    expect(bodies(h).map(lineCount)).toEqual([2, 1]);
    h.live.offer([revenue(4)]);
    h.timers.advance(60_000);
    await h.live.settled();
    expect(h.server.requests).toHaveLength(2);
    expect(h.live.stats()).toMatchObject({ pushedLines: 3, queuedLines: 0, droppedLines: 0 });
    expect(h.timers.waiting()).toEqual([]);
  });

  it('stop() gives up at its deadline: the request in flight is aborted, what is left is counted', async () => {
    const h = await start({ maxBatchLines: 2 });
    h.reply = () => new Promise<FakeReply>(() => undefined);
    h.live.offer([revenue(1), revenue(2), revenue(3)]);
    const stopping = h.live.stop(2_000);
    await until(() => h.server.requests.length === 1, 'the request');
    h.timers.advance(2_000);
    await stopping;
    expect(h.live.stats()).toMatchObject({ failures: 1, droppedLines: 3, dropped: { failedRequests: 2, atStop: 1 }, queuedLines: 0 });
    expect(h.live.stats().lastError?.message).toBe('stopped before Grafana answered');
    expect(h.logText()).toContain('stopped with points still queued');
  });
});

describe('isLiveMeasurement', () => {
  it.each([
    ['revenue', true],
    ['bank_balance', true],
    ['cash_forecast_13w', true],
    ['rollup_daily', false],
    ['rollup_weekly', false],
    ['rollup_monthly', false],
    ['kpi_band', false],
    ['kpi_forecast', false],
    ['alert_events', false],
  ])('%s → %s', (kpi, live) => {
    expect(isLiveMeasurement(kpi)).toBe(live);
  });
});

describe('pushEndpoint', () => {
  it.each([
    ['http://127.0.0.1:3000', 'finmon', 'http://127.0.0.1:3000/api/live/push/finmon'],
    ['https://example.com/grafana/', 'finmon-eu', 'https://example.com/grafana/api/live/push/finmon-eu'],
    ['https://admin:pw@example.com/grafana?x=1', 'finmon', 'https://example.com/grafana/api/live/push/finmon'],
  ])('%s + %s → %s', (url, stream, expected) => {
    expect(pushEndpoint(url, stream)).toBe(expected);
  });
});
