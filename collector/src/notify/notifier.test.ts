import { ALL_CHANNELS, testDispatch, testSettings } from './test-support/notify-fixtures';
import { notifyHarness } from './test-support/notify-harness';

describe('Notifier loop', () => {
  it('wakes on submit, sends, and stops after the sends in flight are recorded', async () => {
    const h = notifyHarness({ settings: testSettings({ recipients: [{ id: 'dana', channels: ALL_CHANNELS }] }) });
    let sent!: () => void;
    const delivered = new Promise<void>((resolve) => (sent = resolve));
    h.channels.sms.script = () => {
      sent();
      return { ok: true };
    };
    h.notifier.start();
    h.notifier.start(); // a second start is a no-op
    await h.submit(testDispatch({ channels: ['sms'] }));
    await delivered;
    await h.notifier.stop();
    expect(await h.notifier.counts()).toMatchObject({ sent: 1, pending: 0 });
    await h.notifier.stop(); // stopping twice is harmless
  });

  it('keeps running when a tick fails (state database down) and recovers', async () => {
    const h = notifyHarness({ settings: testSettings({ recipients: [{ id: 'dana', channels: ALL_CHANNELS }] }), pollIntervalMs: 5 });
    const claimDue = h.store.claimDue.bind(h.store);
    let failures = 0;
    let recovered!: () => void;
    const done = new Promise<void>((resolve) => (recovered = resolve));
    h.store.claimDue = async (...args) => {
      if (failures < 2) {
        failures += 1;
        throw new Error('database is locked');
      }
      return claimDue(...args);
    };
    h.channels.sms.script = () => {
      recovered();
      return { ok: true };
    };
    await h.submit(testDispatch({ channels: ['sms'] }));
    h.notifier.start();
    await done;
    await h.notifier.stop();
    expect(failures).toBe(2);
    expect(h.channels.sms.calls).toHaveLength(1);
  });
});
