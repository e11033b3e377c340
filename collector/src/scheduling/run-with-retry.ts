import type { Clock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Point } from '../core/point';
import { sourcePolicy, type PulledSource, type RetryPolicy } from './pulled-source';
import type { Sleep } from './sleep';
import { readSourceOutput } from './source-output';

/** What one scheduled run of a source came to, after all its attempts. */
export type RunOutcome =
  | { readonly ok: true; readonly points: Point[]; readonly attempts: number; readonly error?: undefined }
  | {
      readonly ok: false;
      readonly points: [];
      readonly attempts: number;
      /** Why the last attempt failed; code SOURCE_FAILED (CONFIG_INVALID for a bad policy). */
      readonly error: FinmonError;
      /** True when the run stopped because the caller's signal aborted (shutdown), not by failing. */
      readonly cancelled: boolean;
    };

export interface RunWithRetryDeps {
  readonly clock: Clock;
  /** Waits between attempts and measures each attempt's timeout. */
  readonly sleep: Sleep;
  /** Uniform in [0, 1); drives the backoff jitter. */
  readonly random: () => number;
  /** Logger bound to the source; passed to `run` and used for attempt failures. */
  readonly logger: Logger;
  /** Aborting it cancels the run: the current attempt is aborted and no retry follows. */
  readonly signal?: AbortSignal;
  /** Where the points of a successful attempt go; its failure fails the attempt. Not called for no points. */
  readonly deliver?: (points: Point[]) => Promise<void>;
}

/**
 * Runs `source` once: each attempt calls `run` with an AbortSignal that fires after the source's
 * timeout, checks the output and delivers it; a failed attempt is retried after a full-jitter
 * backoff ({@link backoffDelayMs}) unless the error is a `FinmonError` marked not retryable
 * (malformed output, for one) or the attempts are used up. Never throws and never rejects: the
 * outcome says what happened. A source that ignores its signal is abandoned at the timeout and its
 * late result dropped.
 */
export async function runWithRetry(source: PulledSource, deps: RunWithRetryDeps): Promise<RunOutcome> {
  let policy;
  try {
    policy = sourcePolicy(source);
  } catch (error) {
    return { ok: false, points: [], attempts: 0, error: asFinmonError(error), cancelled: false };
  }
  const { attempts, baseDelayMs, maxDelayMs } = policy.retry;
  const cancelled = (attempt: number): RunOutcome => ({
    ok: false,
    points: [],
    attempts: attempt,
    error: new FinmonError(ErrorCodes.SOURCE_FAILED, `pulled source "${source.name}" was cancelled (scheduler stopping)`, 503, true),
    cancelled: true,
  });

  let lastError: FinmonError | undefined;
  let attempt = 0;
  while (attempt < attempts) {
    if (deps.signal?.aborted) return cancelled(attempt);
    attempt += 1;
    try {
      const points = await runAttempt(source, policy.timeoutMs, deps, `${attempt} of ${attempts}`);
      return { ok: true, points, attempts: attempt };
    } catch (error) {
      if (deps.signal?.aborted) return cancelled(attempt);
      lastError = asFinmonError(error);
      if (!lastError.retryable || attempt >= attempts) break;
      const delayMs = backoffDelayMs(attempt, { attempts, baseDelayMs, maxDelayMs }, deps.random);
      deps.logger.warn({ attempt, attempts, delayMs, err: lastError.message }, 'pulled source attempt failed; retrying');
      await deps.sleep(delayMs, deps.signal);
    }
  }
  if (deps.signal?.aborted) return cancelled(attempt);
  const error = lastError ?? new FinmonError(ErrorCodes.SOURCE_FAILED, `pulled source "${source.name}" made no attempt`);
  return { ok: false, points: [], attempts: attempt, error, cancelled: false };
}

/**
 * The wait after the `failures`-th failed attempt, "full jitter" (AWS Architecture Blog,
 * "Exponential Backoff and Jitter", 2015): floor(random() · min(maxDelayMs, baseDelayMs · 2^(failures−1))).
 * O(1). `random` must return a number in [0, 1); values outside are clamped.
 * @example backoffDelayMs(3, { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.5) // 200
 */
export function backoffDelayMs(failures: number, policy: RetryPolicy, random: () => number): number {
  const exponent = Math.max(0, failures - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/** One attempt: run under a timeout, check the output, deliver it. Rejects with a FinmonError. */
async function runAttempt(source: PulledSource, timeoutMs: number, deps: RunWithRetryDeps, label: string): Promise<Point[]> {
  const attempt = new AbortController();
  const timer = new AbortController();
  const outer = deps.signal;
  const onOuterAbort = (): void => attempt.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  if (outer?.aborted) onOuterAbort();

  let phase: 'running' | 'delivering' = 'running';
  void deps.sleep(timeoutMs, timer.signal).then(() => {
    if (timer.signal.aborted) return;
    const doing = phase === 'running' ? 'running' : 'delivering its points';
    attempt.abort(
      new FinmonError(ErrorCodes.SOURCE_FAILED, `pulled source "${source.name}" timed out after ${timeoutMs} ms while ${doing} (attempt ${label})`, 504, true),
    );
  });

  const work = (async (): Promise<Point[]> => {
    let output: unknown;
    try {
      output = await source.run({ now: deps.clock.now(), signal: attempt.signal, logger: deps.logger });
    } catch (error) {
      throw wrap(error, `pulled source "${source.name}" failed (attempt ${label})`);
    }
    if (attempt.signal.aborted) throw attempt.signal.reason;
    const points = readSourceOutput(output, source.name);
    if (points.length > 0 && deps.deliver) {
      phase = 'delivering';
      try {
        await deps.deliver(points);
      } catch (error) {
        throw wrap(error, `pulled source "${source.name}": delivering ${points.length} points failed (attempt ${label})`);
      }
    }
    return points;
  })();

  try {
    return await untilAborted(work, attempt.signal);
  } finally {
    timer.abort();
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

/** Settles with `work`, or rejects with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      work.catch(() => undefined);
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Prefixes `context` to a failure; retryable unless it is a FinmonError that says otherwise. */
function wrap(error: unknown, context: string): FinmonError {
  const retryable = error instanceof FinmonError ? error.retryable : true;
  return new FinmonError(ErrorCodes.SOURCE_FAILED, `${context}: ${messageOf(error)}`, 502, retryable, { cause: error });
}

function asFinmonError(error: unknown): FinmonError {
  if (error instanceof FinmonError) return error;
  return new FinmonError(ErrorCodes.SOURCE_FAILED, messageOf(error), 502, true, { cause: error });
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
