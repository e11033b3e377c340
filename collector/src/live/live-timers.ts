/**
 * The timers the live push waits with (batch delay, backoff, request timeout, stop deadline).
 * Injected so tests drive them by hand (`ManualTimers` in test-support); real ones are unref'd so
 * a pending push never keeps the process alive.
 */
export interface LiveTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realLiveTimers: LiveTimers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, Math.max(0, ms));
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
