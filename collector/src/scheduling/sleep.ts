/**
 * Waits `ms` milliseconds, or less if `signal` aborts first. Never rejects: callers check
 * `signal.aborted` afterwards. Injected wherever the scheduling core waits (backoff, timeouts) so
 * tests can drive time by hand.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real {@link Sleep}: a `setTimeout` that is cleared as soon as `signal` aborts. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
