import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { InMemoryTokenStore } from '../../auth/in-memory-token-store';
import { TokenService } from '../../auth/token-service';
import { loadMetricsConfig } from '../../config/config-loader';
import type { MetricsConfig } from '../../config/metrics-config-schema';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import type { Point } from '../../core/point';
import { createHttpServer } from '../server';
import { TokenAuthenticator } from '../token-authenticator';
import { registerUploadRoutes } from './upload-routes';

const CSV = join(__dirname, '..', '..', 'sources', 'csv-upload', 'fixtures');

describe('upload routes', () => {
  let app: FastifyInstance;
  let stored: Point[];
  let ingestToken: string;
  let readToken: string;
  let config: MetricsConfig;

  beforeAll(async () => {
    config = loadMetricsConfig(join(__dirname, '..', '..', '..', '..', 'metrics_config.json'));
  });
  beforeEach(async () => {
    const clock = new ManualClock(Date.UTC(2025, 10, 25));
    const tokens = new TokenService({ store: new InMemoryTokenStore(), clock });
    ingestToken = (await tokens.create({ name: 'finance', scopes: ['ingest'] })).plaintext;
    readToken = (await tokens.create({ name: 'grafana', scopes: ['read'] })).plaintext;
    stored = [];
    app = createHttpServer({ logger: silentLogger(), bodyLimitBytes: 64 * 1024 });
    await registerUploadRoutes(app, {
      auth: new TokenAuthenticator(tokens),
      config: () => config,
      accept: async (points) => void stored.push(...points),
      clock,
      bodyLimitBytes: 64 * 1024,
    });
    await app.ready();
  });
  afterEach(() => app.close());

  const upload = (kind: string, body: string, token = ingestToken, type = 'text/csv') =>
    app.inject({ method: 'POST', url: `/api/v1/upload/csv?kind=${kind}`, headers: { authorization: `Bearer ${token}`, 'content-type': type }, payload: body });

  it('stores manual figures and answers 200 with the count', async () => {
    const res = await upload('values', readFileSync(join(CSV, 'values-good.csv'), 'utf8'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ kind: 'values', rows: 4, accepted: 4, rejectedCount: 0, rejected: [] });
    expect(stored.map((p) => p.kpi)).toEqual(['revenue', 'revenue', 'expenses', 'headcount']);
  });

  it('keeps the good rows of a mixed upload and lists every bad row (400)', async () => {
    const res = await upload('values', readFileSync(join(CSV, 'values-mixed.csv'), 'utf8'));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'values', rows: 9, accepted: 2, rejectedCount: 7 });
    expect(body.error).toEqual({ code: 'FINMON_UPLOAD_MALFORMED', message: 'CSV upload: partial upload: 2 rows stored, 7 rejected; see "rejected" for each reason' });
    expect(body.rejected[0]).toEqual({ line: 3, reason: 'value "n/a" is not a number' });
    expect(stored).toHaveLength(2);
  });

  it('stores a budget as kpi_budget points against the real metrics_config.json', async () => {
    const res = await upload('budget', readFileSync(join(CSV, 'budget-2026.csv'), 'utf8'));
    expect(res.statusCode).toBe(200);
    expect(stored.every((p) => p.kpi === 'kpi_budget')).toBe(true);
    expect(res.json().accepted).toBe(5);
  });

  it('answers 400 when every row is refused or the file is unusable, and stores nothing', async () => {
    const all = await upload('target', 'kpi,period,start,value\nnosuch,monthly,2026-01,1\n');
    expect(all.statusCode).toBe(400);
    expect(all.json().error.message).toBe('CSV upload: all 1 rows were rejected; see "rejected" for each reason');
    const header = await upload('values', 'kpi,value\n');
    expect(header.statusCode).toBe(400);
    expect(header.json().error.code).toBe('FINMON_UPLOAD_MALFORMED');
    const empty = await upload('values', 'kpi,time,value\n');
    expect(empty.json().error.message).toBe('CSV upload: the file has a header but no rows');
    expect(stored).toEqual([]);
  });

  it('requires the ingest scope, a known kind and a CSV content type', async () => {
    expect((await upload('values', 'kpi,time,value\n', readToken)).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/upload/csv?kind=values', payload: 'x', headers: { 'content-type': 'text/csv' } })).statusCode).toBe(401);
    const kind = await upload('forecast', 'kpi,time,value\n');
    expect(kind.statusCode).toBe(400);
    expect(kind.json().error.message).toMatch(/kind must be one of values, budget, target, got "forecast"/);
    expect((await upload('values', '{"points":[]}', ingestToken, 'application/json')).statusCode).toBe(415);
  });
});
