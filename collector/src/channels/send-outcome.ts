import type { SendOutcome } from '../notify/channel-port';

/**
 * How channels turn a provider's answer into a `SendOutcome`. The rule is the same for every
 * provider: worth retrying are network failures and timeouts, 5xx, 408 and 429 (with the provider's
 * Retry-After when it gives one); any other 4xx means the request itself is wrong (bad number,
 * unknown channel, revoked token) and retrying cannot help. Backoff lives in the notify layer.
 */

export const SENT: SendOutcome = Object.freeze({ ok: true });

export function sent(providerId: string | undefined): SendOutcome {
  return providerId === undefined || providerId === '' ? SENT : { ok: true, providerId };
}

/** A failure worth retrying (network, 5xx, 429), optionally not before `retryAfterMs`. */
export function retryable(error: string, retryAfterMs?: number): SendOutcome {
  return retryAfterMs === undefined ? { ok: false, retryable: true, error } : { ok: false, retryable: true, error, retryAfterMs };
}

/** A failure that retrying cannot fix. */
export function permanent(error: string): SendOutcome {
  return { ok: false, retryable: false, error };
}

/** Whether an HTTP status is worth retrying. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** The outcome of an HTTP error answer. */
export function httpFailure(status: number, error: string, retryAfterMs?: number): SendOutcome {
  return isRetryableStatus(status) ? retryable(error, retryAfterMs) : permanent(error);
}

/**
 * A Retry-After header in milliseconds: delay-seconds or an HTTP date (relative to `now`).
 * Undefined when absent or unreadable; never negative; capped at one day.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return clampDelay(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : clampDelay(date - now);
}

function clampDelay(ms: number): number {
  return Math.min(Math.max(0, Math.round(ms)), 86_400_000);
}

/**
 * A short, secret-free description of a network error (fetch, axios, sockets): the system error
 * code and message of its cause ("ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:4000)"), or the
 * error's own message. Never the request (which may carry credentials).
 */
export function describeNetworkError(error: unknown): string {
  const cause = field(error, 'cause');
  const code = stringField(cause, 'code') ?? stringField(error, 'code');
  const name = stringField(error, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') return 'no answer in time (timeout)';
  const message = stringField(cause, 'message') ?? stringField(error, 'message') ?? String(error);
  return code && !message.includes(code) ? `${code} (${message})` : message;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === 'string' && v !== '' ? v : undefined;
}
