import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the endpoint answers one request: an HTTP status, or 'reset' to drop the connection. */
export type EndpointAnswer = number | 'reset';

/**
 * A local HTTP endpoint on 127.0.0.1 standing in for a provider in outage tests and the bench.
 * It reads `Idempotency-Key` (the delivery id) from each POST, answers per `answer()`, and counts
 * what it accepted (2xx) per key: a key accepted twice is a duplicate delivery.
 */
export class RecordingEndpoint {
  /** Accepted deliveries: key → times accepted. */
  readonly accepted = new Map<string, number>();
  /** Every request in arrival order: key and the answer given. */
  readonly requests: { key: string; answer: EndpointAnswer }[] = [];
  private server: Server | undefined;
  private base = '';

  constructor(public answer: (key: string, requestNumber: number) => EndpointAnswer = () => 200) {}

  /** Listens on a free loopback port. */
  async start(): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** e.g. http://127.0.0.1:41234 */
  get url(): string {
    return this.base;
  }

  /** Keys accepted more than once. */
  duplicates(): number {
    let n = 0;
    for (const count of this.accepted.values()) if (count > 1) n += count - 1;
    return n;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const answer = this.answer(key, this.requests.length + 1);
      this.requests.push({ key, answer });
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      if (answer >= 200 && answer < 300) this.accepted.set(key, (this.accepted.get(key) ?? 0) + 1);
      const body = JSON.stringify(answer < 300 ? { id: `msg-${this.requests.length}` } : { error: `status ${answer}` });
      res.writeHead(answer, { 'content-type': 'application/json', ...(answer === 429 ? { 'retry-after': '1' } : {}) });
      res.end(body);
    });
  }
}
