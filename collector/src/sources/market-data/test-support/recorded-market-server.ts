import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** A request the server saw. */
export interface SeenRequest {
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization?: string;
}

/**
 * A local HTTP server on 127.0.0.1 answering with recorded provider responses (fixtures/):
 * the ECB daily and 90-day files, an Alpha Vantage style quote, a Stooq style CSV, FRED
 * observations and Open Exchange Rates; plus failures on demand (`fail(path, statuses)` answers the
 * next requests of that path with those statuses) and a path that never answers (`/hang`).
 */
export class RecordedMarketServer {
  readonly requests: SeenRequest[] = [];
  private readonly failures = new Map<string, Array<{ status: number; retryAfter?: number }>>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  fail(path: string, ...answers: Array<{ status: number; retryAfter?: number }>): void {
    this.failures.set(path, answers);
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, query, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const failure = this.failures.get(url.pathname)?.shift();
    if (failure) {
      res.writeHead(failure.status, failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) });
      res.end('{"error":"try later"}');
      return;
    }
    const send = (type: string, file: string): void => {
      res.writeHead(200, { 'content-type': type });
      res.end(readFileSync(join(FIXTURES, file)));
    };
    switch (url.pathname) {
      case '/stats/eurofxref/eurofxref-daily.xml':
        return send('text/xml', 'ecb-eurofxref-daily.xml');
      case '/stats/eurofxref/eurofxref-hist-90d.xml':
        return send('text/xml', 'ecb-eurofxref-hist-90d.xml');
      case '/broken.xml':
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<?xml version="1.0"?>\n<gesmes:Envelope>\n<Cube>\n</gesmes:Envelope>\n');
        return;
      case '/query':
        if (query.apikey !== 'demo-key') {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"Error Message":"Invalid API key"}');
          return;
        }
        if (query.symbol !== 'NWR') {
          res.writeHead(404);
          res.end('{}');
          return;
        }
        return send('application/json', 'alphavantage-global-quote-NWR.json');
      case '/q/d/l/':
        return send('text/csv', 'stooq-daily-NWR.csv');
      case '/fred/series/observations':
        if (req.headers.authorization !== 'Bearer fred-token') {
          res.writeHead(403);
          res.end('{}');
          return;
        }
        return send('application/json', 'fred-observations-DGS10.json');
      case '/api/latest.json':
        return send('application/json', 'openexchange-latest.json');
      case '/hang':
        this.hanging.add(res);
        return;
      default:
        res.writeHead(404);
        res.end('not found');
    }
  }
}
