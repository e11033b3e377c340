/** Exponential backoff with jitter for retrying InfluxDB writes. */
export interface BackoffPolicy {
  /** Delay before the first retry. */
  readonly initialMs: number;
  /** Upper bound of any delay. */
  readonly maxMs: number;
  /** Growth per attempt (2 doubles the delay). */
  readonly factor: number;
  /** Share of the delay that is randomised, 0..1 (0.5: between 50 % and 100 % of the step). */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 30_000, factor: 2, jitter: 0.5 };

/**
 * Delay before retry number `attempt` (0 = first retry):
 * `min(maxMs, initialMs · factor^attempt) · (1 − jitter · random())`.
 * `random` returns values in [0, 1) (inject a seeded one in tests). O(1).
 *
 * @example backoffDelayMs(3, { initialMs: 100, maxMs: 10_000, factor: 2, jitter: 0 }, Math.random) // 800
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const step = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.factor, Math.max(0, attempt)));
  return Math.round(step * (1 - policy.jitter * random()));
}
