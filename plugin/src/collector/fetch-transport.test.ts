/**
 * @jest-environment node
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CollectorError } from './collector-transport';
import { fetchTransport } from './fetch-transport';

/** A real HTTP server on 127.0.0.1 that records requests and answers as the collector would. */
let server: http.Server;
let baseUrl: string;
const seen: Array<{ method?: string; url?: string; authorization?: string; contentType?: string; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      if (req.url === '/api/v1/kpis') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"kpis":[]}');
      } else if (req.url === '/api/v1/alerts/x/ack') {
        res
          .writeHead(403, { 'content-type': 'application/json' })
          .end('{"error":{"code":"AUTH_SCOPE","message":"token lacks the respond scope"}}');
      } else if (req.url === '/api/v1/silences/s1') {
        res.writeHead(204).end();
      } else if (req.url === '/broken') {
        res.writeHead(200).end('<html>');
      } else {
        res.writeHead(502).end('upstream down');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen.length = 0;
});

describe('fetchTransport', () => {
  it('sends the token only in the Authorization header and parses JSON', async () => {
    const transport = fetchTransport({ baseUrl: `${baseUrl}/`, token: 'fm_secret' });
    await expect(transport.request('GET', '/api/v1/kpis')).resolves.toEqual({ kpis: [] });
    expect(seen).toEqual([
      { method: 'GET', url: '/api/v1/kpis', authorization: 'Bearer fm_secret', contentType: undefined, body: '' },
    ]);
    expect(seen[0]!.url).not.toContain('fm_secret');
  });

  it('sends bodies as JSON and surfaces the collector’s error code and message', async () => {
    const transport = fetchTransport({ baseUrl, token: 't' });
    const error = await transport.request('POST', '/api/v1/alerts/x/ack', { comment: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectorError);
    expect(error).toMatchObject({
      status: 403,
      code: 'AUTH_SCOPE',
      message: 'POST /api/v1/alerts/x/ack: token lacks the respond scope',
    });
    expect(seen[0]).toMatchObject({ contentType: 'application/json', body: '{"comment":"c"}' });
  });

  it('reads an empty answer as undefined, and reports non-JSON errors and bodies', async () => {
    const transport = fetchTransport({ baseUrl, token: 't' });
    await expect(transport.request('DELETE', '/api/v1/silences/s1')).resolves.toBeUndefined();
    await expect(transport.request('GET', '/other')).rejects.toMatchObject({
      status: 502,
      code: 'HTTP_502',
      message: 'GET /other answered 502: upstream down',
    });
    await expect(transport.request('GET', '/broken')).rejects.toMatchObject({ code: 'BAD_JSON' });
  });

  it('reports an unreachable collector as a network error', async () => {
    const transport = fetchTransport({ baseUrl: 'http://127.0.0.1:1', token: 't' });
    await expect(transport.request('GET', '/api/v1/kpis')).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });
});
