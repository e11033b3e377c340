import twilio, { type Twilio } from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import type { NotificationSettings, Recipient } from '../../config/notification-settings-schema';
import type { Severity } from '../../config/scalar-schemas';
import type { Clock } from '../../core/clock';
import type { Channel, ChannelSendInput, NotificationMessage, SendOutcome } from '../../notify/channel-port';
import { describeNetworkError, httpFailure, parseRetryAfter, permanent, retryable, sent } from '../send-outcome';
import type { CompiledChannelTemplates } from '../templates/channel-templates';
import { buildMessageView, messageSeverity } from '../templates/message-view';
import { fitSmsSegment } from './sms-text';

export type SmsSettings = NonNullable<NotificationSettings['channels']['sms']>;

export interface SmsChannelOptions {
  readonly settings: SmsSettings;
  /** Account SID and auth token, resolved from their secret references. */
  readonly accountSid: string;
  readonly authToken: string;
  readonly templates: CompiledChannelTemplates['sms'];
  readonly clock: Clock;
  /** Per-request timeout (default 15 s). */
  readonly timeoutMs?: number;
}

const TWILIO_API = 'https://api.twilio.com';

/**
 * SMS through Twilio's Messages API with the twilio library: one short text (one segment where
 * possible, see sms-text.ts), by default only for critical notifications — others are refused
 * (not retryable) so that delivery uses the recipient's next channel.
 *
 * `settings.apiUrl` points the client at another base URL (a test server, a proxy): a request client
 * rewrites the origin of every api.twilio.com URL. Errors: network failures, timeouts, 5xx and 429
 * (with Retry-After) are retryable; 4xx (invalid number, unverified sender, bad credentials) are not.
 * Twilio has no idempotency key for messages: a retry after a timeout may send a second SMS.
 */
export class SmsChannel implements Channel {
  readonly name = 'sms' as const;
  private readonly client: Twilio;
  private readonly severities: ReadonlySet<Severity>;

  constructor(private readonly options: SmsChannelOptions) {
    this.severities = new Set(options.settings.severities);
    const httpClient = new BaseUrlRequestClient(options.settings.apiUrl ?? TWILIO_API, options.timeoutMs ?? 15_000);
    this.client = twilio(options.accountSid, options.authToken, { httpClient, autoRetry: false });
  }

  canReach(recipient: Recipient): boolean {
    return recipient.channels.phone !== undefined;
  }

  /** Whether this channel carries `message` (its severity is in `channels.sms.severities`). */
  accepts(message: NotificationMessage): boolean {
    return this.severities.has(messageSeverity(message));
  }

  async send(input: ChannelSendInput): Promise<SendOutcome> {
    const to = input.recipient.channels.phone;
    if (to === undefined) return permanent(`recipient ${input.recipient.id} has no phone number`);
    if (!this.accepts(input.message)) {
      return permanent(
        `SMS carries only ${[...this.severities].join(', ')} notifications (channels.sms.severities); this one is ${messageSeverity(input.message)}`,
      );
    }
    const body = fitSmsSegment(this.options.templates.text.render(buildMessageView(input.message, input.recipient))).text;
    try {
      const message = await this.client.messages.create({ to, from: this.options.settings.from, body, attempt: input.attempt });
      return sent(message.sid);
    } catch (error) {
      return twilioFailure(error, this.options.clock.now());
    }
  }
}

/** A 429 answer, raised by the request client so that Twilio's Retry-After is not lost. */
class TwilioRateLimited extends Error {
  constructor(readonly retryAfter: string | undefined) {
    super('Twilio answered 429 Too Many Requests');
  }
}

/**
 * Twilio's request client (axios) with the origin of api.twilio.com URLs replaced by `baseUrl`, and
 * 429 answers turned into `TwilioRateLimited` carrying Retry-After.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, timeoutMs: number) {
    super({ timeout: timeoutMs, autoRetry: false });
    this.base = new URL(baseUrl);
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const target = new URL(opts.uri);
    if (target.hostname === 'api.twilio.com') {
      target.protocol = this.base.protocol;
      target.host = this.base.host;
      target.pathname = `${this.base.pathname.replace(/\/+$/, '')}${target.pathname}`;
    }
    const response = await super.request<TData>({ ...opts, uri: target.toString() });
    if (response.statusCode === 429) {
      const header = (response.headers as Record<string, unknown> | undefined)?.['retry-after'];
      throw new TwilioRateLimited(typeof header === 'string' ? header : undefined);
    }
    return response;
  }
}

/** The outcome of an error from the twilio library (see the class comment). Never echoes the request. */
export function twilioFailure(error: unknown, now: number): SendOutcome {
  if (error instanceof TwilioRateLimited) return retryable('Twilio: 429 Too Many Requests', parseRetryAfter(error.retryAfter, now));
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  if (typeof e.status === 'number') {
    const code = typeof e.code === 'number' ? ` (Twilio error ${e.code})` : '';
    const message = typeof e.message === 'string' ? e.message : 'request failed';
    return httpFailure(e.status, `Twilio: ${e.status} ${message}${code}`);
  }
  if (e.isAxiosError === true || typeof e.code === 'string') {
    const status = (e.response as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number') return httpFailure(status, `Twilio: ${status}`);
    return retryable(`Twilio unreachable: ${describeNetworkError(error)}`);
  }
  return permanent(`Twilio client refused the message: ${describeNetworkError(error)}`);
}
