import webpush from 'web-push';
import { ManualClock } from '../../core/clock';
import { ErrorCodes } from '../../core/errors';
import { captureLogger } from '../test-support/capture-logger';
import { fakePushService } from '../test-support/fake-push-service';
import { digestMessage, incidentMessage, sendInput, T0, testIncident, testRecipient } from '../test-support/fixtures';
import { compileChannelTemplates } from '../templates/channel-templates';
import { InMemoryPushSubscriptionStore } from './push-subscription-store';
import { WebPushChannel, endpointProblem, type PushSettings } from './web-push-channel';

const SUBJECT = 'mailto:finmon-admin@northwind-robotics.example';
const vapidKeys = webpush.generateVAPIDKeys();
const templates = compileChannelTemplates().push;

describe('WebPushChannel against a local push service', () => {
  // The push service checks the JWT expiry against real time (web-push signs with the system clock).
  const push = fakePushService({ now: () => Date.now(), vapidSubject: SUBJECT });
  const clock = new ManualClock(T0);
  let store: InMemoryPushSubscriptionStore;
  const settings: PushSettings = { vapidSubject: SUBJECT, vapidPublicKey: vapidKeys.publicKey, vapidPrivateKey: 'file:/run/secrets/vapid', ttl: '1d' };
  const channel = (overrides: { allowInsecureEndpoints?: boolean; logger?: ReturnType<typeof captureLogger>['logger'] } = {}) =>
    new WebPushChannel({
      settings,
      vapidPrivateKey: vapidKeys.privateKey,
      templates,
      subscriptions: store,
      clock,
      logger: overrides.logger ?? captureLogger().logger,
      timeoutMs: 3000,
      allowInsecureEndpoints: overrides.allowInsecureEndpoints ?? true,
    });
  const recipient = (ids: string[]) => testRecipient({ channels: { push: ids } });

  async function register(name: string) {
    const device = push.subscribe(name);
    await store.upsert({ id: name, endpoint: device.endpoint, p256dh: device.p256dh, auth: device.auth, createdAt: T0 });
    return device;
  }

  beforeAll(() => push.server.start());
  afterAll(() => push.server.stop());
  beforeEach(() => {
    store = new InMemoryPushSubscriptionStore();
    push.received.length = 0;
    push.rejections.length = 0;
    push.server.requests.length = 0;
  });

  it('sends a VAPID-signed, aes128gcm-encrypted notification to every subscription of the recipient', async () => {
    await register('phone');
    await register('laptop');
    const outcome = await channel().send(sendInput(incidentMessage(), { recipient: recipient(['phone', 'laptop']), deliveryId: 'inc-42:firing:0:treasurer:push' }));
    expect(push.rejections).toEqual([]);
    expect(outcome).toEqual({ ok: true, providerId: '2/2 subscriptions' });
    expect(push.received.map((r) => r.path)).toEqual(['/push/phone', '/push/laptop']);
    const first = push.received[0]!;
    expect(first.payload).toEqual({
      title: 'CRITICAL: Cash below floor',
      body: 'Cash position ops-usd 812,400 USD is below 1,000,000 USD',
      severity: 'critical',
      kind: 'incident',
      incident: 'inc-42',
      url: 'https://grafana.example/d/finmon-cash?var-kpi=bank_balance&from=now-30d',
      tag: 'finmon-inc-42',
      at: T0,
    });
    expect(first.vapidPublicKey).toBe(vapidKeys.publicKey);
    expect(first.jwtClaims).toMatchObject({ aud: push.server.url, sub: SUBJECT });
    expect(first.ttl).toBe('86400');
    expect(first.urgency).toBe('high');
    expect(first.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(push.received[1]!.topic).toBe(first.topic);
    expect((await store.getMany(['phone']))[0]!.lastSuccessAt).toBe(T0);
  });

  it('uses normal urgency below critical and a digest tag for digests', async () => {
    await register('phone');
    await channel().send(sendInput(incidentMessage({ incident: testIncident({ severity: 'warning' }) }), { recipient: recipient(['phone']) }));
    await channel().send(sendInput(digestMessage(), { recipient: recipient(['phone']), deliveryId: 'digest:1' }));
    expect(push.received.map((r) => r.urgency)).toEqual(['normal', 'normal']);
    expect(push.received[1]!.payload).toMatchObject({ kind: 'digest', tag: 'finmon-digest', title: 'Daily finance digest' });
  });

  it('after a partial failure, the retry reaches only the device that missed it', async () => {
    await register('phone');
    await register('laptop');
    const c = channel();
    const input = sendInput(incidentMessage(), { recipient: recipient(['phone', 'laptop']), deliveryId: 'inc-42:firing:0:treasurer:push' });
    push.server.failNext({ status: 201 }, { status: 503, body: 'overloaded', headers: { 'retry-after': '12' } });
    const first = await c.send(input);
    expect(first).toMatchObject({ ok: false, retryable: true, retryAfterMs: 12_000 });
    expect(first.ok === false && first.error).toMatch(/^push subscription laptop \(http:\/\/127\.0\.0\.1:\d+\): push service answered 503 overloaded$/);
    expect(await c.send({ ...input, attempt: 2 })).toEqual({ ok: true, providerId: '2/2 subscriptions' });
    expect(push.server.requests.map((r) => r.url)).toEqual(['/push/phone', '/push/laptop', '/push/laptop']);
    // A third call (a duplicate retry) sends nothing more.
    expect(await c.send({ ...input, attempt: 3 })).toMatchObject({ ok: true });
    expect(push.server.requests).toHaveLength(3);
  });

  it('marks a subscription the push service reports gone (410) and still reaches the other one', async () => {
    await register('phone');
    const old = await register('old-tablet');
    push.markGone(old.path);
    expect(await channel().send(sendInput(incidentMessage(), { recipient: recipient(['old-tablet', 'phone']) }))).toEqual({
      ok: true,
      providerId: '1/2 subscriptions',
    });
    expect((await store.getMany(['old-tablet']))[0]!.goneAt).toBe(T0);
    // Next time the gone subscription is not even tried.
    push.server.requests.length = 0;
    await channel().send(sendInput(incidentMessage(), { recipient: recipient(['old-tablet', 'phone']), deliveryId: 'other' }));
    expect(push.server.requests.map((r) => r.url)).toEqual(['/push/phone']);
  });

  it('fails permanently when no subscription is live or registered', async () => {
    const old = await register('old-tablet');
    push.markGone(old.path);
    const goneOnly = await channel().send(sendInput(incidentMessage(), { recipient: recipient(['old-tablet']) }));
    expect(goneOnly).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/answered 410 .*\(subscription expired\)$/) });
    expect(await channel().send(sendInput(incidentMessage(), { recipient: recipient(['old-tablet', 'nope']) }))).toEqual({
      ok: false,
      retryable: false,
      error: 'recipient treasurer has no live push subscription (not registered: nope; see POST /api/v1/push/subscriptions)',
    });
  });

  it('refuses plain-http endpoints unless allowed', async () => {
    await register('phone');
    const outcome = await channel({ allowInsecureEndpoints: false }).send(sendInput(incidentMessage(), { recipient: recipient(['phone']) }));
    expect(outcome).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('the endpoint must be an https URL (got http:)') });
    expect(push.server.requests).toHaveLength(0);
    expect(endpointProblem('https://fcm.googleapis.com/fcm/send/abc', false)).toBeUndefined();
    expect(endpointProblem('javascript:alert(1)', true)).toMatch(/https URL/);
    expect(endpointProblem('not a url', true)).toBe('the endpoint is not a URL');
  });

  it('retries through an outage of the push service and delivers once it is back', async () => {
    await register('phone');
    const c = channel();
    const input = sendInput(incidentMessage(), { recipient: recipient(['phone']) });
    await push.server.stop();
    try {
      expect(await c.send(input)).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/unreachable: .*(ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)/) });
    } finally {
      await push.server.start();
    }
    expect(await c.send({ ...input, attempt: 2 })).toMatchObject({ ok: true });
    expect(push.received).toHaveLength(1);
  });

  it('refuses unusable VAPID keys at construction without showing them', () => {
    const badKey = 'c2VjcmV0LXNob3J0';
    const build = () =>
      new WebPushChannel({ settings, vapidPrivateKey: badKey, templates, subscriptions: store, clock, logger: captureLogger().logger });
    expect(build).toThrow(expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID }));
    expect(build).toThrow(/channels\.push: the VAPID keys are not usable: .*32 bytes/);
    try {
      build();
    } catch (error) {
      expect((error as Error).message).not.toContain(badKey);
    }
  });

  it('never writes the VAPID private key to the log', async () => {
    const log = captureLogger();
    const gone = await register('gone');
    push.markGone(gone.path);
    await channel({ logger: log.logger }).send(sendInput(incidentMessage(), { recipient: recipient(['gone']) }));
    expect(log.text()).toContain('push subscription expired');
    expect(log.text()).not.toContain(vapidKeys.privateKey);
  });
});
