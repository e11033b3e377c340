import type { Dispatch } from '../../alerting/alert-model';
import type { ChannelName, NotificationSettings } from '../../config/notification-settings-schema';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import type { RetryPolicy } from '../backoff';
import type { BreakerPolicy } from '../circuit-breaker';
import { InMemoryDeliveryMetrics } from '../delivery-metrics';
import type { DigestDataSource } from '../digest-runner';
import { InMemoryOutboxStore } from '../in-memory-outbox-store';
import { Notifier } from '../notifier';
import type { OutboxStore } from '../outbox-store';
import { fakeChannels, T0, type FakeChannel } from './notify-fixtures';

export const TEST_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000 };
export const TEST_BREAKER: BreakerPolicy = { failureThreshold: 3, openMs: 30_000, maxOpenMs: 120_000 };

/** A notifier on a ManualClock with fake channels, jitter fixed at 0.5, and in-memory metrics. */
export function notifyHarness(options: {
  settings: NotificationSettings;
  store?: OutboxStore;
  channels?: Record<ChannelName, FakeChannel>;
  clock?: ManualClock;
  retry?: RetryPolicy;
  breaker?: BreakerPolicy;
  digestData?: DigestDataSource;
  leaseMs?: number;
  pollIntervalMs?: number;
  sendTimeoutMs?: number;
}) {
  const clock = options.clock ?? new ManualClock(T0);
  const channels = options.channels ?? fakeChannels();
  const store = options.store ?? new InMemoryOutboxStore();
  const metrics = new InMemoryDeliveryMetrics();
  const notifier = new Notifier({
    store,
    settings: options.settings,
    channels: Object.values(channels),
    clock,
    logger: silentLogger(),
    random: () => 0.5,
    metrics,
    worker: {
      retry: options.retry ?? TEST_RETRY,
      leaseMs: options.leaseMs ?? 60_000,
      ...(options.sendTimeoutMs === undefined ? {} : { sendTimeoutMs: options.sendTimeoutMs }),
    },
    breaker: options.breaker ?? TEST_BREAKER,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.digestData === undefined ? {} : { digestData: options.digestData }),
    links: { incidentUrl: (incident) => `http://grafana.test/d/finmon?incident=${incident.id}` },
  });
  return {
    clock,
    channels,
    store,
    metrics,
    notifier,
    submit: (dispatch: Dispatch) => notifier.sink.submit(dispatch),
    tick: () => notifier.worker.tick(),
    drain: () => notifier.worker.drain(),
    /** Every call on every channel as "channel:recipient:attempt". */
    calls: () =>
      Object.values(channels).flatMap((c) => c.calls.map((call) => `${c.name}:${call.recipient.id}:${call.attempt}`)),
  };
}
