import { LocalHttpServer, type RecordedRequest } from './local-http-server';

/** One Web API call the fake Slack received: method and arguments (nested JSON fields decoded). */
export interface SlackCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  readonly token: string | undefined;
  readonly contentType: string;
}

/**
 * Slack's Web API as @slack/web-api calls it: `POST {base}/chat.postMessage` (and chat.update,
 * chat.postEphemeral), arguments form-encoded with nested objects as JSON strings, or JSON; the bot
 * token as `Authorization: Bearer` (or a `token` field). Answers HTTP 200 with `{ ok: true, … }` or
 * Slack's `{ ok: false, error }` (`invalid_auth`, `channel_not_found`, `message_not_found`).
 */
export function fakeSlackApi(options: { token: string; knownChannels?: readonly string[] }): { server: LocalHttpServer; calls: SlackCall[] } {
  const calls: SlackCall[] = [];
  let ts = 1_772_000_000;
  const server = new LocalHttpServer((request: RecordedRequest) => {
    const match = /^\/api\/([a-zA-Z.]+)$/.exec(request.url);
    if (request.method !== 'POST' || !match) return { status: 404, body: 'not found' };
    const contentType = String(request.headers['content-type'] ?? '');
    const args = parseArgs(request.body.toString('utf8'), contentType);
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    const method = match[1] as string;
    calls.push({ method, args, token, contentType });
    if (token !== options.token) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    const channel = String(args.channel ?? '');
    const known = options.knownChannels === undefined || options.knownChannels.includes(channel) || /^[UW]/.test(channel);
    if (!known) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    switch (method) {
      case 'chat.postMessage': {
        ts += 1;
        const id = `${ts}.000100`;
        return { status: 200, body: { ok: true, channel: channel.startsWith('U') ? `D${channel.slice(1)}` : channel, ts: id, message: { text: args.text, ts: id } } };
      }
      case 'chat.update':
        return { status: 200, body: { ok: true, channel, ts: args.ts, text: args.text } };
      case 'chat.postEphemeral':
        return { status: 200, body: { ok: true, message_ts: `${ts}.000200` } };
      default:
        return { status: 200, body: { ok: false, error: 'unknown_method' } };
    }
  });
  return { server, calls };
}

function parseArgs(body: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = /^[[{]/.test(value) ? parseJsonOr(value) : value;
  }
  return args;
}

/** @slack/web-api sends nested arguments as JSON strings; text that only looks like JSON stays text. */
function parseJsonOr(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
