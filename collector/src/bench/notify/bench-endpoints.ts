import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { ChannelName } from '../../config/notification-settings-schema';
import { DeliveryLedger, type FaultPlan } from './fault-plan';

/**
 * Local stand-ins for the providers on 127.0.0.1, speaking just enough of each protocol for the real
 * channel implementations (twilio, @slack/web-api, web-push, nodemailer, fetch for ntfy). Each one
 * asks the shared FaultPlan how to treat a request, checks credentials, and records the
 * idempotency identity of what it accepts in its DeliveryLedger.
 */

/** A provider's answer to a well-formed request, and the identity of what it delivered. */
interface Accepted {
  readonly identity: string;
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}
/** A malformed request (bad auth, unknown path): answered with this status, nothing delivered. */
interface Refused {
  readonly refused: string;
  readonly status: number;
}
type Route = (req: IncomingMessage, body: Buffer, base: string) => Accepted | Refused;

export interface BenchEndpoint {
  readonly channel: ChannelName;
  readonly ledger: DeliveryLedger;
  /** http://127.0.0.1:port, or the SMTP port for email. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

async function listen(server: Server | SMTPServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = ((server as SMTPServer).server ?? (server as Server)).address() as AddressInfo;
  return address.port;
}

async function httpEndpoint(channel: ChannelName, plan: FaultPlan, failure: { status: number; body: string }, route: Route): Promise<BenchEndpoint> {
  const ledger = new DeliveryLedger(plan);
  let base = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      ledger.requests += 1;
      const decision = plan.decide(channel);
      if (decision === 'drop') {
        ledger.dropped += 1;
        req.socket.destroy();
        return;
      }
      if (decision === 'fail') {
        ledger.failed += 1;
        res.writeHead(failure.status, { 'content-type': 'application/json' }).end(failure.body);
        return;
      }
      const answer = route(req, Buffer.concat(chunks), base);
      if ('refused' in answer) {
        ledger.rejected.push(answer.refused);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: answer.refused }));
        return;
      }
      ledger.record(answer.identity);
      if (decision === 'lost-answer') {
        ledger.lostAnswers += 1;
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body);
    });
  });
  server.keepAliveTimeout = 5_000;
  const port = await listen(server);
  base = `http://127.0.0.1:${port}`;
  return {
    channel,
    ledger,
    url: base,
    port,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The bench's marker of an incident in message text: `[bench-<n>]`. */
export function incidentToken(text: string): string | undefined {
  return /\[(bench-[0-9]+)\]/.exec(text)?.[1];
}

function basicAuth(req: IncomingMessage): { user: string; password: string } | undefined {
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const text = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Twilio's Messages API: `POST /2010-04-01/Accounts/{sid}/Messages.json`, basic auth, form-encoded
 * To/From/Body; 201 with the message resource. Twilio has no idempotency key: the identity is the
 * phone number and the incident marker in the text (one SMS per recipient per incident).
 */
export function twilioEndpoint(plan: FaultPlan, credentials: { accountSid: string; authToken: string }): Promise<BenchEndpoint> {
  let n = 0;
  return httpEndpoint('sms', plan, { status: 503, body: JSON.stringify({ code: 20500, message: 'Service Unavailable', status: 503 }) }, (req, body) => {
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return { refused: `twilio: no route ${req.method} ${req.url}`, status: 404 };
    const auth = basicAuth(req);
    if (auth?.user !== credentials.accountSid || auth.password !== credentials.authToken) return { refused: 'twilio: authentication', status: 401 };
    const form = new URLSearchParams(body.toString('utf8'));
    const to = form.get('To') ?? '';
    const token = incidentToken(form.get('Body') ?? '');
    if (token === undefined) return { refused: 'twilio: no incident marker in Body', status: 400 };
    n += 1;
    const sid = `SM${n.toString(16).padStart(32, '0')}`;
    return {
      identity: `sms|${to}|${token}`,
      status: 201,
      body: JSON.stringify({ sid, account_sid: credentials.accountSid, to, from: form.get('From'), body: form.get('Body'), status: 'queued', api_version: '2010-04-01' }),
    };
  });
}

/**
 * Slack's `POST /api/chat.postMessage` (form or JSON arguments, bot token as bearer). The identity is
 * the delivery id SlackChannel puts in the message metadata (`event_payload.delivery_id`).
 */
export function slackEndpoint(plan: FaultPlan, botToken: string): Promise<BenchEndpoint> {
  let ts = 1_772_000_000;
  return httpEndpoint('slack', plan, { status: 503, body: 'service unavailable' }, (req, body) => {
    if (req.method !== 'POST' || req.url !== '/api/chat.postMessage') return { refused: `slack: no route ${req.method} ${req.url}`, status: 404 };
    const contentType = String(req.headers['content-type'] ?? '');
    const text = body.toString('utf8');
    let args: Record<string, unknown>;
    if (contentType.startsWith('application/json')) args = JSON.parse(text) as Record<string, unknown>;
    else args = Object.fromEntries(new URLSearchParams(text));
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? args.token;
    if (bearer !== botToken) return { refused: 'slack: invalid_auth', status: 200 };
    const metadata = (typeof args.metadata === 'string' ? JSON.parse(args.metadata) : args.metadata) as { event_payload?: { delivery_id?: unknown } } | undefined;
    const id = metadata?.event_payload?.delivery_id;
    if (typeof id !== 'string') return { refused: 'slack: no delivery_id in metadata', status: 200 };
    ts += 1;
    return { identity: `slack|${id}`, status: 200, body: JSON.stringify({ ok: true, channel: String(args.channel), ts: `${ts}.000100` }) };
  });
}

/**
 * A Web Push service: `POST /push/<device>` with VAPID authorization and an aes128gcm body (not
 * decrypted here: the channel tests do that); 201 with a Location. The identity is the device and
 * the `Topic` header, which WebPushChannel derives from the delivery id.
 */
export function pushEndpoint(plan: FaultPlan): Promise<BenchEndpoint> {
  let n = 0;
  return httpEndpoint('push', plan, { status: 503, body: 'push service unavailable' }, (req, body, base) => {
    if (req.method !== 'POST' || !/^\/push\/[A-Za-z0-9_-]+$/.test(req.url ?? '')) return { refused: `push: no route ${req.method} ${req.url}`, status: 404 };
    if (!/^vapid t=[^,]+, k=/.test(req.headers.authorization ?? '')) return { refused: 'push: no VAPID authorization', status: 401 };
    if (req.headers['content-encoding'] !== 'aes128gcm' || body.length === 0) return { refused: 'push: not an aes128gcm body', status: 400 };
    const topic = req.headers.topic;
    if (typeof topic !== 'string') return { refused: 'push: no Topic header', status: 400 };
    n += 1;
    return { identity: `push|${req.url}|${topic}`, status: 201, body: '', headers: { location: `${base}/messages/${n}` } };
  });
}

/**
 * An ntfy server: `POST /<topic>` with the text as body and a bearer token; answers the message as
 * JSON. ntfy has no idempotency key: the identity is the topic and the incident marker in the text.
 */
export function ntfyEndpoint(plan: FaultPlan, token: string): Promise<BenchEndpoint> {
  let n = 0;
  return httpEndpoint('ntfy', plan, { status: 503, body: JSON.stringify({ code: 50301, http: 503, error: 'service unavailable' }) }, (req, body) => {
    const topic = /^\/([A-Za-z0-9_-]{1,64})$/.exec(req.url ?? '')?.[1];
    if (req.method !== 'POST' || topic === undefined) return { refused: `ntfy: no route ${req.method} ${req.url}`, status: 404 };
    if (req.headers.authorization !== `Bearer ${token}`) return { refused: 'ntfy: unauthorized', status: 401 };
    const marker = incidentToken(body.toString('utf8'));
    if (marker === undefined) return { refused: 'ntfy: no incident marker in the message', status: 400 };
    n += 1;
    return { identity: `ntfy|${topic}|${marker}`, status: 200, body: JSON.stringify({ id: `m${n}`, topic, event: 'message' }) };
  });
}

/**
 * A real SMTP server (smtp-server) with AUTH PLAIN/LOGIN. Failures: 451 at the end of DATA (mail
 * refused, not delivered) or the connection dropped before the reply. The identity is the
 * `X-Finmon-Delivery` header EmailChannel sets (the Message-ID is derived from the same id).
 */
export async function smtpEndpoint(plan: FaultPlan, credentials: { user: string; password: string }): Promise<BenchEndpoint> {
  const ledger = new DeliveryLedger(plan);
  const server: SMTPServer = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    maxClients: 64,
    onAuth: (auth, _session, callback) => {
      if (auth.username === credentials.user && auth.password === credentials.password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        ledger.requests += 1;
        const decision = plan.decide('email');
        const socket = socketOf(server, session.id);
        if (decision === 'fail' || (decision === 'drop' && socket === undefined)) {
          ledger.failed += 1;
          callback(Object.assign(new Error('Requested action aborted: local problem in processing (bench outage)'), { responseCode: 451 }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const headerEnd = raw.indexOf('\r\n\r\n');
        const id = /^X-Finmon-Delivery:\s*([0-9a-f]+)\s*$/im.exec(headerEnd < 0 ? raw : raw.slice(0, headerEnd))?.[1];
        if (decision === 'drop') {
          ledger.dropped += 1;
          socket?.destroy();
          return;
        }
        if (id === undefined) {
          ledger.rejected.push('smtp: no X-Finmon-Delivery header');
          callback(Object.assign(new Error('no delivery header'), { responseCode: 554 }));
          return;
        }
        ledger.record(`email|${id}`);
        if (decision === 'lost-answer') {
          ledger.lostAnswers += 1;
          socket?.destroy();
          return;
        }
        callback(null, `Ok: queued as ${id}`);
      });
    },
  });
  const port = await listen(server);
  return {
    channel: 'email',
    ledger,
    url: `smtp://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The socket of an SMTP session (smtp-server keeps its connections in `connections`), to drop it. */
function socketOf(server: SMTPServer, sessionId: string): { destroy(): void } | undefined {
  const connections = (server as unknown as { connections?: Set<{ id?: string; session?: { id?: string }; _socket?: { destroy(): void } }> }).connections;
  for (const connection of connections ?? []) {
    if (connection.id === sessionId || connection.session?.id === sessionId) return connection._socket;
  }
  return undefined;
}
