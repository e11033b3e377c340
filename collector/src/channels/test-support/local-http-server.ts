import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request the local server received, body as bytes. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface FakeReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer | object;
}

/**
 * A real HTTP server on 127.0.0.1 for tests that speak a provider's protocol (Twilio, Slack, push
 * services, ntfy): every request is recorded and answered by `handler`. `stop`/`start` simulate an
 * outage on the same port; `failNext` queues error answers ahead of the handler.
 */
export class LocalHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queued: FakeReply[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private portNumber = 0;

  constructor(public handler: (request: RecordedRequest) => FakeReply | Promise<FakeReply>) {}

  get port(): number {
    return this.portNumber;
  }

  get url(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  /** The next `replies.length` requests get these answers (recorded all the same). */
  failNext(...replies: FakeReply[]): void {
    this.queued.push(...replies);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
        this.requests.push(recorded);
        const queued = this.queued.shift();
        new Promise<FakeReply>((resolve) => resolve(queued ?? this.handler(recorded)))
          .then((reply) => send(res, reply))
          .catch((error: Error) => send(res, { status: 500, body: { error: error.message } }));
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, '127.0.0.1', () => resolve());
    });
    this.portNumber = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts open connections. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function send(res: ServerResponse, reply: FakeReply): void {
  const headers = { ...(reply.headers ?? {}) };
  let body: string | Buffer = '';
  if (Buffer.isBuffer(reply.body) || typeof reply.body === 'string') {
    body = reply.body;
  } else if (reply.body !== undefined) {
    body = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

/** Basic auth credentials of a request, or undefined. */
export function basicAuth(request: RecordedRequest): { user: string; password: string } | undefined {
  const match = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
