import type { ChannelName, Recipient } from '../../config/notification-settings-schema';
import { recipientChannels } from '../../config/recipient-channels';
import type { Channel, ChannelSendInput, SendOutcome } from '../channel-port';

/**
 * A minimal channel that POSTs each message as JSON to `url` with the delivery id as
 * `Idempotency-Key`, for outage tests and the bench (the real channels live in
 * collector/src/channels). Maps answers as the real ones do: 2xx sent; 408, 429 and 5xx retryable
 * (429's Retry-After honoured); other 4xx not retryable; a network error or timeout retryable.
 */
export class HttpPostChannel implements Channel {
  constructor(
    readonly name: ChannelName,
    private readonly url: string,
    private readonly timeoutMs = 5_000,
  ) {}

  canReach(recipient: Recipient): boolean {
    return recipientChannels(recipient).includes(this.name);
  }

  async send(input: ChannelSendInput): Promise<SendOutcome> {
    try {
      const response = await fetch(`${this.url}/${this.name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': input.deliveryId },
        body: JSON.stringify({ to: input.recipient.id, attempt: input.attempt, message: input.message }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      if (response.ok) return { ok: true, providerId: safeId(text) };
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        ok: false,
        retryable,
        error: `HTTP ${response.status} from ${this.name} endpoint`,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    } catch (error) {
      return { ok: false, retryable: true, error: `${this.name} endpoint unreachable: ${(error as Error).message}` };
    }
  }
}

function safeId(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
