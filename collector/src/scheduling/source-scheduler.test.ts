import { ManualClock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import { silentLogger } from '../core/logger';
import { pointAt, type Point } from '../core/point';
import { FakeCronTriggerFactory } from './fake-cron-trigger';
import type { PulledSource } from './pulled-source';
import { SourceScheduler, type PointSink, type ScheduledRunResult } from './source-scheduler';

const T0 = Date.UTC(2024, 0, 15, 12); // on a minute boundary
const NO_RETRY = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

function setup(sources: PulledSource[], sink?: PointSink) {
  const clock = new ManualClock(T0);
  const time = new FakeCronTriggerFactory(clock);
  const delivered: { source: string; points: Point[] }[] = [];
  const scheduler = new SourceScheduler({
    sources,
    sink:
      sink ??
      (async (points, source) => {
        delivered.push({ source, points });
      }),
    logger: silentLogger(),
    clock,
    timerFactory: time,
    sleep: time.sleep,
    random: () => 0.5,
  });
  return { clock, time, scheduler, delivered };
}

const fxPoint = (t: number): Point => pointAt('fx_rate', { pair: 'EURUSD' }, 1.1, t);

function goodSource(schedule = '*/10 * * * * *'): PulledSource {
  return { name: 'market', schedule, timeoutMs: 1_000, retry: NO_RETRY, run: async (ctx) => [fxPoint(ctx.now)] };
}

function healthOf(scheduler: SourceScheduler, name: string) {
  const entry = scheduler.health().find((h) => h.name === name);
  if (!entry) throw new Error(`no health for ${name}`);
  return entry;
}

describe('SourceScheduler', () => {
  it('runs a source on its schedule and delivers its points to the sink', async () => {
    const { time, scheduler, delivered } = setup([goodSource()]);
    scheduler.start();
    await time.advanceBy(30_000);
    expect(delivered).toEqual([10_000, 20_000, 30_000].map((dt) => ({ source: 'market', points: [fxPoint(T0 + dt)] })));
    expect(healthOf(scheduler, 'market')).toMatchObject({ runs: 3, successes: 3, pointsDelivered: 3, errorStreak: 0, nextRunAt: T0 + 40_000 });
    await scheduler.stop();
  });

  it('keeps every other source on schedule while sources throw, reject, hang or return garbage', async () => {
    const bad: PulledSource[] = [
      { name: 'throws', schedule: '*/10 * * * * *', run: () => { throw new Error('sync boom'); } },
      { name: 'rejects', schedule: '*/10 * * * * *', run: async () => Promise.reject(new Error('async boom')) },
      { name: 'hangs', schedule: '*/10 * * * * *', timeoutMs: 25_000, retry: NO_RETRY, run: () => new Promise<Point[]>(() => undefined) },
      { name: 'garbage', schedule: '*/10 * * * * *', run: async () => 'rows' as unknown as Point[] },
    ];
    const { time, scheduler, delivered } = setup([...bad, goodSource()]);
    scheduler.start();
    await time.advanceBy(120_000);

    const good = delivered.filter((d) => d.source === 'market');
    expect(good.map((d) => d.points[0]?.time)).toEqual(Array.from({ length: 12 }, (_, k) => T0 + (k + 1) * 10_000));
    expect(delivered.every((d) => d.source === 'market')).toBe(true);
    expect(healthOf(scheduler, 'market')).toMatchObject({ successes: 12, errorStreak: 0 });
    for (const name of ['throws', 'rejects', 'garbage']) {
      expect(healthOf(scheduler, name).errorStreak).toBeGreaterThanOrEqual(3);
    }
    expect(healthOf(scheduler, 'throws').lastError).toContain('sync boom');
    expect(healthOf(scheduler, 'garbage').lastError).toContain('expected an array of points');
    // runs at 10, 40, 70, 100 s each time out 25 s later; the ticks in between find it running
    expect(healthOf(scheduler, 'hangs')).toMatchObject({
      failures: 3,
      skipped: 8,
      running: true,
      lastError: 'pulled source "hangs" timed out after 25000 ms while running (attempt 1 of 1)',
    });
    await scheduler.stop();
  });

  it('skips a tick that finds the previous run still going and counts it', async () => {
    const { time, scheduler } = setup([
      {
        name: 'slow',
        schedule: '*/10 * * * * *',
        timeoutMs: 60_000,
        retry: NO_RETRY,
        run: async (ctx) => {
          await time.sleep(25_000, ctx.signal);
          return [fxPoint(ctx.now)];
        },
      },
    ]);
    scheduler.start();
    // runs start at 10 s (ends 35 s) and 40 s (ends 65 s); ticks at 20, 30, 50, 60 s find one running
    await time.advanceBy(60_000);
    expect(healthOf(scheduler, 'slow')).toMatchObject({ runs: 1, skipped: 4, running: true, lastRunAt: T0 + 40_000 });
    await time.advanceBy(5_000);
    expect(healthOf(scheduler, 'slow')).toMatchObject({ runs: 2, skipped: 4, running: false, successes: 2 });
    await scheduler.stop();
  });

  it('counts consecutive failed runs and resets the streak on success', async () => {
    let run = 0;
    const { time, scheduler } = setup([
      {
        name: 'bank',
        schedule: '*/10 * * * * *',
        retry: NO_RETRY,
        run: async (ctx) => {
          run += 1;
          if (run <= 3) throw new Error(`statement folder unreadable (${run})`);
          return [fxPoint(ctx.now)];
        },
      },
    ]);
    scheduler.start();
    const streaks: number[] = [];
    for (let k = 0; k < 5; k++) {
      await time.advanceBy(10_000);
      streaks.push(healthOf(scheduler, 'bank').errorStreak);
    }
    expect(streaks).toEqual([1, 2, 3, 0, 0]);
    expect(healthOf(scheduler, 'bank')).toMatchObject({
      lastError: 'pulled source "bank" failed (attempt 1 of 1): statement folder unreadable (3)',
      lastErrorAt: T0 + 30_000,
      lastSuccessAt: T0 + 50_000,
    });
    await scheduler.stop();
  });

  it('reports a sink failure as the run failing and retries it like one', async () => {
    let sinkCalls = 0;
    const stored: Point[] = [];
    const { time, scheduler } = setup(
      [{ ...goodSource(), retry: { attempts: 2, baseDelayMs: 1_000, maxDelayMs: 1_000 } }],
      async (points) => {
        sinkCalls += 1;
        if (sinkCalls % 3 !== 0) throw new FinmonError(ErrorCodes.STORAGE_UNAVAILABLE, 'influxd unreachable', 503, true);
        stored.push(...points);
      },
    );
    scheduler.start();
    await time.advanceBy(11_000); // run 1 at 10 s: sink fails, backoff 500 ms, sink fails again → run fails
    expect(healthOf(scheduler, 'market')).toMatchObject({
      failures: 1,
      lastAttempts: 2,
      lastError: 'pulled source "market": delivering 1 points failed (attempt 2 of 2): influxd unreachable',
    });
    await time.advanceBy(9_000); // run 2 at 20 s: sink call 3 succeeds on the first attempt
    expect(healthOf(scheduler, 'market')).toMatchObject({ successes: 1, errorStreak: 0 });
    expect(stored).toEqual([fxPoint(T0 + 20_000)]);
    await scheduler.stop();
  });

  it('stop() cancels the triggers, aborts running sources and resolves once they settle', async () => {
    const signals: AbortSignal[] = [];
    const { time, scheduler } = setup([
      {
        name: 'sql',
        schedule: '*/10 * * * * *',
        timeoutMs: 60_000,
        run: (ctx) =>
          new Promise<Point[]>((_resolve, reject) => {
            signals.push(ctx.signal);
            ctx.signal.addEventListener('abort', () => reject(new Error('query cancelled')));
          }),
      },
      goodSource(),
    ]);
    scheduler.start();
    await time.advanceBy(10_000);
    expect(healthOf(scheduler, 'sql').running).toBe(true);

    await scheduler.stop();
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(healthOf(scheduler, 'sql')).toMatchObject({ running: false, runs: 1, failures: 0, errorStreak: 0, nextRunAt: null });
    expect(time.pendingSleeps()).toBe(0);

    await time.advanceBy(60_000);
    expect(healthOf(scheduler, 'market').runs).toBe(1);
    expect(signals).toHaveLength(1);
  });

  it('stop() also cuts short a run waiting out a backoff', async () => {
    let calls = 0;
    const { time, scheduler } = setup([
      {
        name: 'erp',
        schedule: '*/10 * * * * *',
        retry: { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
        run: async () => {
          calls += 1;
          throw new Error('erp down');
        },
      },
    ]);
    scheduler.start();
    await time.advanceBy(10_000);
    expect(calls).toBe(1);
    await scheduler.stop();
    await time.advanceBy(120_000);
    expect(calls).toBe(1);
    expect(healthOf(scheduler, 'erp')).toMatchObject({ running: false, failures: 0 });
  });

  it('runNow runs a source at once, and skips it while a run is going', async () => {
    const { time, scheduler, delivered } = setup([
      {
        name: 'slow',
        schedule: '0 0 * * *',
        timeoutMs: 60_000,
        run: async (ctx) => {
          await time.sleep(5_000, ctx.signal);
          return [fxPoint(ctx.now)];
        },
      },
    ]);
    const first = scheduler.runNow('slow');
    const second = await scheduler.runNow('slow');
    expect(second).toEqual({ kind: 'skipped', reason: 'still-running' });
    await time.advanceBy(5_000);
    const result: ScheduledRunResult = await first;
    expect(result).toEqual({ kind: 'ran', outcome: { ok: true, points: [fxPoint(T0)], attempts: 1 } });
    expect(delivered).toHaveLength(1);
    expect(healthOf(scheduler, 'slow')).toMatchObject({ skipped: 1, nextRunAt: null });
  });

  it('runNow throws NOT_FOUND for an unknown source', () => {
    const { scheduler } = setup([goodSource()]);
    expect(() => scheduler.runNow('erp')).toThrow(expect.objectContaining({ code: ErrorCodes.NOT_FOUND }));
  });

  it.each<[string, PulledSource[], string]>([
    ['two sources with one name', [goodSource(), goodSource()], 'pulled source "market": name is used by more than one source'],
    ['an invalid schedule', [{ ...goodSource(), schedule: '*/10 * *' }], 'pulled source "market": schedule "*/10 * *" has 3 fields; expected 5, or 6 with seconds first'],
    ['a bad timeout', [{ ...goodSource(), timeoutMs: 0 }], 'pulled source "market": timeoutMs must be a positive number'],
  ])('refuses %s at construction with CONFIG_INVALID', (_case, sources, message) => {
    expect(() => setup(sources)).toThrow(expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID, message: expect.stringContaining(message) }));
  });

  it('can be started again after stop()', async () => {
    const { time, scheduler } = setup([goodSource()]);
    scheduler.start();
    await time.advanceBy(10_000);
    await scheduler.stop();
    await time.advanceBy(10_000);
    scheduler.start();
    await time.advanceBy(10_000);
    expect(healthOf(scheduler, 'market').runs).toBe(2);
    await scheduler.stop();
  });
});
