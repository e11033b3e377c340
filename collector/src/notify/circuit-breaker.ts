import type { ChannelName } from '../config/notification-settings-schema';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerPolicy {
  /** Consecutive retryable failures that open the breaker. */
  readonly failureThreshold: number;
  /** How long the breaker stays open before one probe may go through (half-open). */
  readonly openMs: number;
  /** A failed probe doubles the open time, up to this. */
  readonly maxOpenMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = { failureThreshold: 5, openMs: 30_000, maxOpenMs: 10 * 60_000 };

/**
 * A circuit breaker for one channel (closed → open → half-open → closed), driven by the times the
 * caller passes in (no clock of its own, no timers):
 *
 * - closed: every send may go; `failureThreshold` retryable failures in a row open it;
 * - open: no send goes until `retryAt()`; then it is half-open;
 * - half-open: exactly one send (the probe) may go; its success closes the breaker, its failure
 *   opens it again for twice as long (at most `maxOpenMs`).
 *
 * Only retryable failures count: a non-retryable one (a bad address, a 400) says nothing about the
 * channel. A success always closes the breaker: the channel evidently works.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openUntil = 0;
  private openFor: number;
  private probing = false;

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly onChange: (state: BreakerState) => void = () => {},
  ) {
    this.openFor = policy.openMs;
  }

  /** The state at `now` (an open breaker whose time is up reads half-open). */
  state(now: number): BreakerState {
    if (this.current === 'open' && now >= this.openUntil) this.transition('half_open');
    return this.current;
  }

  /** When an open breaker lets its next probe through. */
  retryAt(): number {
    return this.openUntil;
  }

  /** Whether a send may start now; in half-open only the first caller gets the probe. */
  tryAcquire(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.probing = false;
    this.openFor = this.policy.openMs;
    this.transition('closed');
  }

  /** A retryable failure at `now`. */
  onFailure(now: number): void {
    if (this.current === 'half_open') {
      this.probing = false;
      this.openFor = Math.min(this.policy.maxOpenMs, this.openFor * 2);
      this.open(now);
      return;
    }
    if (this.current === 'open') return;
    this.failures += 1;
    if (this.failures >= this.policy.failureThreshold) this.open(now);
  }

  /** A send that ended without saying anything about the channel (non-retryable failure). */
  onNeutral(): void {
    this.probing = false;
  }

  private open(now: number): void {
    this.failures = 0;
    this.openUntil = now + this.openFor;
    this.transition('open');
  }

  private transition(next: BreakerState): void {
    if (next === this.current) return;
    this.current = next;
    this.onChange(next);
  }
}

/** One breaker per channel, created on first use. */
export class ChannelBreakers {
  private readonly breakers = new Map<ChannelName, CircuitBreaker>();

  constructor(
    private readonly policy: BreakerPolicy = DEFAULT_BREAKER_POLICY,
    private readonly onChange: (channel: ChannelName, state: BreakerState) => void = () => {},
  ) {}

  get(channel: ChannelName): CircuitBreaker {
    let breaker = this.breakers.get(channel);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(this.policy, (state) => this.onChange(channel, state));
      this.breakers.set(channel, breaker);
    }
    return breaker;
  }

  /** Every channel's state at `now`, for health output. */
  states(now: number): Partial<Record<ChannelName, BreakerState>> {
    const out: Partial<Record<ChannelName, BreakerState>> = {};
    for (const [channel, breaker] of this.breakers) out[channel] = breaker.state(now);
    return out;
  }
}
