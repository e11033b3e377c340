import type { NotificationSettings, Recipient } from '../../config/notification-settings-schema';
import type { Clock } from '../../core/clock';
import type { Channel, ChannelSendInput, SendOutcome } from '../../notify/channel-port';
import { describeNetworkError, httpFailure, parseRetryAfter, permanent, retryable, sent } from '../send-outcome';
import type { CompiledChannelTemplates } from '../templates/channel-templates';
import { buildMessageView } from '../templates/message-view';

export type NtfySettings = NonNullable<NotificationSettings['channels']['ntfy']>;

export interface NtfyChannelOptions {
  readonly settings: NtfySettings;
  /** The access token, resolved from `channels.ntfy.token`. */
  readonly token?: string;
  readonly templates: CompiledChannelTemplates['ntfy'];
  readonly clock: Clock;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
}

const PRIORITY = { critical: '5', warning: '4', info: '3' } as const;
const TAGS = { critical: 'rotating_light', warning: 'warning', info: 'information_source' } as const;
const MAX_MESSAGE_BYTES = 4000;

/**
 * ntfy (https://ntfy.sh or a self-hosted server): a plain HTTP POST of the message text to
 * `{server}/{topic}` with `Title`, `Priority` (5 critical, 4 warning, 3 info and resolved), `Tags`
 * (emoji shortcodes plus the severity) and `Click` (the dashboard) headers, and the access token as
 * a bearer token. Non-ASCII titles are sent as RFC 2047 encoded words, which ntfy decodes.
 *
 * Errors: network failures, timeouts, 5xx and 429 (with Retry-After) are retryable; 4xx (wrong
 * token, topic reserved by someone else, message too large) are not. ntfy has no idempotency key.
 */
export class NtfyChannel implements Channel {
  readonly name = 'ntfy' as const;
  private readonly server: string;

  constructor(private readonly options: NtfyChannelOptions) {
    this.server = options.settings.server.replace(/\/+$/, '');
  }

  canReach(recipient: Recipient): boolean {
    return recipient.channels.ntfy !== undefined;
  }

  async send(input: ChannelSendInput): Promise<SendOutcome> {
    const topic = input.recipient.channels.ntfy?.topic;
    if (topic === undefined) return permanent(`recipient ${input.recipient.id} has no ntfy topic`);
    const view = buildMessageView(input.message, input.recipient);
    const severity = view.severity as keyof typeof PRIORITY;
    const resolved = view.isResolved === true;
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=utf-8',
      Title: encodeHeaderText(this.options.templates.title.render(view).trim() || 'finmon'),
      Priority: resolved ? '3' : PRIORITY[severity],
      Tags: resolved ? `white_check_mark,${severity},resolved` : `${TAGS[severity]},${severity}`,
    };
    if (typeof view.dashboardUrl === 'string') headers.Click = view.dashboardUrl;
    if (this.options.token !== undefined) headers.Authorization = `Bearer ${this.options.token}`;
    const body = clipBytes(this.options.templates.body.render(view).trim() || String(view.title), MAX_MESSAGE_BYTES);
    const where = `ntfy ${this.server}/${topic}`;
    let response: Response;
    try {
      response = await fetch(`${this.server}/${encodeURIComponent(topic)}`, {
        method: 'POST',
        headers,
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      return retryable(`${where} unreachable: ${describeNetworkError(error)}`);
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      try {
        return sent((JSON.parse(text) as { id?: unknown }).id?.toString());
      } catch {
        return sent(undefined);
      }
    }
    const reason = ntfyError(text) ?? (text.trim().slice(0, 200) || response.statusText);
    return httpFailure(response.status, `${where}: ${response.status} ${reason}`, parseRetryAfter(response.headers.get('retry-after'), this.options.clock.now()));
  }
}

/** ntfy's JSON error `{ "code": 40101, "http": 401, "error": "unauthorized" }` → its text. */
function ntfyError(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; code?: unknown };
    return typeof parsed.error === 'string' ? `${parsed.error}${typeof parsed.code === 'number' ? ` (${parsed.code})` : ''}` : undefined;
  } catch {
    return undefined;
  }
}

/** Header text: ASCII as is, anything else as an RFC 2047 encoded word (`=?UTF-8?B?…?=`). */
export function encodeHeaderText(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ');
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7E]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line, 'utf8').toString('base64')}?=`;
}

function clipBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char, 'utf8') > max - 3) break;
    out += char;
  }
  return `${out}…`;
}
