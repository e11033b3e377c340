import { createECDH, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { InMemoryTokenStore } from '../../auth/in-memory-token-store';
import { TokenService } from '../../auth/token-service';
import { InMemoryPushSubscriptionStore } from '../../channels/push/push-subscription-store';
import { T0 } from '../../channels/test-support/fixtures';
import { ManualClock } from '../../core/clock';
import { ErrorCodes } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { createHttpServer } from '../server';
import { TokenAuthenticator } from '../token-authenticator';
import { registerPushRoutes } from './push-routes';

function browserSubscription(endpoint = `https://fcm.googleapis.com/fcm/send/${randomBytes(8).toString('hex')}`) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
}

describe('push subscription routes', () => {
  let app: FastifyInstance;
  let store: InMemoryPushSubscriptionStore;
  const tokens: Record<'read' | 'respond' | 'respond2' | 'admin', string> = { read: '', respond: '', respond2: '', admin: '' };
  let vapid: string | undefined = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM';

  beforeEach(async () => {
    const service = new TokenService({ store: new InMemoryTokenStore(), clock: new ManualClock(T0) });
    tokens.read = (await service.create({ name: 'viewer', scopes: ['read'] })).plaintext;
    tokens.respond = (await service.create({ name: 'grafana-app', scopes: ['respond'] })).plaintext;
    tokens.respond2 = (await service.create({ name: 'other-app', scopes: ['respond'] })).plaintext;
    tokens.admin = (await service.create({ name: 'root', scopes: ['admin'] })).plaintext;
    store = new InMemoryPushSubscriptionStore();
    app = createHttpServer({ logger: silentLogger(), bodyLimitBytes: 64 * 1024 });
    registerPushRoutes(app, { auth: new TokenAuthenticator(service), subscriptions: store, clock: new ManualClock(T0), vapidPublicKey: () => vapid });
    await app.ready();
  });
  afterEach(() => app.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('serves the VAPID public key to readers, 404 when push is not configured', async () => {
    expect((await call('GET', '/api/v1/push/vapid-public-key', tokens.read)).json()).toEqual({ publicKey: vapid });
    const saved = vapid;
    vapid = undefined;
    expect((await call('GET', '/api/v1/push/vapid-public-key', tokens.read)).statusCode).toBe(404);
    vapid = saved;
  });

  it('stores a browser subscription under the id given, for the respond scope', async () => {
    const subscription = browserSubscription();
    const res = await call('POST', '/api/v1/push/subscriptions', tokens.respond, { id: 'dw-iphone-2f9c1a', label: 'Dana iPhone', subscription });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: 'dw-iphone-2f9c1a' });
    expect(await store.getMany(['dw-iphone-2f9c1a'])).toEqual([
      { id: 'dw-iphone-2f9c1a', endpoint: subscription.endpoint, p256dh: subscription.keys.p256dh, auth: subscription.keys.auth, label: 'Dana iPhone', createdBy: 'grafana-app', createdAt: T0 },
    ]);
    expect((await call('POST', '/api/v1/push/subscriptions', tokens.read, { subscription })).statusCode).toBe(403);
  });

  it('makes up an id when none is given', async () => {
    const res = await call('POST', '/api/v1/push/subscriptions', tokens.respond, { subscription: browserSubscription() });
    expect(res.statusCode).toBe(201);
    expect(res.json().id).toMatch(/^push-[0-9a-f]{10}$/);
  });

  it('lets the same token renew its subscription, and refuses another token taking over the id', async () => {
    await call('POST', '/api/v1/push/subscriptions', tokens.respond, { id: 'dw-iphone', subscription: browserSubscription() });
    const renewed = browserSubscription();
    expect((await call('POST', '/api/v1/push/subscriptions', tokens.respond, { id: 'dw-iphone', subscription: renewed })).statusCode).toBe(200);
    const hijack = await call('POST', '/api/v1/push/subscriptions', tokens.respond2, { id: 'dw-iphone', subscription: browserSubscription() });
    expect(hijack.statusCode).toBe(409);
    expect(hijack.json().error.code).toBe(ErrorCodes.PUSH_SUBSCRIPTION_CONFLICT);
    expect((await store.getMany(['dw-iphone']))[0]!.endpoint).toBe(renewed.endpoint);
  });

  it.each([
    ['an http endpoint', { subscription: browserSubscription('http://push.example/x') }, 'body.subscription.endpoint: the endpoint must be an https URL (got http:)'],
    ['a short p256dh key', { subscription: { ...browserSubscription(), keys: { p256dh: 'AAAA', auth: randomBytes(16).toString('base64url') } } }, /keys\.p256dh.*65 bytes/],
    ['a long auth secret', { subscription: { ...browserSubscription(), keys: { ...browserSubscription().keys, auth: randomBytes(32).toString('base64url') } } }, /keys\.auth.*16 bytes/],
    ['an id with a space', { id: 'my phone', subscription: browserSubscription() }, /body\.id: an id of letters/],
    ['an unknown field', { subscription: browserSubscription(), extra: 1 }, /extra/],
  ])('answers 400 to %s', async (_what, body, message) => {
    const res = await call('POST', '/api/v1/push/subscriptions', tokens.respond, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(ErrorCodes.REQUEST_INVALID);
    expect(res.json().error.message).toMatch(message);
  });

  it('lists subscriptions for admins without keys or endpoint paths, and deletes them', async () => {
    const subscription = browserSubscription();
    await call('POST', '/api/v1/push/subscriptions', tokens.respond, { id: 'a', subscription });
    const list = await call('GET', '/api/v1/push/subscriptions', tokens.admin);
    expect(list.json()).toEqual({
      subscriptions: [{ id: 'a', label: null, pushService: 'https://fcm.googleapis.com', createdAt: T0, createdBy: 'grafana-app', lastSuccessAt: null, goneAt: null }],
    });
    expect(list.body).not.toContain(subscription.keys.auth);
    expect((await call('GET', '/api/v1/push/subscriptions', tokens.respond)).statusCode).toBe(403);
    expect((await call('DELETE', '/api/v1/push/subscriptions/a', tokens.respond)).statusCode).toBe(403);
    expect((await call('DELETE', '/api/v1/push/subscriptions/a', tokens.admin)).statusCode).toBe(204);
    expect((await call('DELETE', '/api/v1/push/subscriptions/a', tokens.admin)).statusCode).toBe(404);
  });
});
