import { createHash } from 'node:crypto';
import webpush from 'web-push';
import type { NotificationSettings, Recipient } from '../../config/notification-settings-schema';
import { durationMs } from '../../config/scalar-schemas';
import type { Clock } from '../../core/clock';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Channel, ChannelSendInput, SendOutcome } from '../../notify/channel-port';
import { describeNetworkError, isRetryableStatus, parseRetryAfter, permanent, retryable, sent } from '../send-outcome';
import type { CompiledChannelTemplates } from '../templates/channel-templates';
import { buildMessageView } from '../templates/message-view';
import type { PushSubscriptionRecord, PushSubscriptionStore } from './push-subscription-store';

export type PushSettings = NonNullable<NotificationSettings['channels']['push']>;

export interface WebPushChannelOptions {
  readonly settings: PushSettings;
  /** The VAPID private key, resolved from its secret reference. */
  readonly vapidPrivateKey: string;
  readonly templates: CompiledChannelTemplates['push'];
  readonly subscriptions: PushSubscriptionStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** Accept http:// endpoints (tests with a local push service); production push services are https. */
  readonly allowInsecureEndpoints?: boolean;
}

/** What the service worker of the finmon app receives (JSON, encrypted by Web Push). */
export interface PushPayload {
  readonly title: string;
  readonly body: string;
  readonly severity: string;
  readonly kind: 'incident' | 'digest';
  readonly incident?: string;
  readonly url?: string;
  /** Same tag = the notification replaces the previous one of the incident on the device. */
  readonly tag: string;
  readonly at: number;
}

/** Web Push payloads must stay under about 4 KB once encrypted. */
const MAX_BODY_CHARS = 1500;

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) via the web-push library: the recipient's subscription
 * ids (`channels.push`) are looked up in the subscription store; web-push signs the VAPID JWT and
 * encrypts the payload (aes128gcm, RFC 8291); the request goes to each subscription's endpoint URL.
 *
 * Idempotency: a subscription that already received a delivery is skipped on retries, and every
 * request carries a `Topic` derived from the delivery id, so a push service holding an undelivered
 * copy replaces it instead of showing two. A 404/410 answer marks the subscription gone (the
 * browser unsubscribed); 429, 5xx and network failures are retryable; other 4xx are not. The
 * notification counts as delivered when at least one device got it and none is left to retry.
 */
export class WebPushChannel implements Channel {
  readonly name = 'push' as const;
  private readonly vapid: { subject: string; publicKey: string; privateKey: string };
  private readonly ttlSeconds: number;
  private readonly logger: Logger;

