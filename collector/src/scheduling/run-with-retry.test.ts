import { ManualClock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import { silentLogger } from '../core/logger';
import { pointAt, type Point } from '../core/point';
import { FakeCronTriggerFactory } from './fake-cron-trigger';
import type { PulledSource, PulledSourceContext } from './pulled-source';
import { backoffDelayMs, runWithRetry, type RunOutcome, type RunWithRetryDeps } from './run-with-retry';

const T0 = Date.UTC(2024, 0, 15, 12);

/** Virtual time: the fake trigger factory's clock and sleep, advanced by hand. */
function setup(randoms: number[] = [0.5]) {
  const clock = new ManualClock(T0);
  const time = new FakeCronTriggerFactory(clock);
  let i = 0;
  const random = (): number => randoms[Math.min(i++, randoms.length - 1)] ?? 0;
  const deliveries: Point[][] = [];
  const deps: RunWithRetryDeps = {
    clock,
    sleep: time.sleep,
    random,
    logger: silentLogger(),
    deliver: async (points) => {
      deliveries.push(points);
    },
  };
  /** Starts the run, moves virtual time far enough for it to finish, returns its outcome. */
  async function run(source: PulledSource, extra: Partial<RunWithRetryDeps> = {}, advanceMs = 600_000): Promise<RunOutcome> {
    const outcome = runWithRetry(source, { ...deps, ...extra });
    await time.advanceBy(advanceMs);
    return outcome;
  }
  return { clock, time, deps, deliveries, run };
}

function source(run: (ctx: PulledSourceContext) => Promise<Point[]>, overrides: Partial<PulledSource> = {}): PulledSource {
  return { name: 'market', schedule: '* * * * *', timeoutMs: 1_000, retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 }, run, ...overrides };
}

const point = (t: number): Point => pointAt('fx_rate', { pair: 'EURUSD' }, 1.1, t);

function failed(outcome: RunOutcome): Extract<RunOutcome, { ok: false }> {
  if (outcome.ok) throw new Error('expected a failed outcome');
  return outcome;
}

describe('backoffDelayMs', () => {
  const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };
  it.each<[number, number, number]>([
    [1, 0.5, 50],
    [2, 0.5, 100],
    [3, 0.5, 200],
    [4, 0.5, 400],
    [5, 0.5, 500], // ceiling 1600 capped at 1000
    [9, 0.5, 500],
    [3, 0, 0],
    [3, 0.999, 399],
    [3, 1.7, 400], // random out of range is clamped
  ])('after failure %d with random %d waits %d ms', (failures, r, expected) => {
    expect(backoffDelayMs(failures, policy, () => r)).toBe(expected);
  });
});

