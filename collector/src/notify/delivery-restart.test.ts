import { ManualClock } from '../core/clock';
import type { StateDb } from '../storage/state/open-state-db';
import { createTestStateLocation, TEST_DIALECTS, type TestStateLocation } from '../storage/state/test-support/state-db-fixtures';
import type { OutboxStore } from './outbox-store';
import { SqlOutboxStore } from './sql-outbox-store';
import { openOutboxDb } from './test-support/outbox-db';
import { fakeChannels, T0, testDispatch, testIncident, testSettings } from './test-support/notify-fixtures';
import { notifyHarness } from './test-support/notify-harness';

/** Delivery across restarts of the collector, with the outbox in a real state database. */
describe.each(TEST_DIALECTS)('delivery across restarts on %s', (dialect) => {
  const settings = testSettings({
    recipients: [
      { id: 'dana', roles: ['cfo'], channels: { email: 'dana@example.com', phone: '+12125550142' } },
      { id: 'priya', channels: { phone: '+16465550163' }, preferences: { rateLimit: { max: 1, per: '1h' } } },
    ],
    digests: [{ id: 'daily', name: 'Daily', schedule: '0 7 * * *', timezone: 'America/New_York', roles: ['cfo'] }],
  });
  let location: TestStateLocation;
  const opened: StateDb[] = [];
  const restart = async (): Promise<OutboxStore> => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    const state = await openOutboxDb(location);
    opened.push(state);
    return new SqlOutboxStore(state.db);
  };
  beforeEach(() => {
    location = createTestStateLocation(dialect);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await location.dispose();
  });

  it('never delivers a dispatch submitted again after a restart', async () => {
    const channels = fakeChannels();
    const clock = new ManualClock(T0);
    const dispatch = testDispatch({ recipients: ['dana'], channels: ['sms', 'email'] });
    const first = notifyHarness({ settings, channels, clock, store: await restart() });
    await first.submit(dispatch);
    await first.drain();
    const second = notifyHarness({ settings, channels, clock, store: await restart() });
    await second.submit(dispatch);
    await second.drain();
    expect(first.calls().sort()).toEqual(['email:dana:1', 'sms:dana:1']);
  });

  it('sends after a restart what was stored but not yet sent', async () => {
    const channels = fakeChannels();
    const clock = new ManualClock(T0);
    const first = notifyHarness({ settings, channels, clock, store: await restart() });
    await first.submit(testDispatch({ recipients: ['dana'], channels: ['sms'] }));
    const second = notifyHarness({ settings, channels, clock, store: await restart() });
    await second.drain();
    expect(second.calls()).toEqual(['sms:dana:1']);
  });

  it('re-sends with the same delivery id after a crash between the send and its mark', async () => {
    const channels = fakeChannels();
    const clock = new ManualClock(T0);
    const store = await restart();
    const crashing: OutboxStore = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'markSent') return async () => Promise.reject(new Error('process killed'));
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const first = notifyHarness({ settings, channels, clock, store: crashing, leaseMs: 120_000 });
    await first.submit(testDispatch({ recipients: ['dana'], channels: ['sms'] }));
    await first.tick();
    expect(channels.sms.calls).toHaveLength(1);

    const second = notifyHarness({ settings, channels, clock, store: await restart(), leaseMs: 120_000 });
    await second.drain();
    expect(channels.sms.calls).toHaveLength(1); // still leased by the dead process
    clock.advance(120_000);
    await second.drain();
    await second.drain();
    expect(channels.sms.calls.map((c) => c.deliveryId)).toEqual([channels.sms.calls[0]!.deliveryId, channels.sms.calls[0]!.deliveryId]);
    expect(await second.store.countByStatus()).toMatchObject({ sent: 1, pending: 0 });
  });

  it('keeps rate-limit windows, folds and digest items across a restart', async () => {
    const channels = fakeChannels();
    const clock = new ManualClock(T0);
    const first = notifyHarness({ settings, channels, clock, store: await restart() });
    await first.tick(); // starts the digest period
    for (const id of ['a', 'b', 'c']) {
      await first.submit(testDispatch({ key: id, incident: testIncident({ id }), recipients: ['priya'] }));
    }
    await first.submit(
      testDispatch({ reason: 'information', key: 'm', incident: testIncident({ id: 'm', severity: 'info', alertClass: 'information' }), recipients: ['dana'] }),
    );
    await first.drain();
    expect(first.calls()).toEqual(['sms:priya:1']);

    const second = notifyHarness({ settings, channels, clock, store: await restart() });
    await second.submit(testDispatch({ key: 'd', incident: testIncident({ id: 'd' }), recipients: ['priya'] }));
    clock.set(Date.UTC(2025, 0, 16, 12, 0)); // 07:00 New York next day: the fold and the digest are due
    await second.drain();
    const sms = channels.sms.calls.map((c) => [c.recipient.id, c.message.kind, c.message.folded]);
    expect(sms).toEqual([
      ['priya', 'incident', undefined],
      ['priya', 'digest', 3],
    ]);
    expect(channels.email.calls.map((c) => [c.recipient.id, c.message.digest?.alerts.map((a) => a.severity)])).toEqual([['dana', ['info']]]);
  });
});