  constructor(private readonly options: WebPushChannelOptions) {
    this.vapid = { subject: options.settings.vapidSubject, publicKey: options.settings.vapidPublicKey, privateKey: options.vapidPrivateKey };
    this.ttlSeconds = Math.round(durationMs(options.settings.ttl) / 1000);
    this.logger = options.logger.child({ component: 'channel-push' });
    try {
      webpush.getVapidHeaders('https://push.example', this.vapid.subject, this.vapid.publicKey, this.vapid.privateKey, 'aes128gcm');
    } catch (error) {
      // web-push's messages name the problem ("should be 32 bytes long"), never the key.
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, `channels.push: the VAPID keys are not usable: ${(error as Error).message}`);
    }
  }

  canReach(recipient: Recipient): boolean {
    return (recipient.channels.push?.length ?? 0) > 0;
  }

  async send(input: ChannelSendInput): Promise<SendOutcome> {
    const ids = input.recipient.channels.push ?? [];
    const store = this.options.subscriptions;
    const found = await store.getMany(ids);
    const live = found.filter((s) => s.goneAt === undefined);
    if (live.length === 0) {
      const missing = ids.filter((id) => !found.some((s) => s.id === id));
      return permanent(
        `recipient ${input.recipient.id} has no live push subscription` +
          (missing.length > 0 ? ` (not registered: ${missing.join(', ')}; see POST /api/v1/push/subscriptions)` : ' (all expired)'),
      );
    }
    const already = await store.sentTo(input.deliveryId, live.map((s) => s.id));
    const payload = JSON.stringify(this.payloadFor(input));
    const topic = createHash('sha256').update(input.deliveryId).digest('base64url').slice(0, 32);
    const urgency = input.message.incident?.severity === 'critical' ? 'high' : input.message.incident?.severity === 'info' ? 'low' : 'normal';

    let delivered = already.size;
    const retry: { error: string; retryAfterMs?: number }[] = [];
    const failed: string[] = [];
    for (const subscription of live) {
      if (already.has(subscription.id)) continue;
      const outcome = await this.sendOne(subscription, payload, { topic, urgency });
      if (outcome.ok) {
        delivered += 1;
        await store.recordSent(input.deliveryId, subscription.id, this.options.clock.now());
        await store.markSuccess(subscription.id, this.options.clock.now());
      } else if (outcome.retryable) {
        retry.push(outcome.retryAfterMs === undefined ? { error: outcome.error } : { error: outcome.error, retryAfterMs: outcome.retryAfterMs });
      } else {
        failed.push(outcome.error);
      }
    }
    if (retry.length > 0) {
      const after = retry.map((r) => r.retryAfterMs).filter((ms): ms is number => ms !== undefined);
      return retryable(retry.map((r) => r.error).join('; '), after.length > 0 ? Math.max(...after) : undefined);
    }
    if (delivered > 0) return sent(`${delivered}/${live.length} subscriptions`);
    return permanent(failed.join('; '));
  }

  private payloadFor(input: ChannelSendInput): PushPayload {
    const view = buildMessageView(input.message, input.recipient);
    const body = this.options.templates.body.render(view).trim();
    const incident = input.message.incident?.id;
    return {
      title: this.options.templates.title.render(view).trim(),
      body: body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS - 1)}…` : body,
      severity: String(view.severity),
      kind: input.message.kind,
      ...(incident === undefined ? {} : { incident }),
      ...(typeof view.dashboardUrl === 'string' ? { url: view.dashboardUrl } : {}),
      tag: incident === undefined ? `finmon-${input.message.kind}` : `finmon-${incident}`,
      at: input.message.at,
    };
  }

  private async sendOne(subscription: PushSubscriptionRecord, payload: string, options: { topic: string; urgency: 'high' | 'normal' | 'low' }): Promise<SendOutcome> {
    const where = `push subscription ${subscription.id} (${originOf(subscription.endpoint)})`;
    const scheme = endpointProblem(subscription.endpoint, this.options.allowInsecureEndpoints === true);
    if (scheme !== undefined) return permanent(`${where}: ${scheme}`);
    let details: ReturnType<typeof webpush.generateRequestDetails>;
    try {
      details = webpush.generateRequestDetails(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        payload,
        { vapidDetails: this.vapid, TTL: this.ttlSeconds, urgency: options.urgency, topic: options.topic, contentEncoding: 'aes128gcm' },
      );
    } catch (error) {
      return permanent(`${where}: cannot encrypt for it (${(error as Error).message})`);
    }
    let response: Response;
    try {
      response = await fetch(details.endpoint, {
        method: details.method,
        // fetch sets Content-Length itself (it may not be given).
        headers: Object.fromEntries(
          Object.entries(details.headers)
            .filter(([k]) => k.toLowerCase() !== 'content-length')
            .map(([k, v]) => [k, String(v)]),
        ),
        body: details.body ?? undefined,
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      return retryable(`${where} unreachable: ${describeNetworkError(error)}`);
    }
    const text = (await response.text().catch(() => '')).trim().slice(0, 200);
    if (response.status >= 200 && response.status < 300) return sent(response.headers.get('location') ?? undefined);
    const what = `${where}: push service answered ${response.status}${text === '' ? '' : ` ${text}`}`;
    if (response.status === 404 || response.status === 410) {
      await this.options.subscriptions.markGone(subscription.id, this.options.clock.now());
      this.logger.info({ subscription: subscription.id, status: response.status }, 'push subscription expired; marked gone');
      return permanent(`${what} (subscription expired)`);
    }
    if (isRetryableStatus(response.status)) {
      return retryable(what, parseRetryAfter(response.headers.get('retry-after'), this.options.clock.now()));
    }
    return permanent(what);
  }
}

/** Why an endpoint URL is refused, or undefined when it is fine. */
export function endpointProblem(endpoint: string, allowInsecure: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'the endpoint is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowInsecure) return undefined;
  return `the endpoint must be an https URL (got ${url.protocol})`;
}

/** The endpoint's origin, for messages: the path holds the push service's token for the device. */
function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return 'invalid endpoint';
  }
}
