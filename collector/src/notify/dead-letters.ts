import type { ChannelName } from '../config/notification-settings-schema';
import type { Clock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { OutboxStore } from './outbox-store';

/** A dead letter as the API shows it: what failed, for whom, on which channel, why. */
export interface DeadLetterView {
  readonly id: string;
  readonly dispatchKey: string;
  readonly recipientId: string;
  readonly channel: ChannelName;
  readonly kind: 'incident' | 'digest';
  readonly reason: string;
  readonly incidentId?: string;
  readonly title?: string;
  readonly attempts: number;
  readonly lastError?: string;
  readonly createdAt: number;
  readonly failedAt: number;
  /** The delivery that took over on another channel, if any. */
  readonly fallbackId?: string;
}

/**
 * Dead letters for the API (`GET /api/v1/notifications/dead-letters`, `POST …/:id/retry`, wired by
 * the lead): listed newest first, and retried one at a time. A retried dead letter is pending
 * again with its attempts reset and goes out at the worker's next tick, with the same delivery id.
 * Views carry recipient ids and provider errors only, never addresses or secrets.
 */
export class DeadLetters {
  constructor(
    private readonly store: OutboxStore,
    private readonly clock: Clock,
    private readonly onRetry: () => void = () => {},
  ) {}

  async list(query: { channel?: ChannelName; recipientId?: string; limit?: number } = {}): Promise<DeadLetterView[]> {
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 100)), 1000);
    const records = await this.store.list({ status: 'dead', limit, channel: query.channel, recipientId: query.recipientId });
    return records.map((r) => {
      const title = r.message.incident?.title ?? r.message.digest?.title;
      return {
        id: r.id,
        dispatchKey: r.dispatchKey,
        recipientId: r.recipientId,
        channel: r.channel,
        kind: r.message.kind,
        reason: r.message.reason,
        ...(r.message.incident === undefined ? {} : { incidentId: r.message.incident.id }),
        ...(title === undefined ? {} : { title }),
        attempts: r.attempts,
        ...(r.lastError === undefined ? {} : { lastError: r.lastError }),
        createdAt: r.createdAt,
        failedAt: r.updatedAt,
        ...(r.supersededBy === undefined ? {} : { fallbackId: r.supersededBy }),
      };
    });
  }

  /**
   * Sends a dead letter again.
   * @throws FinmonError NOT_FOUND (404) for an unknown id; NOTIFY_NOT_DEAD_LETTER (409) when the
   *   delivery exists but is not a dead letter (already sent, pending, …).
   */
  async retry(id: string): Promise<void> {
    const record = await this.store.get(id);
    if (record === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no delivery "${id}" in the outbox`, 404);
    if (record.status !== 'dead' || !(await this.store.retryDead(id, this.clock.now()))) {
      throw new FinmonError(
        ErrorCodes.NOTIFY_NOT_DEAD_LETTER,
        `delivery "${id}" is ${record.status}, not a dead letter; only dead letters can be retried`,
        409,
      );
    }
    this.onRetry();
  }
}
