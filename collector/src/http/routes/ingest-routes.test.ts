import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { InMemoryTokenStore } from '../../auth/in-memory-token-store';
import { TokenService } from '../../auth/token-service';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import type { Point } from '../../core/point';
import { ingestJsonBatch, ingestLineProtocol, parsePrecision } from '../../ingest/ingest-batch';
import { pointsOf } from '../../ingest/point-columns';
import { TEST_NOW, testCatalog } from '../../ingest/test-support/test-catalog';
import { createHttpServer } from '../server';
import { TokenAuthenticator } from '../token-authenticator';
import { registerIngestRoutes } from './ingest-routes';

const LIMIT = 64 * 1024;

describe('ingest routes', () => {
  let app: FastifyInstance;
  let stored: Point[];
  /** Per accepted request: the received bytes handed on as the points' line protocol, if any. */
  let received: Array<string | undefined>;
  let ingestToken: string;
  let readToken: string;

  beforeEach(async () => {
    const clock = new ManualClock(TEST_NOW);
    const tokens = new TokenService({ store: new InMemoryTokenStore(), clock });
    ingestToken = (await tokens.create({ name: 'telegraf', scopes: ['ingest'] })).plaintext;
    readToken = (await tokens.create({ name: 'grafana', scopes: ['read'] })).plaintext;
    stored = [];
    received = [];
    app = createHttpServer({ logger: silentLogger(), bodyLimitBytes: LIMIT });
    await registerIngestRoutes(app, {
      auth: new TokenAuthenticator(tokens),
      parseLineProtocol: (body, precision) =>
        ingestLineProtocol(body, { catalog: testCatalog, clock, precision: parsePrecision(precision) }),
      parseJsonBatch: (body) => ingestJsonBatch(body, { catalog: testCatalog, clock }),
      accept: async (points, bytes) => {
        stored.push(...pointsOf(points));
        received.push(bytes?.toString('latin1'));
      },
      bodyLimitBytes: LIMIT,
    });
    await app.ready();
  });
  afterEach(() => app.close());

  const write = (body: string | Buffer, headers: Record<string, string> = {}, query = '') =>
    app.inject({
      method: 'POST',
      url: `/api/v1/write${query}`,
      headers: { authorization: `Bearer ${ingestToken}`, ...headers },
      payload: body,
    });

  it('stores line protocol and counts the accepted points', async () => {
    const res = await write('revenue,region=na,product=platform value=1200.5 1764000000\nebitda value=99 1764000000\n', {}, '?precision=s');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 2, rejectedCount: 0, rejected: [] });
    expect(stored.map((p) => [p.kpi, p.value, p.time])).toEqual([
      ['revenue', 1200.5, 1764000000000],
      ['ebitda', 99, 1764000000000],
    ]);
  });

  it('hands on the received bytes only when they are exactly the accepted points\' line protocol', async () => {
    const ns = `${BigInt(TEST_NOW) * 1_000_000n}`;
    const canonical = `revenue,region=na,product=platform value=1200.5 ${ns}\nebitda value=99 ${ns}\n`;
    expect((await write(canonical)).statusCode).toBe(200);
    expect((await write(gzipSync(canonical), { 'content-encoding': 'gzip' })).statusCode).toBe(200);
    expect((await write(canonical, {}, '?precision=ns')).statusCode).toBe(200);
    expect(received).toEqual([canonical, canonical, canonical]);
    received = [];
    expect((await write(`# comment\n${canonical}`)).statusCode).toBe(200);
    expect((await write(`ebitda value=99\n${canonical}`)).statusCode).toBe(200);
    expect((await write(`${canonical}nosuchkpi value=1 ${ns}\n`)).statusCode).toBe(400);
    // Invalid UTF-8 decodes to U+FFFD: the text is no longer the bytes.
    const invalid = Buffer.concat([Buffer.from('revenue,region=n'), Buffer.from([0xff]), Buffer.from(`,product=platform value=1 ${ns}`)]);
    expect((await write(invalid)).statusCode).toBe(200);
    expect(received).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('keeps the good points of a mixed batch and lists every rejected line with its reason', async () => {
    const body = ['ebitda value=1', 'ebitda value=NaN', 'nosuchkpi value=3', 'revenue,region=na,colour=red value=4', 'ebitda value=5'].join('\n');
    const res = await write(body);
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(json.accepted).toBe(2);
    expect(json.rejectedCount).toBe(3);
    expect(json.rejected.map((r: { line: number }) => r.line)).toEqual([2, 3, 4]);
    expect(json.rejected[1].reason).toMatch(/unknown KPI "nosuchkpi"/);
    expect(json.rejected[2].reason).toMatch(/colour/);
    expect(json.error.message).toMatch(/partial write: 2 points stored, 3 lines rejected/);
    expect(stored.map((p) => p.value)).toEqual([1, 5]);
  });

  it('answers 400 with a distinct code when every line is rejected', async () => {
    const res = await write('garbage\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('FINMON_INGEST_ALL_REJECTED');
    expect(stored).toHaveLength(0);
  });

  it('accepts gzip bodies (Telegraf sends them) and refuses gzip that inflates past the limit', async () => {
    const ok = await write(gzipSync('ebitda value=7\n'), { 'content-encoding': 'gzip' });
    expect(ok.statusCode).toBe(200);
    const bomb = await write(gzipSync(Buffer.alloc(LIMIT * 4, 'a')), { 'content-encoding': 'gzip' });
    expect(bomb.statusCode).toBe(413);
    expect(bomb.json().error.code).toBe('FINMON_INGEST_BODY_TOO_LARGE');
    const broken = await write(Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.message).toMatch(/gzip body could not be decompressed/);
  });

  it('refuses an oversized body with 413 and a clear message', async () => {
    const res = await write('ebitda value=1\n'.repeat(LIMIT / 8));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toMatch(/larger than the limit of 65536 bytes/);
  });

  it('refuses an unknown precision and an empty body', async () => {
    const bad = await write('ebitda value=1', {}, '?precision=fortnights');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/fortnights/);
    const empty = await write('');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/body is empty/);
  });

  it('requires a token with the ingest scope', async () => {
    const none = await app.inject({ method: 'POST', url: '/api/v1/write', payload: 'ebitda value=1' });
    expect(none.statusCode).toBe(401);
    const wrong = await write('ebitda value=1', { authorization: 'Bearer fm_000000000000_not-a-real-token-at-all-xxxxxxxxxxxx' });
    expect(wrong.statusCode).toBe(401);
    const readOnly = await write('ebitda value=1', { authorization: `Bearer ${readToken}` });
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json().error.message).toMatch(/ingest/);
    expect(JSON.stringify(readOnly.json())).not.toContain(readToken);
    expect(stored).toHaveLength(0);
  });

  it('takes JSON batches and names the item and what is wrong', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/metrics',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        points: [
          { kpi: 'revenue', value: 10, time: '2026-11-24T09:00:00Z', dimensions: { region: 'na', product: 'platform' } },
          { kpi: 'revenue', value: 'ten' },
          { kpi: 'ebitda', value: 1, time: '1970-01-01T00:00:00Z' },
        ],
      }),
    });
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(json.accepted).toBe(1);
    expect(json.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2]);
    expect(json.rejected[0].reason).toMatch(/value/);
    expect(json.rejected[1].reason).toMatch(/1970/);
    expect(stored.map((p) => p.value)).toEqual([10]);
  });

  it('answers malformed JSON and a wrong content type with 4xx, never a crash', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/v1/metrics',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
      payload: '{"points": [',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('FINMON_INGEST_MALFORMED');
    const wrongType = await app.inject({
      method: 'POST',
      url: '/api/v1/metrics',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(wrongType.statusCode).toBe(415);
  });
});