describe('runWithRetry', () => {
  it('returns the points of a first successful attempt and delivers them once', async () => {
    const { run, deliveries } = setup();
    const outcome = await run(source(async (ctx) => [point(ctx.now)]));
    expect(outcome).toEqual({ ok: true, points: [point(T0)], attempts: 1 });
    expect(deliveries).toEqual([[point(T0)]]);
  });

  it('waits exact full-jitter delays between attempts of a failing source', async () => {
    const { run } = setup([0.5, 0.25, 0.999]);
    const startedAt: number[] = [];
    const outcome = failed(
      await run(
        source(
          async (ctx) => {
            startedAt.push(ctx.now);
            throw new Error('upstream 503');
          },
          { retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 } },
        ),
      ),
    );
    // ceilings 100, 200, 300 (400 capped): floor(0.5·100), floor(0.25·200), floor(0.999·300)
    expect(startedAt.map((t, k) => t - (startedAt[k - 1] ?? t))).toEqual([0, 50, 50, 299]);
    expect(outcome.attempts).toBe(4);
    expect(outcome.cancelled).toBe(false);
    expect(outcome.error.code).toBe(ErrorCodes.SOURCE_FAILED);
    expect(outcome.error.message).toBe('pulled source "market" failed (attempt 4 of 4): upstream 503');
  });

  it('succeeds on a later attempt after failures', async () => {
    const { run } = setup();
    let calls = 0;
    const outcome = await run(
      source(async (ctx) => {
        calls += 1;
        if (calls < 3) throw new Error('flaky');
        return [point(ctx.now)];
      }),
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts).toBe(3);
  });

  it('aborts the signal of an attempt that runs past its timeout, then fails it as a timeout', async () => {
    const { run, clock } = setup();
    let abortedAt: number | undefined;
    const hanging = source(
      (ctx) =>
        new Promise<Point[]>((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            abortedAt = clock.now();
            reject(new Error('aborted'));
          });
        }),
      { timeoutMs: 500, retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } },
    );
    const outcome = failed(await run(hanging));
    expect(abortedAt).toBe(T0 + 500);
    expect(outcome.error.message).toBe('pulled source "market" timed out after 500 ms while running (attempt 1 of 1)');
    expect(outcome.error.retryable).toBe(true);
  });

  it('abandons a source that ignores its signal and drops its late result', async () => {
    const { run, deliveries, time } = setup();
    let finishLate: ((points: Point[]) => void) | undefined;
    const deaf = source(() => new Promise<Point[]>((resolve) => (finishLate = resolve)), {
      timeoutMs: 500,
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    });
    const outcome = failed(await run(deaf));
    expect(outcome.error.message).toContain('timed out after 500 ms');
    finishLate?.([point(T0)]);
    await time.advanceBy(1);
    expect(deliveries).toEqual([]);
    expect(time.pendingSleeps()).toBe(0);
  });

  it('treats a synchronous throw like a rejection and retries it', async () => {
    const { run } = setup();
    let calls = 0;
    const outcome = failed(
      await run({
        name: 'sql',
        schedule: '* * * * *',
        retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
        run: () => {
          calls += 1;
          throw new TypeError('cannot read properties of undefined');
        },
      }),
    );
    expect(calls).toBe(2);
    expect(outcome.error.message).toBe('pulled source "sql" failed (attempt 2 of 2): cannot read properties of undefined');
  });

  it('fails garbage output at once, without retrying', async () => {
    const { run, deliveries } = setup();
    let calls = 0;
    const outcome = failed(
      await run(
        source(async () => {
          calls += 1;
          return { rows: [] } as unknown as Point[];
        }),
      ),
    );
    expect(calls).toBe(1);
    expect(outcome.attempts).toBe(1);
    expect(outcome.error.retryable).toBe(false);
    expect(outcome.error.message).toBe('pulled source "market" returned an object, expected an array of points');
    expect(deliveries).toEqual([]);
  });

  it('does not retry a FinmonError marked not retryable', async () => {
    const { run } = setup();
    const outcome = failed(
      await run(
        source(async () => {
          throw new FinmonError(ErrorCodes.CONFIG_INVALID, 'folder /statements does not exist', 500, false);
        }),
      ),
    );
    expect(outcome.attempts).toBe(1);
    expect(outcome.error.message).toBe('pulled source "market" failed (attempt 1 of 3): folder /statements does not exist');
  });

  it('fails and retries an attempt whose delivery fails, running the source again', async () => {
    const { run } = setup();
    let runs = 0;
    let deliveries = 0;
    const outcome = await run(
      source(async (ctx) => {
        runs += 1;
        return [point(ctx.now)];
      }),
      {
        deliver: async () => {
          deliveries += 1;
          if (deliveries === 1) throw new FinmonError(ErrorCodes.STORAGE_UNAVAILABLE, 'influxd down', 503, true);
        },
      },
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts).toBe(2);
    expect({ runs, deliveries }).toEqual({ runs: 2, deliveries: 2 });
  });

  it('names the delivery in the error when every delivery fails', async () => {
    const { run } = setup();
    const outcome = failed(
      await run(source(async (ctx) => [point(ctx.now)]), {
        deliver: async () => {
          throw new Error('disk full');
        },
      }),
    );
    expect(outcome.error.message).toBe('pulled source "market": delivering 1 points failed (attempt 3 of 3): disk full');
  });

  it('stops retrying and reports cancellation when its signal aborts during a backoff wait', async () => {
    const { deps, time } = setup([1]);
    const controller = new AbortController();
    let calls = 0;
    const outcome = runWithRetry(
      source(
        async () => {
          calls += 1;
          throw new Error('nope');
        },
        { retry: { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 } },
      ),
      { ...deps, signal: controller.signal },
    );
    await time.advanceBy(5_000); // first attempt failed, now waiting up to 9999 ms
    controller.abort();
    const result = failed(await outcome);
    expect(calls).toBe(1);
    expect(result.cancelled).toBe(true);
    expect(time.pendingSleeps()).toBe(0);
  });

  it('returns an invalid policy as a CONFIG_INVALID outcome instead of throwing', async () => {
    const { run } = setup();
    const outcome = failed(await run(source(async () => [], { timeoutMs: -1 })));
    expect(outcome.attempts).toBe(0);
    expect(outcome.error.code).toBe(ErrorCodes.CONFIG_INVALID);
  });
});
