import type { FastifyInstance } from 'fastify';
import { InMemoryTokenStore } from '../../auth/in-memory-token-store';
import { TokenService } from '../../auth/token-service';
import { feedEventFromTransition } from '../../channels/dashboard/feed-event';
import { InMemoryNewsFeedStore } from '../../channels/dashboard/news-feed-store';
import { T0, testAlert, testTransition } from '../../channels/test-support/fixtures';
import { ManualClock } from '../../core/clock';
import { ErrorCodes } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { createHttpServer } from '../server';
import { TokenAuthenticator } from '../token-authenticator';
import { registerFeedRoutes } from './feed-routes';

describe('GET /api/v1/feed', () => {
  let app: FastifyInstance;
  let readToken: string;
  let ingestToken: string;

  beforeAll(async () => {
    const tokens = new TokenService({ store: new InMemoryTokenStore(), clock: new ManualClock(T0) });
    readToken = (await tokens.create({ name: 'grafana', scopes: ['read'] })).plaintext;
    ingestToken = (await tokens.create({ name: 'telegraf', scopes: ['ingest'] })).plaintext;
    const feed = new InMemoryNewsFeedStore();
    const add = (at: number, fingerprint: string, severity: 'critical' | 'warning' | 'info', category: 'financial' | 'system') =>
      feed.append(feedEventFromTransition(testTransition({ at, fingerprint, alert: testAlert({ fingerprint, severity, category }) })));
    await add(T0, 'fp-1', 'critical', 'financial');
    await add(T0 + 1000, 'fp-2', 'warning', 'system');
    await add(T0 + 2000, 'fp-3', 'info', 'financial');
    app = createHttpServer({ logger: silentLogger(), bodyLimitBytes: 1024 });
    registerFeedRoutes(app, { auth: new TokenAuthenticator(tokens), feed });
    await app.ready();
  });
  afterAll(() => app.close());

  const get = (query: string, token = readToken) =>
    app.inject({ method: 'GET', url: `/api/v1/feed${query}`, headers: { authorization: `Bearer ${token}` } });
  const fingerprints = async (query: string) => ((await get(query)).json() as { events: { fingerprint: string }[] }).events.map((e) => e.fingerprint);

  it('serves the events newest first with every field', async () => {
    const res = await get('');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { events: Record<string, unknown>[] };
    expect(body.events.map((e) => e.fingerprint)).toEqual(['fp-3', 'fp-2', 'fp-1']);
    expect(body.events[2]).toEqual({
      id: `fp-1:${T0}:firing`,
      time: T0,
      fingerprint: 'fp-1',
      kpi: 'bank_balance',
      severity: 'critical',
      category: 'financial',
      alertClass: 'critical',
      from: 'pending',
      to: 'firing',
      title: 'Firing: Cash position ops-usd 812,400 USD is below 1,000,000 USD',
      text: 'value 812,400 below 1,000,000 for 15m',
      value: 812400,
      threshold: 1000000,
      actor: { kind: 'system', name: 'rule-engine' },
      series: { account: 'ops-usd', currency: 'USD' },
    });
  });

  it('filters by since (epoch ms or ISO, inclusive), severity and category lists, and limits', async () => {
    expect(await fingerprints(`?since=${T0 + 1000}`)).toEqual(['fp-3', 'fp-2']);
    expect(await fingerprints(`?since=${new Date(T0 + 1000).toISOString()}`)).toEqual(['fp-3', 'fp-2']);
    expect(await fingerprints('?severity=critical,info')).toEqual(['fp-3', 'fp-1']);
    expect(await fingerprints('?category=system')).toEqual(['fp-2']);
    expect(await fingerprints('?limit=1')).toEqual(['fp-3']);
    expect(await fingerprints('?severity=critical&category=system')).toEqual([]);
  });

  it.each([
    ['?severity=fatal', 'query parameter "severity": "fatal" is not a severity (critical, warning, info)'],
    ['?category=', 'query parameter "category": give at least one category (financial, operational, market, system)'],
    ['?since=yesterday', 'query parameter "since": an instant: epoch milliseconds or an ISO 8601 time such as 2026-03-04T09:00:00Z'],
    ['?limit=0', 'query parameter "limit": Too small: expected number to be >=1'],
    ['?limit=5000', 'query parameter "limit": at most 1000'],
    ['?limit=ten', 'query parameter "limit": a whole number'],
  ])('answers 400 naming the parameter for %s', async (query, message) => {
    const res = await get(query);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: ErrorCodes.REQUEST_INVALID, message } });
  });

  it('rejects an unknown parameter', async () => {
    const res = await get('?sevrity=critical');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/sevrity.*use since, severity, category, limit/);
  });

  it('needs the read scope', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/feed' })).statusCode).toBe(401);
    expect((await get('', ingestToken)).statusCode).toBe(403);
  });
});
