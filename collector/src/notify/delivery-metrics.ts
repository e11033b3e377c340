import type { ChannelName } from '../config/notification-settings-schema';
import type { BreakerState } from './circuit-breaker';

/**
 * What happened to a delivery (or a planned one):
 * sent; retry (failed, will try again); dead (a dead letter); fallback (handed to another channel);
 * deferred (waiting for an open breaker); held (rate limit); folded (sent inside one folded
 * message); digest (an information alert waiting for a digest); filtered (preferences, unreachable,
 * unknown recipient; channel "none").
 */
export type DeliveryOutcome = 'sent' | 'retry' | 'dead' | 'fallback' | 'deferred' | 'held' | 'folded' | 'digest' | 'filtered';

/** The small interface the lead turns into prom-client metrics. */
export interface DeliveryMetrics {
  /** Counter `finmon_notify_deliveries_total{channel, outcome}`. */
  outcome(channel: ChannelName | 'none', outcome: DeliveryOutcome): void;
  /** Histogram `finmon_notify_latency_seconds{channel}`: dispatch time to sent. */
  latency(channel: ChannelName, ms: number): void;
  /** Gauge `finmon_notify_breaker_state{channel}` (0 closed, 1 half-open, 2 open). */
  breaker(channel: ChannelName, state: BreakerState): void;
}

export const noDeliveryMetrics: DeliveryMetrics = { outcome: () => {}, latency: () => {}, breaker: () => {} };

/** Keeps everything in memory: tests, the bench, and a snapshot for the health endpoint. */
export class InMemoryDeliveryMetrics implements DeliveryMetrics {
  readonly counts = new Map<string, number>();
  readonly latencies: number[] = [];
  readonly breakers = new Map<ChannelName, BreakerState>();

  outcome(channel: ChannelName | 'none', outcome: DeliveryOutcome): void {
    const key = `${channel}:${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  latency(_channel: ChannelName, ms: number): void {
    this.latencies.push(ms);
  }

  breaker(channel: ChannelName, state: BreakerState): void {
    this.breakers.set(channel, state);
  }

  /** The count for one channel and outcome, or summed over channels when `channel` is undefined. */
  count(outcome: DeliveryOutcome, channel?: ChannelName | 'none'): number {
    if (channel !== undefined) return this.counts.get(`${channel}:${outcome}`) ?? 0;
    let total = 0;
    for (const [key, n] of this.counts) if (key.endsWith(`:${outcome}`)) total += n;
    return total;
  }
}
