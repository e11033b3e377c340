/**
 * Time is injected everywhere a decision depends on it: domain code calls `clock.now()`,
 * never `Date.now()`.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests (and the demo's accelerated replay) move by hand. */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(timeMs: number): void {
    this.current = timeMs;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * A clock that runs `speed` times faster than real time from `start` (epoch ms).
 * speed 1 is real time; the demo uses larger speeds to replay days in minutes.
 */
export class AcceleratedClock implements Clock {
  private readonly realStart: number;
  constructor(
    private readonly start: number,
    private readonly speed: number,
    private readonly real: Clock = systemClock,
  ) {
    this.realStart = real.now();
  }
  now(): number {
    return this.start + (this.real.now() - this.realStart) * this.speed;
  }
}
