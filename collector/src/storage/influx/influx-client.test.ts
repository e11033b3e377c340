import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { pointAt } from '../../core/point';
import { serializeLineProtocol } from '../../ingest/line-protocol/serialize-line-protocol';
import { findFreePort } from './influxd-launcher';
import { InfluxClient, InfluxRequestError, quoteIdentifier, quoteString } from './influx-client';
import { useThrowawayInfluxd } from './test-support/throwaway-influxd';

const influxd = useThrowawayInfluxd();
let client: InfluxClient;

beforeAll(async () => {
  client = new InfluxClient({ url: influxd.url, database: 'client_test', timeoutMs: 5_000 });
  await client.createDatabase();
});

/** A real HTTP server that answers every request with `handler` (for 5xx, hangs, header checks). */
async function withServer(
  handler: http.RequestListener,
  body: (url: string, requests: http.IncomingMessage[]) => Promise<void>,
): Promise<void> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

async function caught(promise: Promise<unknown>): Promise<InfluxRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InfluxRequestError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

describe('InfluxClient against a real influxd', () => {
  it('pings and reports the server version', async () => {
    await expect(client.ping()).resolves.toEqual({ version: expect.stringMatching(/^1\.6/) });
  });

  it('round-trips points with hostile measurement names and tag values', async () => {
    const hostile = [
      'plain',
      'with space',
      'comma,inside',
      'equals=inside',
      'quote"double',
      "quote'single",
      'back\\slash inside',
      'ünïcödé €',
      '🚀 rocket',
      'a=b,c d',
    ];
    const t0 = 1_700_000_000_000;
    const points = hostile.map((v, i) => pointAt('hostile measurement,x', { account: v, 'odd key=1': v }, i + 0.25, t0 + i * 1000));
    await client.write(serializeLineProtocol(points));

    const series = await client.query(`SELECT value FROM ${quoteIdentifier('hostile measurement,x')} GROUP BY *`);
    const got = series.map((s) => ({ tags: s.tags, rows: s.rows })).sort((a, b) => (a.rows[0]!.time as number) - (b.rows[0]!.time as number));
    expect(got).toEqual(
      hostile.map((v, i) => ({ tags: { account: v, 'odd key=1': v }, rows: [{ time: t0 + i * 1000, value: i + 0.25 }] })),
    );

    for (const v of hostile) {
      const [one] = await client.query(
        `SELECT count(value) FROM ${quoteIdentifier('hostile measurement,x')} WHERE account = ${quoteString(v)}`,
      );
      expect(one?.rows[0]?.count).toBe(1);
    }
  });

  it('maps a field type conflict to STORAGE_REJECTED (not retryable) with InfluxDB\'s message', async () => {
    await client.write('typed value=1 1000000000');
    const error = await caught(client.write('typed value="text" 2000000000'));
    expect(error).toBeInstanceOf(FinmonError);
    expect(error).toMatchObject({ code: ErrorCodes.STORAGE_REJECTED, retryable: false, influxStatus: 400 });
    expect(error.message).toMatch(/field type conflict/);
  });

  it('maps a line-protocol parse error to STORAGE_REJECTED naming the bad line', async () => {
    const error = await caught(client.write('this is not line protocol'));
    expect(error).toMatchObject({ code: ErrorCodes.STORAGE_REJECTED, retryable: false });
    expect(error.message).toMatch(/unable to parse 'this is not line protocol'/);
  });

  it('maps InfluxQL syntax errors and failed statements to STORAGE_REJECTED', async () => {
    const syntax = await caught(client.query('SELEC value FROM typed'));
    expect(syntax).toMatchObject({ code: ErrorCodes.STORAGE_REJECTED, influxStatus: 400 });
    const statement = await caught(client.query('SELECT value FROM typed', { database: 'no_such_db' }));
    expect(statement.code).toBe(ErrorCodes.STORAGE_REJECTED);
    expect(statement.message).toMatch(/database not found/);
  });

  it('maps a connection refused to STORAGE_UNAVAILABLE (retryable)', async () => {
    const port = await findFreePort();
    const down = new InfluxClient({ url: `http://127.0.0.1:${port}`, database: 'x', timeoutMs: 2_000 });
    const error = await caught(down.write('m value=1'));
    expect(error).toMatchObject({ code: ErrorCodes.STORAGE_UNAVAILABLE, retryable: true, influxStatus: undefined });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('maps a 5xx to STORAGE_UNAVAILABLE with the server message', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"timeout"}');
      },
      async (url) => {
        const error = await caught(new InfluxClient({ url, database: 'x' }).write('m value=1'));
        expect(error).toMatchObject({ code: ErrorCodes.STORAGE_UNAVAILABLE, retryable: true, influxStatus: 500 });
        expect(error.message).toMatch(/answered 500: timeout/);
      },
    );
  });

  it('gives up after timeoutMs with STORAGE_UNAVAILABLE', async () => {
    await withServer(
      () => undefined,
      async (url) => {
        const error = await caught(new InfluxClient({ url, database: 'x', timeoutMs: 150 }).query('SHOW DATABASES'));
        expect(error).toMatchObject({ code: ErrorCodes.STORAGE_UNAVAILABLE, retryable: true });
        expect(error.message).toMatch(/no answer within 150 ms/);
      },
    );
  });

  it('sends credentials in an Authorization header and never puts them in errors', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":"authorization failed"}');
      },
      async (url, requests) => {
        const withUserInfo = url.replace('http://', 'http://urluser:urlsecret@');
        const secure = new InfluxClient({ url: withUserInfo, database: 'x', username: 'finmon', password: 's3cr3t-pw' });
        const error = await caught(secure.write('m value=1'));
        expect(error).toMatchObject({ code: ErrorCodes.STORAGE_REJECTED, influxStatus: 401 });
        const visible = `${error.message} ${JSON.stringify(error)} ${secure.url}`;
        expect(visible).not.toMatch(/s3cr3t|urlsecret|urluser/);
        expect(requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('finmon:s3cr3t-pw').toString('base64')}`);
        expect(requests[0]!.url).not.toMatch(/s3cr3t|finmon:/);
      },
    );
  });
});
