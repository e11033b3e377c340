/** How long to wait between delivery attempts and when to give up. */
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failure the delivery is a dead letter. */
  readonly maxAttempts: number;
  /** Ceiling of the wait after the first failure. */
  readonly baseDelayMs: number;
  /** The ceiling never grows beyond this. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 15 * 60_000 };

/**
 * The one place delivery backoff is computed: the wait after the `failures`-th failed attempt with
 * "full jitter" (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015):
 * random() · min(maxDelayMs, baseDelayMs · 2^(failures−1)), floored, and never below a provider's
 * `retryAfterMs` (Retry-After, HTTP 429) capped at maxDelayMs. O(1). `random` returns [0, 1);
 * values outside are clamped.
 * @example retryDelayMs(3, { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 60000 }, () => 0.5) // 2000
 */
export function retryDelayMs(
  failures: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const exponent = Math.max(0, failures - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.floor(r * ceiling);
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return jittered;
  return Math.max(jittered, Math.ceil(Math.min(retryAfterMs, policy.maxDelayMs)));
}
