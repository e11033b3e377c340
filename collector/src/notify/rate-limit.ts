/** A recipient's rate limit: at most `max` notifications in any window of `perMs`. */
export interface RateLimit {
  readonly max: number;
  readonly perMs: number;
}

export type RateDecision = { readonly admit: true } | { readonly admit: false; readonly freeAt: number };

/**
 * Whether one more notification may go to a recipient at `now`, given when the notifications
 * admitted so far went (any order; times outside the window are ignored). When not, `freeAt` is
 * when a slot frees: the oldest admission in the window that must leave it, plus the window.
 * A sliding-window log, O(n log n) in the admissions given (at most about `max` are).
 * @example rateLimitDecision([0, 10, 20], { max: 3, perMs: 100 }, 50) // { admit: false, freeAt: 100 }
 */
export function rateLimitDecision(admitted: readonly number[], limit: RateLimit, now: number): RateDecision {
  const inWindow = admitted.filter((t) => t > now - limit.perMs && t <= now).sort((a, b) => a - b);
  if (inWindow.length < limit.max) return { admit: true };
  const leaving = inWindow[inWindow.length - limit.max] as number;
  return { admit: false, freeAt: leaving + limit.perMs };
}
