/**
 * Waits for a condition by polling, with a bound: `check` returns `{ done: true, value }` when the
 * condition holds, or `{ done: false, observed }` describing what it saw; on timeout the error says
 * what was awaited and the last observation. A `check` that throws counts as "not yet" (its message
 * is the observation), so a server that is restarting does not fail the wait.
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<{ done: true; value: T } | { done: false; observed: string }>,
  options: { timeoutMs: number; intervalMs?: number; describe?: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let observed = 'nothing observed yet';
  for (;;) {
    try {
      const outcome = await check();
      if (outcome.done) return outcome.value;
      observed = outcome.observed;
    } catch (error) {
      observed = `error: ${(error as Error).message}`;
    }
    if (Date.now() > deadline) {
      const extra = options.describe ? `\n${options.describe()}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}; last observed: ${observed}${extra}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
