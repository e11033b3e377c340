import type { FastifyInstance } from 'fastify';
import { InMemoryTokenStore } from '../../auth/in-memory-token-store';
import { TokenService } from '../../auth/token-service';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import type { MetricsConfig } from '../../config/metrics-config-schema';
import { createHttpServer } from '../server';
import { TokenAuthenticator } from '../token-authenticator';
import { registerKpiRoutes } from './kpi-routes';

const NOW = Date.parse('2026-11-24T15:00:00Z');
const catalog = {
  company: { name: 'Co', reportingCurrency: 'USD', timezone: 'UTC', weekStartsOn: 'monday' },
  kpis: [{ id: 'bank_balance', name: 'Bank balance', dimensions: ['account', 'currency'] }],
} as unknown as MetricsConfig;

describe('KPI history and forecast routes', () => {
  let app: FastifyInstance;
  let token: string;
  const calls: unknown[][] = [];

  beforeEach(async () => {
    const clock = new ManualClock(NOW);
    const tokens = new TokenService({ store: new InMemoryTokenStore(), clock });
    token = (await tokens.create({ name: 'grafana', scopes: ['read'] })).plaintext;
    calls.length = 0;
    app = createHttpServer({ logger: silentLogger(), bodyLimitBytes: 1024 });
    registerKpiRoutes(app, {
      auth: new TokenAuthenticator(tokens),
      catalog: () => catalog,
      snapshot: () => [],
      now: () => clock.now(),
      history: async (...args) => {
        calls.push(args);
        return [{ time: NOW - 86_400_000, value: 12.5 }];
      },
      forecast: async () => [{ time: NOW + 86_400_000, yhat: 10, lo80: 8, hi80: 12 }],
    });
    await app.ready();
  });
  afterEach(() => app.close());

  const get = (url: string) => app.inject({ url, headers: { authorization: `Bearer ${token}` } });

  it('answers daily totals for the last 90 days by default, and one series when asked', async () => {
    const all = await get('/api/v1/kpis/bank_balance/history');
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({ kpi: 'bank_balance', points: [{ time: '2026-11-23T15:00:00.000Z', value: 12.5 }] });
    expect(calls[0]).toEqual(['bank_balance', undefined, NOW - 90 * 86_400_000, NOW]);
    const one = await get('/api/v1/kpis/bank_balance/history?series=account=ops-usd,currency=USD&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z');
    expect(one.statusCode).toBe(200);
    expect(calls[1]).toEqual(['bank_balance', { account: 'ops-usd', currency: 'USD' }, Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-11-02T00:00:00Z')]);
  });

  it.each([
    ['?from=yesterday', /from: expected an ISO 8601 instant/],
    ['?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', /from must be before to/],
    ['?from=2020-01-01T00:00:00Z', /at most 3 years/],
    ['?series=region=emea', /"region" is not a dimension of this KPI \(account, currency\)/],
    ['?series=account', /expected tag=value pairs/],
    ['?limit=5', /unknown query parameter "limit"/],
  ])('refuses %s with a message naming the problem', async (query, message) => {
    const res = await get(`/api/v1/kpis/bank_balance/history${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
    expect(calls).toHaveLength(0);
  });

  it('404s an unknown KPI and serves the forecast band', async () => {
    expect((await get('/api/v1/kpis/nope/history')).statusCode).toBe(404);
    const forecast = await get('/api/v1/kpis/bank_balance/forecast');
    expect(forecast.json()).toEqual({ kpi: 'bank_balance', points: [{ time: '2026-11-25T15:00:00.000Z', yhat: 10, lo80: 8, hi80: 12 }] });
  });
});
