import { ErrorCodes, FinmonError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Point } from '../core/point';

/**
 * The port every pulled data source implements (bank statement folders, market data, SQL
 * queries): the scheduler calls `run` on the source's cron schedule and delivers the points it
 * returns to the sink.
 */
export interface PulledSource {
  /** Unique name; it appears in logs, errors and the Health page. */
  readonly name: string;
  /** Cron expression, five fields or six with seconds first (`*\/30 * * * * *`). */
  readonly schedule: string;
  /** Budget of one attempt (the run plus delivering its points). Default {@link DEFAULT_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Retries of a failed run. Default {@link DEFAULT_RETRY}. */
  readonly retry?: RetryPolicy;
  /**
   * Fetches the points due now. Must stop work when `signal` aborts (timeout or shutdown);
   * a source that ignores it is abandoned, and whatever it returns later is dropped.
   */
  run(ctx: PulledSourceContext): Promise<Point[]>;
}

export interface PulledSourceContext {
  /** Time of this attempt in epoch milliseconds (from the scheduler's injected clock). */
  readonly now: number;
  /** Aborts when the attempt times out or the scheduler stops. */
  readonly signal: AbortSignal;
  /** A child logger bound to this source. */
  readonly logger: Logger;
}

/**
 * How a failed run is retried: at most `attempts` attempts in all (1 = no retry), waiting a
 * random time in [0, min(maxDelayMs, baseDelayMs · 2^(n−1))) after the n-th failure (full jitter).
 */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** A source's timeout and retry policy with defaults filled in. */
export interface SourcePolicy {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 });

/**
 * The effective timeout and retry policy of `source`, defaults filled in.
 * Throws `FinmonError(CONFIG_INVALID)` naming the source and the field when the name is empty,
 * the timeout is not a positive finite number, attempts is not an integer ≥ 1, or the delays are
 * negative, non-finite or maxDelayMs < baseDelayMs.
 */
export function sourcePolicy(source: PulledSource): SourcePolicy {
  if (typeof source.name !== 'string' || source.name.trim() === '') {
    throw invalid(source, 'name', 'a non-empty string', source.name);
  }
  const timeoutMs = source.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw invalid(source, 'timeoutMs', 'a positive number of milliseconds', timeoutMs);
  }
  const retry = source.retry ?? DEFAULT_RETRY;
  if (!(Number.isInteger(retry.attempts) && retry.attempts >= 1)) {
    throw invalid(source, 'retry.attempts', 'an integer ≥ 1', retry.attempts);
  }
  if (!(Number.isFinite(retry.baseDelayMs) && retry.baseDelayMs >= 0)) {
    throw invalid(source, 'retry.baseDelayMs', 'a number of milliseconds ≥ 0', retry.baseDelayMs);
  }
  if (!(Number.isFinite(retry.maxDelayMs) && retry.maxDelayMs >= retry.baseDelayMs)) {
    throw invalid(source, 'retry.maxDelayMs', `a number of milliseconds ≥ baseDelayMs (${retry.baseDelayMs})`, retry.maxDelayMs);
  }
  return Object.freeze({
    timeoutMs,
    retry: Object.freeze({ attempts: retry.attempts, baseDelayMs: retry.baseDelayMs, maxDelayMs: retry.maxDelayMs }),
  });
}

function invalid(source: PulledSource, field: string, expected: string, got: unknown): FinmonError {
  return new FinmonError(
    ErrorCodes.CONFIG_INVALID,
    `pulled source "${String(source.name)}": ${field} must be ${expected}, got ${String(got)}`,
  );
}
