import { ErrorCode as SlackErrorCode, LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { NotificationSettings, Recipient } from '../../config/notification-settings-schema';
import type { Logger } from '../../core/logger';
import type { Channel, ChannelSendInput, SendOutcome } from '../../notify/channel-port';
import { describeNetworkError, httpFailure, permanent, retryable, sent } from '../send-outcome';
import type { CompiledChannelTemplates } from '../templates/channel-templates';
import { buildMessageView } from '../templates/message-view';
import { buildSlackMessage } from './slack-message';

export type SlackSettings = NonNullable<NotificationSettings['channels']['slack']>;

export const SLACK_API_URL = 'https://slack.com/api/';

/**
 * A Slack Web API client for finmon: the given base URL (tests, proxies), no retries of its own
 * (the notify layer retries), rate-limited calls rejected at once with their Retry-After, a request
 * timeout, and the library's logging routed to pino at warn level (its debug output would contain
 * request bodies).
 */
export function createSlackWebClient(options: { token: string; apiUrl?: string; timeoutMs?: number; logger: Logger }): WebClient {
  const apiUrl = options.apiUrl ?? SLACK_API_URL;
  const log = options.logger.child({ component: 'slack-web-api' });
  const logger: SlackLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (...msg: unknown[]) => log.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => log.error(msg.map(String).join(' ')),
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
  return new WebClient(options.token, {
    slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 15_000,
    allowAbsoluteUrls: false,
    logger,
  });
}

export interface SlackChannelOptions {
  readonly settings: SlackSettings;
  readonly client: WebClient;
  readonly templates: CompiledChannelTemplates['slack'];
}

/**
 * Slack with @slack/web-api `chat.postMessage`: Block Kit in an attachment coloured by severity,
 * Acknowledge / Silence buttons on open incidents (handled by POST /api/v1/slack/interactivity).
 * A recipient with a Slack user id gets a direct message from the app; one with only a channel
 * gets it in that channel. The delivery id travels in the message metadata.
 *
 * Errors: network failures, timeouts, HTTP 5xx, `ratelimited` (with Retry-After) and Slack's
 * transient errors are retryable; `channel_not_found`, `invalid_auth`, `not_in_channel` and the like
 * are not. Slack has no idempotency key: a retry after a lost answer may post twice.
 */
export class SlackChannel implements Channel {
  readonly name = 'slack' as const;

  constructor(private readonly options: SlackChannelOptions) {}

  canReach(recipient: Recipient): boolean {
    return recipient.channels.slack !== undefined;
  }

  async send(input: ChannelSendInput): Promise<SendOutcome> {
    const target = input.recipient.channels.slack?.user ?? input.recipient.channels.slack?.channel;
    if (target === undefined) return permanent(`recipient ${input.recipient.id} has no Slack user or channel`);
    const view = buildMessageView(input.message, input.recipient);
    const message = buildSlackMessage(view, this.options.templates, { silenceDurations: this.options.settings.silenceDurations });
    try {
      const result = await this.options.client.chat.postMessage({
        channel: target,
        text: message.text,
        attachments: message.attachments,
        unfurl_links: false,
        unfurl_media: false,
        metadata: {
          event_type: 'finmon_notification',
          event_payload: { delivery_id: input.deliveryId, incident_id: String(view.incidentId), attempt: input.attempt },
        },
      });
      return sent(result.channel !== undefined && result.ts !== undefined ? `${result.channel}/${result.ts}` : result.ts);
    } catch (error) {
      return slackFailure(error);
    }
  }
}

/** Slack `error` values worth retrying (Slack's own trouble, not the request's). */
const RETRYABLE_SLACK_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'rate_limited']);

/** The outcome of an error from @slack/web-api (see the class comment). */
export function slackFailure(error: unknown): SendOutcome {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  switch (e.code) {
    case SlackErrorCode.RateLimitedError: {
      const seconds = typeof e.retryAfter === 'number' ? e.retryAfter : undefined;
      return retryable('Slack: rate limited', seconds === undefined ? undefined : seconds * 1000);
    }
    case SlackErrorCode.HTTPError:
      return httpFailure(typeof e.statusCode === 'number' ? e.statusCode : 500, `Slack: HTTP ${String(e.statusCode)} ${String(e.statusMessage ?? '')}`.trim());
    case SlackErrorCode.RequestError:
      return retryable(`Slack unreachable: ${describeNetworkError(e.original ?? error)}`);
    case SlackErrorCode.PlatformError: {
      const slackError = String((e.data as { error?: unknown } | undefined)?.error ?? 'unknown_error');
      return RETRYABLE_SLACK_ERRORS.has(slackError) ? retryable(`Slack: ${slackError}`) : permanent(`Slack: ${slackError}`);
    }
    default:
      return retryable(`Slack: ${describeNetworkError(error)}`);
  }
}
