import { ErrorCodes } from '../core/errors';
import { deliveryId } from './delivery-id';
import type { DigestDataRequest } from './digest-runner';
import type { OutboxStore } from './outbox-store';
import { InMemoryOutboxStore } from './in-memory-outbox-store';
import { ALL_CHANNELS, fail, T0, testDispatch, testIncident, testSettings } from './test-support/notify-fixtures';
import { notifyHarness } from './test-support/notify-harness';

const NO_BREAKER = { failureThreshold: 1000, openMs: 1, maxOpenMs: 1 };
const MINUTE = 60_000;

describe('delivery: outbox, retries, dead letters', () => {
  const settings = testSettings({
    recipients: [
      { id: 'dana', channels: ALL_CHANNELS },
      { id: 'priya', channels: { phone: '+16465550163' } },
    ],
  });

  it('stores every delivery before anything is sent, then sends each once with its stable id', async () => {
    const h = notifyHarness({ settings });
    const dispatch = testDispatch({ recipients: ['dana', 'priya'], channels: ['sms', 'push'] });
    await h.submit(dispatch);
    expect(h.calls()).toEqual([]);
    expect((await h.store.list({ status: 'pending' })).map((d) => `${d.channel}:${d.recipientId}`).sort()).toEqual([
      'push:dana',
      'sms:dana',
      'sms:priya',
    ]);

    await h.drain();
    expect(h.calls().sort()).toEqual(['push:dana:1', 'sms:dana:1', 'sms:priya:1']);
    const sms = h.channels.sms.calls.find((c) => c.recipient.id === 'dana');
    expect(sms?.deliveryId).toBe(deliveryId(dispatch.key, 'dana', 'sms'));
    expect(sms?.message).toEqual({
      kind: 'incident',
      reason: 'firing',
      incident: dispatch.incident,
      at: T0,
      dashboardUrl: 'http://grafana.test/d/finmon?incident=inc-1',
    });
    expect(await h.store.countByStatus()).toMatchObject({ pending: 0, sent: 3 });
    expect(h.metrics.count('sent', 'sms')).toBe(2);
  });

  it('stores a burst of submits in one batch, counting rate limits across it', async () => {
    const limited = testSettings({
      recipients: [{ id: 'dana', channels: { email: 'dana@example.com' }, preferences: { rateLimit: { max: 2, per: '1h' } } }],
    });
    const h = notifyHarness({ settings: limited });
    const saves = jest.spyOn(h.store, 'savePlan');
    const burst = [0, 1, 2, 3, 4].map((i) => testDispatch({ key: `b${i}`, incident: testIncident({ id: `b${i}` }) }));
    await Promise.all([...burst, burst[0]!].map((d) => h.submit(d)));
    expect(saves).toHaveBeenCalledTimes(1);
    expect(await h.store.countByStatus()).toMatchObject({ pending: 2, held: 3 });
  });

  it('a dispatch that cannot be stored fails alone; the rest of its batch is stored', async () => {
    const h = notifyHarness({ settings });
    const bad = testDispatch({ key: 'bad', incident: testIncident({ id: 'bad', details: { n: 1n as unknown as number } } as never) });
    const bad2 = { ...bad, incident: { ...bad.incident, alerts: [{ ...bad.incident.alerts[0]!, details: { n: 1n as unknown as number } }] } };
    const results = await Promise.allSettled([
      h.submit(testDispatch({ key: 'ok-1', recipients: ['priya'] })),
      h.submit({ ...bad2, recipients: ['priya'] }),
      h.submit(testDispatch({ key: 'ok-2', recipients: ['priya'] })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await h.drain();
    expect(h.calls()).toEqual(['sms:priya:1', 'sms:priya:1']);
  });

  it('never delivers the same dispatch twice to the same person on the same channel', async () => {
    const h = notifyHarness({ settings });
    const dispatch = testDispatch({ recipients: ['dana'], channels: ['sms'] });
    await h.submit(dispatch);
    await h.drain();
    await h.submit(dispatch);
    await h.submit({ ...dispatch, channels: ['sms', 'email'] });
    await h.drain();
    expect(h.calls()).toEqual(['sms:dana:1']);
    // a recipient added to the same dispatch later is still told
    await h.submit({ ...dispatch, recipients: ['dana', 'priya'] });
    await h.drain();
    expect(h.calls()).toEqual(['sms:dana:1', 'sms:priya:1']);
    // another stage of the same incident is a new notification
    await h.submit(testDispatch({ reason: 'escalation', key: 'inc-1:escalation:1', recipients: ['dana'], channels: ['sms'] }));
    await h.drain();
    expect(h.calls().sort()).toEqual(['sms:dana:1', 'sms:dana:1', 'sms:priya:1']);
  });

  it('retries a retryable failure with exponential backoff and full jitter, then makes a dead letter', async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    h.channels.sms.script = () => fail('HTTP 503 Service Unavailable');
    await h.submit(testDispatch({ recipients: ['priya'] }));
    const attemptTimes: number[] = [];
    for (const wait of [0, 500, 1000, 2000]) {
      h.clock.advance(wait - 1);
      await h.tick();
      expect(h.channels.sms.calls).toHaveLength(attemptTimes.length); // not a millisecond early
      h.clock.advance(1);
      await h.tick();
      attemptTimes.push(h.clock.now() - T0);
    }
    expect(attemptTimes).toEqual([0, 500, 1500, 3500]); // waits 0.5 × 1 s, 2 s, 4 s
    expect(h.channels.sms.calls.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(h.channels.sms.ids()).size).toBe(1);

    h.clock.advance(24 * 3600_000);
    await h.drain();
    expect(h.channels.sms.calls).toHaveLength(4);
    const [dead] = await h.notifier.deadLetters.list();
    expect(dead).toMatchObject({
      recipientId: 'priya',
      channel: 'sms',
      kind: 'incident',
      reason: 'firing',
      incidentId: 'inc-1',
      title: 'Cash position below minimum',
      attempts: 4,
      lastError: 'HTTP 503 Service Unavailable (after 4 attempts)',
    });
    expect(dead?.fallbackId).toBeUndefined();
    expect(h.metrics.count('retry', 'sms')).toBe(3);
    expect(h.metrics.count('dead', 'sms')).toBe(1);
  });

  it('waits at least the Retry-After a provider asks for', async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    let calls = 0;
    h.channels.sms.script = () => (++calls === 1 ? fail('HTTP 429', true, 20_000) : { ok: true });
    await h.submit(testDispatch({ recipients: ['priya'] }));
    await h.tick();
    h.clock.advance(19_999);
    await h.tick();
    expect(calls).toBe(1);
    h.clock.advance(1);
    await h.tick();
    expect(calls).toBe(2);
  });

  it('retries a dead letter by hand with the same delivery id; refuses other ids with clear errors', async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    h.channels.sms.script = () => fail('HTTP 401 invalid credentials', false);
    await h.submit(testDispatch({ recipients: ['priya'] }));
    await h.drain();
    const [dead] = await h.notifier.deadLetters.list({ channel: 'sms' });
    expect(dead).toMatchObject({ attempts: 1, lastError: 'HTTP 401 invalid credentials' });
    expect(await h.notifier.deadLetters.list({ channel: 'email' })).toEqual([]);

    h.channels.sms.script = () => ({ ok: true, providerId: 'SM1' });
    h.clock.advance(MINUTE);
    await h.notifier.deadLetters.retry(dead!.id);
    await h.drain();
    expect(h.channels.sms.ids()).toEqual([dead!.id, dead!.id]);
    expect(h.channels.sms.calls.map((c) => c.attempt)).toEqual([1, 1]);
    expect(await h.store.get(dead!.id)).toMatchObject({ status: 'sent', providerId: 'SM1', sentAt: T0 + MINUTE });
    expect(await h.notifier.deadLetters.list()).toEqual([]);

    await expect(h.notifier.deadLetters.retry(dead!.id)).rejects.toMatchObject({
      code: ErrorCodes.NOTIFY_NOT_DEAD_LETTER,
      httpStatus: 409,
      message: expect.stringContaining('is sent'),
    });
    await expect(h.notifier.deadLetters.retry('no-such-id')).rejects.toMatchObject({ code: ErrorCodes.NOT_FOUND, httpStatus: 404 });
  });

  it("a delivery that fails for good falls back to the recipient's next channel", async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    h.channels.push.script = () => fail('subscription expired (HTTP 410)', false);
    const dispatch = testDispatch({ recipients: ['dana'], channels: ['push'] });
    await h.submit(dispatch);
    await h.drain();
    expect(h.calls()).toEqual(['email:dana:1', 'push:dana:1']);
    const email = await h.store.get(deliveryId(dispatch.key, 'dana', 'email'));
    expect(email).toMatchObject({ status: 'sent', fallbackOf: deliveryId(dispatch.key, 'dana', 'push'), fallback: ['sms', 'slack', 'ntfy'] });
    const [dead] = await h.notifier.deadLetters.list();
    expect(dead).toMatchObject({ channel: 'push', fallbackId: email!.id });
  });

  it('falls back past a channel that does not carry the message', async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    Object.assign(h.channels.email, { accepts: () => false });
    h.channels.push.script = () => fail('HTTP 410', false);
    await h.submit(testDispatch({ recipients: ['dana'], channels: ['push'] }));
    await h.drain();
    expect(h.calls()).toEqual(['sms:dana:1', 'push:dana:1']);
  });

  it('walks the fallback chain while channels keep failing, using each channel once', async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    for (const c of ['push', 'email', 'sms'] as const) h.channels[c].script = () => fail(`${c} rejected`, false);
    await h.submit(testDispatch({ recipients: ['dana'], channels: ['push'] }));
    await h.drain();
    expect(h.calls()).toEqual(['email:dana:1', 'sms:dana:1', 'slack:dana:1', 'push:dana:1']);
    expect(h.metrics.count('dead')).toBe(3);
  });

  it('does not fall back when the recipient already got the notification on another channel', async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    h.channels.push.script = () => fail('HTTP 410', false);
    await h.submit(testDispatch({ recipients: ['dana'], channels: ['slack'] }));
    await h.drain();
    await h.submit(testDispatch({ key: 'inc-1:firing:0', recipients: ['dana'], channels: ['slack', 'push'] }));
    await h.submit(testDispatch({ key: 'inc-1:update:1', recipients: ['dana'], channels: ['slack', 'push'] }));
    await h.drain();
    expect(h.calls().sort()).toEqual(['push:dana:1', 'slack:dana:1', 'slack:dana:1']);
    expect((await h.notifier.deadLetters.list()).map((d) => d.fallbackId)).toEqual([undefined]);
  });

  it('falls back once when several channels of one notification fail at the same time', async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    let release!: () => void;
    const together = new Promise<void>((resolve) => (release = resolve));
    let waiting = 0;
    const failTogether = async () => {
      waiting += 1;
      if (waiting === 2) release();
      await together;
      return fail('rejected', false);
    };
    h.channels.sms.script = failTogether;
    h.channels.push.script = failTogether;
    await h.submit(testDispatch({ recipients: ['dana'], channels: ['sms', 'push'] }));
    await h.drain();
    expect(h.calls().sort()).toEqual(['email:dana:1', 'push:dana:1', 'sms:dana:1']);
  });

  it('lets the last failing channel fall back while another may still reach the recipient', async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    h.channels.push.script = () => fail('HTTP 410', false);
    h.channels.sms.script = () => fail('HTTP 503');
    await h.submit(testDispatch({ recipients: ['dana'], channels: ['sms', 'push'] }));
    await h.tick();
    expect(h.calls().sort()).toEqual(['push:dana:1', 'sms:dana:1']); // sms will retry: no fallback yet
    for (let i = 0; i < 5; i++) {
      h.clock.advance(3600_000);
      await h.drain();
    }
    expect(h.channels.email.calls).toHaveLength(1); // sms gave up after 4 attempts: email takes over
    expect(h.channels.sms.calls).toHaveLength(4);
  });

  it('makes a dead letter of a delivery to a recipient removed from the settings (hot reload)', async () => {
    const h = notifyHarness({ settings });
    await h.submit(testDispatch({ recipients: ['priya'] }));
    h.notifier.reconfigure(testSettings({ recipients: [{ id: 'dana', channels: ALL_CHANNELS }] }));
    await h.drain();
    expect(h.calls()).toEqual([]);
    expect((await h.notifier.deadLetters.list())[0]?.lastError).toBe('recipient "priya" is no longer in notification_settings.yaml');
  });

  it('uses the address of the current settings when it sends', async () => {
    const h = notifyHarness({ settings });
    await h.submit(testDispatch({ recipients: ['priya'] }));
    h.notifier.reconfigure(testSettings({ recipients: [{ id: 'priya', channels: { phone: '+16465550999' } }] }));
    await h.drain();
    expect(h.channels.sms.calls[0]?.recipient.channels.phone).toBe('+16465550999');
  });

  it('a channel no longer configured makes a dead letter that falls back', async () => {
    const h = notifyHarness({ settings });
    await h.submit(testDispatch({ recipients: ['dana'], channels: ['sms'] }));
    h.notifier.setChannels([h.channels.email]);
    await h.drain();
    expect(h.calls()).toEqual(['email:dana:1']);
    expect((await h.notifier.deadLetters.list())[0]?.lastError).toBe('channel sms is not configured');
  });

  it('a channel that throws or never answers counts as a retryable failure', async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    let n = 0;
    h.channels.sms.script = () => {
      n += 1;
      if (n === 1) throw new Error('socket hang up');
      return { ok: true };
    };
    await h.submit(testDispatch({ recipients: ['priya'] }));
    await h.tick();
    expect((await h.store.list({}))[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'sms threw: socket hang up' });
    h.clock.advance(500);
    await h.tick();
    expect((await h.store.list({}))[0]).toMatchObject({ status: 'sent' });
  });

  it('counts a send that does not answer within sendTimeoutMs as a retryable failure', async () => {
    jest.useFakeTimers({ doNotFake: ['Date', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const h = notifyHarness({ settings, breaker: NO_BREAKER, sendTimeoutMs: 30_000 });
      h.channels.sms.script = () => new Promise(() => {});
      await h.submit(testDispatch({ recipients: ['priya'] }));
      const tick = h.tick();
      await jest.advanceTimersByTimeAsync(29_999);
      expect(await h.store.countByStatus()).toMatchObject({ pending: 1 });
      expect((await h.store.list({}))[0]?.attempts).toBe(0);
      await jest.advanceTimersByTimeAsync(1);
      await tick;
      expect((await h.store.list({}))[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'sms did not answer within 30000 ms' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('re-sends with the same delivery id when the process dies between the send and its mark', async () => {
    const inner = new InMemoryOutboxStore();
    let crash = true;
    const store: OutboxStore = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'markSent' && crash) {
          return async () => {
            crash = false;
            throw new Error('state database connection lost');
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const h = notifyHarness({ settings, store, leaseMs: 60_000 });
    await h.submit(testDispatch({ recipients: ['priya'] }));
    await h.tick();
    h.clock.advance(59_999);
    await h.tick();
    expect(h.channels.sms.calls).toHaveLength(1); // leased: nobody sends it meanwhile
    h.clock.advance(1);
    await h.drain();
    expect(h.channels.sms.calls.map((c) => [c.deliveryId, c.attempt])).toEqual([
      [h.channels.sms.calls[0]!.deliveryId, 1],
      [h.channels.sms.calls[0]!.deliveryId, 1],
    ]);
    expect(await inner.countByStatus()).toMatchObject({ sent: 1, pending: 0 });
  });

  it('prunes finished deliveries after the retention time; dead letters stay', async () => {
    const h = notifyHarness({ settings, breaker: NO_BREAKER });
    h.channels.push.script = () => fail('HTTP 410', false);
    await h.submit(testDispatch({ recipients: ['dana'], channels: ['sms', 'push'] }));
    await h.drain();
    expect(await h.store.countByStatus()).toMatchObject({ sent: 1, dead: 1 });
    h.clock.advance(30 * 86_400_000 + 3_600_000);
    await h.tick();
    expect(await h.store.countByStatus()).toMatchObject({ sent: 0, dead: 1 });
  });

  it('reports latency from the dispatch time to sent', async () => {
    const h = notifyHarness({ settings });
    h.clock.advance(1500);
    await h.submit(testDispatch({ recipients: ['priya'], at: T0 + 200 }));
    await h.drain();
    expect(h.metrics.latencies).toEqual([1300]);
  });
});

describe('delivery: circuit breakers', () => {
  const settings = testSettings({
    recipients: [
      { id: 'priya', channels: { phone: '+16465550163' } },
      { id: 'dana', channels: { phone: '+12125550142', email: 'dana@example.com' } },
    ],
  });

  it('opens after repeated failures: others fall back or wait; a half-open probe closes it again', async () => {
    const h = notifyHarness({ settings, breaker: { failureThreshold: 3, openMs: 30_000, maxOpenMs: 120_000 } });
    let smsUp = false;
    h.channels.sms.script = () => (smsUp ? { ok: true } : fail('HTTP 503'));
    for (let i = 0; i < 3; i++) await h.submit(testDispatch({ key: `inc-${i}:firing:0`, recipients: ['priya'] }));
    await h.tick();
    expect(h.notifier.breakerStates()).toEqual({ sms: 'open' });
    expect(h.metrics.breakers.get('sms')).toBe('open');

    // while open: priya (SMS only) waits; dana falls back to email at once
    await h.submit(testDispatch({ key: 'inc-9:firing:0', recipients: ['priya', 'dana'], channels: ['sms'] }));
    h.clock.advance(10_000);
    await h.drain();
    expect(h.calls()).toEqual(['email:dana:1', 'sms:priya:1', 'sms:priya:1', 'sms:priya:1']);
    expect(h.metrics.count('fallback', 'sms')).toBe(1);
    expect(h.metrics.count('deferred', 'sms')).toBeGreaterThanOrEqual(1);

    // half-open after 30 s: one probe goes; it succeeds and the rest follow
    smsUp = true;
    h.clock.set(T0 + 30_000);
    await h.tick();
    expect(h.channels.sms.calls).toHaveLength(4);
    expect(h.notifier.breakerStates()).toMatchObject({ sms: 'closed' });
    h.clock.advance(1000);
    await h.drain();
    expect(await h.store.countByStatus()).toMatchObject({ pending: 0, dead: 0, sent: 5, fallen_back: 1 });
    const ids = h.channels.sms.calls.map((c) => c.deliveryId);
    // three failed tries, then each of the four deliveries to priya succeeded exactly once
    expect(ids).toHaveLength(7);
    expect(new Set(ids.slice(3)).size).toBe(4);
  });

  it('a failed probe keeps the breaker open for twice as long', async () => {
    const h = notifyHarness({ settings, breaker: { failureThreshold: 1, openMs: 10_000, maxOpenMs: 60_000 } });
    h.channels.sms.script = () => fail('HTTP 503');
    await h.submit(testDispatch({ recipients: ['priya'] }));
    await h.tick();
    h.clock.set(T0 + 10_000);
    await h.tick(); // the probe fails
    expect(h.channels.sms.calls).toHaveLength(2);
    h.clock.set(T0 + 29_999);
    await h.drain();
    expect(h.channels.sms.calls).toHaveLength(2);
    h.clock.set(T0 + 30_000);
    await h.tick();
    expect(h.channels.sms.calls).toHaveLength(3);
  });
});

describe('delivery: quiet hours and rate limits', () => {
  const NIGHT = Date.UTC(2025, 0, 16, 4, 0); // 23:00 in New York
  const MORNING = Date.UTC(2025, 0, 16, 12, 0); // 07:00

  it('holds a warning until the quiet hours end; a critical one breaks through', async () => {
    const settings = testSettings({
      recipients: [{ id: 'dana', channels: { email: 'dana@example.com' }, preferences: { quietHours: { start: '22:00', end: '07:00' } } }],
    });
    const h = notifyHarness({ settings });
    h.clock.set(NIGHT);
    await h.submit(testDispatch({ key: 'w', incident: testIncident({ id: 'w', severity: 'warning' }), at: NIGHT }));
    await h.submit(testDispatch({ key: 'c', incident: testIncident({ id: 'c', severity: 'critical' }), at: NIGHT }));
    await h.drain();
    expect(h.channels.email.calls.map((c) => c.message.incident?.id)).toEqual(['c']);
    h.clock.set(MORNING - 1);
    await h.drain();
    expect(h.channels.email.calls).toHaveLength(1);
    h.clock.set(MORNING);
    await h.drain();
    expect(h.channels.email.calls.map((c) => c.message.incident?.id)).toEqual(['c', 'w']);
  });

  it('folds what overflows the rate limit into one message when a slot frees', async () => {
    const settings = testSettings({
      recipients: [{ id: 'dana', channels: { email: 'dana@example.com', slack: { user: 'U0DANA' } }, preferences: { rateLimit: { max: 2, per: '1h' } } }],
    });
    const h = notifyHarness({ settings });
    const incidents = [0, 1, 2, 3, 4].map((i) => testIncident({ id: `inc-${i}`, severity: i === 3 ? 'critical' : 'warning' }));
    for (const [i, incident] of incidents.entries()) {
      h.clock.set(T0 + i * MINUTE);
      await h.submit(testDispatch({ key: `inc-${i}:firing:0`, incident, at: h.clock.now() }));
      await h.drain();
    }
    expect(h.channels.email.calls.map((c) => c.message.incident?.id)).toEqual(['inc-0', 'inc-1']);
    expect(await h.store.countByStatus()).toMatchObject({ held: 6 });
    expect(h.metrics.count('held')).toBe(6);

    h.clock.set(T0 + 3600_000 - 1);
    await h.drain();
    expect(h.channels.email.calls).toHaveLength(2);
    h.clock.set(T0 + 3600_000);
    await h.drain();
    const folded = h.channels.email.calls[2]!.message;
    expect(folded).toMatchObject({ kind: 'digest', reason: 'digest', folded: 3, at: T0 + 3600_000 });
    expect(folded.digest?.title).toBe('3 notifications for Person dana held back by the rate limit');
    expect(folded.digest?.alerts.map((a) => a.fingerprint).sort()).toEqual(incidents.slice(2).map((i) => i.alerts[0]!.fingerprint).sort());
    expect(folded.digest?.alerts[0]?.severity).toBe('critical');
    expect(h.channels.slack.calls.map((c) => c.message.folded)).toEqual([undefined, undefined, 3]);
    expect(await h.store.countByStatus()).toMatchObject({ held: 0, folded: 6, sent: 6 });

    // the folded message counted against the limit: the next one waits for a slot again
    await h.submit(testDispatch({ key: 'inc-5:firing:0', incident: testIncident({ id: 'inc-5' }), at: h.clock.now() }));
    await h.drain();
    expect(h.channels.email.calls).toHaveLength(3);
  });

  it('sends a single held notification as itself when its slot frees', async () => {
    const settings = testSettings({
      recipients: [{ id: 'dana', channels: { email: 'dana@example.com' }, preferences: { rateLimit: { max: 1, per: '10m' } } }],
    });
    const h = notifyHarness({ settings });
    await h.submit(testDispatch({ key: 'a', incident: testIncident({ id: 'a' }) }));
    await h.submit(testDispatch({ key: 'b', incident: testIncident({ id: 'b' }) }));
    await h.drain();
    h.clock.advance(10 * MINUTE);
    await h.drain();
    expect(h.channels.email.calls.map((c) => [c.message.kind, c.message.incident?.id, c.message.folded])).toEqual([
      ['incident', 'a', undefined],
      ['incident', 'b', undefined],
    ]);
  });

  it('a fold that comes due in quiet hours waits for them to end (unless critical)', async () => {
    const settings = testSettings({
      recipients: [
        {
          id: 'dana',
          channels: { email: 'dana@example.com' },
          preferences: { rateLimit: { max: 1, per: '1h' }, quietHours: { start: '22:00', end: '07:00' } },
        },
      ],
    });
    const h = notifyHarness({ settings });
    h.clock.set(NIGHT - 30 * MINUTE); // 22:30 → quiet; a critical goes, the warnings are held
    for (const [i, severity] of (['critical', 'warning', 'warning'] as const).entries()) {
      await h.submit(testDispatch({ key: `k${i}`, incident: testIncident({ id: `i${i}`, severity }) }));
    }
    await h.drain();
    h.clock.set(NIGHT + 30 * MINUTE);
    await h.drain();
    expect(h.channels.email.calls).toHaveLength(1);
    h.clock.set(MORNING);
    await h.drain();
    expect(h.channels.email.calls.map((c) => c.message.folded)).toEqual([undefined, 2]);
  });
});

describe('delivery: digests', () => {
  const settings = testSettings({
    recipients: [
      { id: 'dana', roles: ['cfo'], channels: { email: 'dana@example.com', slack: { user: 'U0DANA' } } },
      { id: 'priya', roles: ['treasury'], channels: { email: 'priya@example.com' } },
      { id: 'sam', channels: { email: 'sam@example.com' } },
    ],
    digests: [
      {
        id: 'daily-finance',
        name: 'Daily finance digest',
        schedule: '0 7 * * 1-5',
        timezone: 'America/New_York',
        recipients: ['dana'],
        roles: ['treasury'],
        include: { categories: ['financial'] },
      },
    ],
  });
  const THURSDAY_7AM = Date.UTC(2025, 0, 16, 12, 0);
  const FRIDAY_7AM = Date.UTC(2025, 0, 17, 12, 0);

  function rowsFor(requests: DigestDataRequest[]) {
    return {
      rows: async (request: DigestDataRequest) => {
        requests.push(request);
        return request.roles.includes('treasury')
          ? [{ kpi: 'cash_position', name: 'Cash position', value: 4_200_000, unit: 'USD', target: 5_000_000, status: 'warning' as const }]
          : [];
      },
    };
  }

  it('batches information alerts into the scheduled digest, with KPI rows per role, sent at the cron time in its zone', async () => {
    const requests: DigestDataRequest[] = [];
    const h = notifyHarness({ settings, digestData: rowsFor(requests) });
    await h.tick(); // the first run only records when the digest period starts
    const info = testIncident({ id: 'milestone', severity: 'info', alertClass: 'information' });
    await h.submit(testDispatch({ reason: 'information', key: 'milestone:information:0', incident: info, recipients: ['dana', 'priya', 'sam'] }));
    const warning = testIncident({ id: 'dso', severity: 'warning' });
    await h.submit(testDispatch({ key: 'dso:firing:0', incident: warning, recipients: ['dana'], channels: ['slack'] }));
    await h.drain();
    // sam has no digest: told at once; dana gets the warning at once; the milestone waits for dana and priya
    expect(h.calls().sort()).toEqual(['email:sam:1', 'slack:dana:1']);

    h.clock.set(THURSDAY_7AM - 1);
    await h.drain();
    expect(h.calls()).toHaveLength(2);
    h.clock.set(THURSDAY_7AM);
    await h.drain();
    const digests = h.channels.email.calls.filter((c) => c.message.kind === 'digest');
    expect(digests.map((c) => c.recipient.id).sort()).toEqual(['dana', 'priya']);
    const dana = digests.find((c) => c.recipient.id === 'dana')!.message;
    expect(dana).toMatchObject({ reason: 'digest', at: THURSDAY_7AM });
    expect(dana.digest).toMatchObject({ id: `daily-finance:${THURSDAY_7AM}`, title: 'Daily finance digest', periodStart: T0, periodEnd: THURSDAY_7AM, rows: [] });
    expect(dana.digest?.alerts.map((a) => a.severity).sort()).toEqual(['info', 'warning']);
    const priya = digests.find((c) => c.recipient.id === 'priya')!.message;
    expect(priya.digest?.rows).toEqual([{ kpi: 'cash_position', name: 'Cash position', value: 4_200_000, unit: 'USD', target: 5_000_000, status: 'warning' }]);
    expect(priya.digest?.alerts.map((a) => a.severity)).toEqual(['info']);
    expect(requests.map((r) => [r.recipient.id, r.roles, r.periodStart, r.periodEnd]).sort()).toEqual([
      ['dana', ['cfo'], T0, THURSDAY_7AM],
      ['priya', ['treasury'], T0, THURSDAY_7AM],
    ]);

    // the next run has only the KPI rows left: priya gets one, dana (no rows, no alerts) none
    h.clock.set(FRIDAY_7AM);
    await h.drain();
    const friday = h.channels.email.calls.filter((c) => c.message.at === FRIDAY_7AM);
    expect(friday.map((c) => [c.recipient.id, c.message.digest?.alerts.length])).toEqual([['priya', 0]]);
  });

  it('collapses runs missed while the collector was down into one, and never repeats a run', async () => {
    const h = notifyHarness({ settings, digestData: rowsFor([]) });
    await h.tick();
    h.clock.set(Date.UTC(2025, 0, 21, 13, 0)); // the next Tuesday, 08:00: four runs were missed
    await h.drain();
    await h.drain();
    const runs = h.channels.email.calls.map((c) => c.message.digest?.periodEnd);
    expect(runs).toEqual([Date.UTC(2025, 0, 21, 12, 0)]);
  });

  it('sends the waiting items of a digest removed from the settings at once', async () => {
    const h = notifyHarness({ settings });
    await h.tick();
    await h.submit(
      testDispatch({ reason: 'information', key: 'm:information:0', incident: testIncident({ severity: 'info', alertClass: 'information' }), recipients: ['priya'] }),
    );
    await h.drain();
    expect(h.calls()).toEqual([]);
    h.notifier.reconfigure({ ...settings, digests: [] });
    await h.drain();
    expect(h.channels.email.calls.map((c) => [c.recipient.id, c.message.digest?.title])).toEqual([
      ['priya', 'Digest "daily-finance" (no longer configured)'],
    ]);
  });
});
