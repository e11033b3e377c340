import type { FastifyInstance } from 'fastify';
import { InMemoryTokenStore } from '../auth/in-memory-token-store';
import { TokenService } from '../auth/token-service';
import { ManualClock } from '../core/clock';
import { ErrorCodes } from '../core/errors';
import { silentLogger } from '../core/logger';
import { CollectorMetrics } from '../observability/collector-metrics';
import { registerOpenApi } from './openapi';
import { registerKpiRoutes } from './routes/kpi-routes';
import { registerMetricsRoutes } from './routes/metrics-routes';
import { registerTokenRoutes } from './routes/token-routes';
import { createHttpServer } from './server';
import { TokenAuthenticator } from './token-authenticator';

describe('operations routes: /metrics, OpenAPI, request errors', () => {
  let app: FastifyInstance;
  let metrics: CollectorMetrics;
  let readToken: string;
  let adminToken: string;
  let ingestToken: string;
  let alerts: Record<string, number>;

  beforeEach(async () => {
    const tokens = new TokenService({ store: new InMemoryTokenStore(), clock: new ManualClock(1_764_000_000_000) });
    readToken = (await tokens.create({ name: 'prometheus', scopes: ['read'] })).plaintext;
    adminToken = (await tokens.create({ name: 'ops', scopes: ['admin'] })).plaintext;
    ingestToken = (await tokens.create({ name: 'telegraf', scopes: ['ingest'] })).plaintext;
    alerts = { firing: 3, pending: 1 };
    metrics = new CollectorMetrics({
      ingest: () => ({ acceptedPoints: 1234, computedPoints: 56 }),
      storage: () => ({ spoolRecords: 7, spoolBytes: 4096, shippedPoints: 1200, retries: 2, lagMs: 1500 }),
      alertsByState: () => alerts,
      outbox: async () => ({ pending: 2, deadLetters: 1 }),
    });
    const auth = new TokenAuthenticator(tokens);
    app = createHttpServer({ logger: silentLogger(), bodyLimitBytes: 1024 });
    await registerOpenApi(app, { auth, version: '9.9.9' });
    registerMetricsRoutes(app, { auth, metrics });
    registerTokenRoutes(app, { auth, tokens });
    registerKpiRoutes(app, { auth, catalog: () => ({}) as never, snapshot: () => [] });
    await app.ready();
  });
  afterEach(() => app.close());

  it('serves Prometheus text with the readings at scrape time and counted events', async () => {
    metrics.countEvaluations('static', 5);
    metrics.countTransition('firing');
    metrics.countDelivery('email', 'sent', 180);
    metrics.countRejected(4);
    metrics.breakerState('sms', 'open');
    const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${readToken}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const body = res.body;
    expect(body).toMatch(/^finmon_ingest_points_total 1234$/m);
    expect(body).toMatch(/^finmon_computed_points_total 56$/m);
    expect(body).toMatch(/^finmon_ingest_rejected_total 4$/m);
    expect(body).toMatch(/^finmon_spool_records 7$/m);
    expect(body).toMatch(/^finmon_shipping_lag_seconds 1.5$/m);
    expect(body).toMatch(/^finmon_rule_evaluations_total\{kind="static"\} 5$/m);
    expect(body).toMatch(/^finmon_alert_transitions_total\{to="firing"\} 1$/m);
    expect(body).toMatch(/^finmon_alerts\{state="firing"\} 3$/m);
    expect(body).toMatch(/^finmon_notifications_total\{channel="email",outcome="sent"\} 1$/m);
    expect(body).toMatch(/^finmon_notification_latency_seconds_bucket\{le="0.25",channel="email"\} 1$/m);
    expect(body).toMatch(/^finmon_process_cpu_user_seconds_total /m);
    expect(body).toMatch(/^finmon_outbox\{status="pending"\} 2$/m);
    expect(body).toMatch(/^finmon_outbox\{status="dead"\} 1$/m);
    expect(body).toMatch(/^finmon_notification_breaker_state\{channel="sms"\} 2$/m);

    // A scrape reads the stages again: counters follow them, gauges drop states that emptied.
    alerts = { firing: 1 };
    const again = (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${readToken}` } })).body;
    expect(again).toMatch(/^finmon_alerts\{state="firing"\} 1$/m);
    expect(again).not.toMatch(/finmon_alerts\{state="pending"\}/);
    expect(again).toMatch(/^finmon_ingest_points_total 1234$/m);
  });

  it('refuses /metrics without a token or with a token lacking the read scope', async () => {
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
    const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${ingestToken}` } });
    expect(res.statusCode).toBe(403);
  });

  it('publishes an OpenAPI 3 document listing the routes with bearer security', async () => {
    const res = await app.inject({ url: '/api/v1/openapi.json', headers: { authorization: `Bearer ${readToken}` } });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info.version).toBe('9.9.9');
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/metrics', '/api/v1/tokens', '/api/v1/tokens/{id}', '/api/v1/kpis/{id}']));
    expect(doc.paths['/api/v1/tokens'].post.summary).toMatch(/Create an API token/);
    expect(doc.paths['/api/v1/openapi.json']).toBeUndefined();
    expect((await app.inject({ url: '/api/v1/openapi.json' })).statusCode).toBe(401);
  });

  it('answers malformed JSON on a non-ingest route with REQUEST_INVALID naming the problem', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      payload: '{"name": "x", scopes: [}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(ErrorCodes.REQUEST_INVALID);
    expect(res.json().error.message).toMatch(/not valid JSON/);
  });

  it('accepts the respond scope for new tokens and refuses an unknown one', async () => {
    const post = (scopes: string[]) =>
      app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { authorization: `Bearer ${adminToken}` }, payload: { name: 'grafana-app', scopes } });
    const ok = await post(['read', 'respond']);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().info.scopes).toEqual(['read', 'respond']);
    const bad = await post(['acknowledge']);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe(ErrorCodes.REQUEST_INVALID);
  });
});
