import { ManualClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import type { StateDb } from '../storage/state/open-state-db';
import { createTestStateLocation, type TestStateLocation } from '../storage/state/test-support/state-db-fixtures';
import { deliveryId } from './delivery-id';
import { InMemoryDeliveryMetrics } from './delivery-metrics';
import { HttpPostChannel } from './loopback/http-post-channel';
import { RecordingEndpoint } from './loopback/recording-endpoint';
import { Notifier } from './notifier';
import { SqlOutboxStore } from './sql-outbox-store';
import { openOutboxDb } from './test-support/outbox-db';
import { T0, testDispatch, testIncident, testSettings } from './test-support/notify-fixtures';

/**
 * Outage against a real HTTP endpoint on 127.0.0.1: it answers 503 (and now and then drops the
 * connection) for two simulated minutes, then 200. The outbox is SQLite; time is a ManualClock.
 */
describe('outage of a real local HTTP endpoint', () => {
  let endpoint: RecordingEndpoint;
  let location: TestStateLocation;
  let state: StateDb;
  beforeEach(async () => {
    endpoint = await new RecordingEndpoint().start();
    location = createTestStateLocation('sqlite');
    state = await openOutboxDb(location);
  });
  afterEach(async () => {
    await endpoint.stop();
    await location.dispose();
  });

  it('delivers each notification exactly once after the endpoint comes back', async () => {
    const smsOnly = Array.from({ length: 6 }, (_, i) => ({ id: `sms-only-${i}`, channels: { phone: `+1212555${String(1000 + i)}` } }));
    const withEmail = Array.from({ length: 4 }, (_, i) => ({
      id: `with-email-${i}`,
      channels: { phone: `+1646555${String(2000 + i)}`, email: `p${i}@example.com` },
    }));
    const settings = testSettings({ recipients: [...smsOnly, ...withEmail] });
    const clock = new ManualClock(T0);
    let smsDown = true;
    endpoint.answer = (_key, n) => {
      if (!smsDown) return 200;
      return n % 7 === 0 ? 'reset' : 503;
    };
    const channelUrl = endpoint.url;
    const metrics = new InMemoryDeliveryMetrics();
    const store = new SqlOutboxStore(state.db);
    let seed = 42;
    const notifier = new Notifier({
      store,
      settings,
      channels: [new HttpPostChannel('sms', channelUrl), new HttpPostChannel('email', channelUrl)],
      clock,
      logger: silentLogger(),
      random: () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646,
      metrics,
      worker: { retry: { maxAttempts: 12, baseDelayMs: 1_000, maxDelayMs: 20_000 } },
      breaker: { failureThreshold: 5, openMs: 10_000, maxOpenMs: 40_000 },
    });

    const dispatches = Array.from({ length: 12 }, (_, i) =>
      testDispatch({
        key: `inc-${i}:firing:0`,
        incident: testIncident({ id: `inc-${i}` }),
        recipients: settings.recipients.map((r) => r.id),
        channels: ['sms'],
      }),
    );
    for (const d of dispatches) await notifier.sink.submit(d);

    for (let second = 0; second < 600; second++) {
      if (second === 120) smsDown = false;
      await notifier.worker.tick();
      const counts = await notifier.counts();
      if (second > 120 && counts.pending === 0 && counts.held === 0) break;
      clock.advance(1_000);
    }

    const counts = await notifier.counts();
    expect(counts).toMatchObject({ pending: 0, held: 0, dead: 0 });
    expect(endpoint.requests.some((r) => r.answer === 503)).toBe(true);
    expect(endpoint.requests.some((r) => r.answer === 'reset')).toBe(true);
    expect(metrics.breakers.get('sms')).toBe('closed');
    expect(metrics.count('fallback', 'sms')).toBeGreaterThan(0);

    // every notification reached its person exactly once: on SMS, or on email when it fell back
    for (const d of dispatches) {
      for (const r of smsOnly) {
        expect(endpoint.accepted.get(deliveryId(d.key, r.id, 'sms'))).toBe(1);
      }
      for (const r of withEmail) {
        const sms = endpoint.accepted.get(deliveryId(d.key, r.id, 'sms')) ?? 0;
        const email = endpoint.accepted.get(deliveryId(d.key, r.id, 'email')) ?? 0;
        expect(sms + email).toBe(1);
      }
    }
    expect(endpoint.duplicates()).toBe(0);
    expect(endpoint.accepted.size).toBe(dispatches.length * settings.recipients.length);
  });
});
