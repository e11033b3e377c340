import { createHash } from 'node:crypto';
import type { ChannelName } from '../config/notification-settings-schema';

/**
 * The id of one delivery: 32 lower-case hex characters of SHA-256 over what the delivery is
 * (`source` — a dispatch key, a digest run or a rate-limit fold — the recipient and the channel).
 * Deterministic, so the same notification gets the same id after a restart (the outbox's primary
 * key makes a second insert a no-op), and safe to hand to providers as an idempotency key, an
 * email Message-ID local part or a Web Push topic (at most 32 characters).
 * @example deliveryId('inc-7:firing:0', 'cfo', 'sms') // '5d…' (32 hex digits)
 */
export function deliveryId(source: string, recipientId: string, channel: ChannelName): string {
  return createHash('sha256').update(`${source}\u0000${recipientId}\u0000${channel}`).digest('hex').slice(0, 32);
}
