import type { Incident } from '../alerting/alert-model';
import type { ChannelName } from '../config/notification-settings-schema';
import type { NotificationMessage } from './channel-port';

/**
 * pending: waiting to be sent (at `nextAttemptAt`); sent: done, never sent again; dead: gave up
 * (listed as a dead letter, retryable by hand); held: waiting in a rate-limit fold; folded: sent
 * as part of one folded message; fallen_back: handed to the recipient's next channel.
 */
export type DeliveryStatus = 'pending' | 'sent' | 'dead' | 'held' | 'folded' | 'fallen_back';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'sent', 'dead', 'held', 'folded', 'fallen_back'];

/** A delivery as it is first stored. */
export interface NewDelivery {
  /** `deliveryId(source, recipient, channel)`: the outbox's primary key and the idempotency key. */
  readonly id: string;
  /** The dispatch key, or `digest:<id>:<time>` / `fold:<recipient>:<time>` for built messages. */
  readonly dispatchKey: string;
  readonly recipientId: string;
  readonly channel: ChannelName;
  readonly status: 'pending' | 'held';
  /** For held rows: the fold they wait in (`rate:<recipient>`). */
  readonly hold?: string;
  readonly message: NotificationMessage;
  /** The recipient's next channels, in order, should this one keep failing. */
  readonly fallback: readonly ChannelName[];
  /** The delivery this one replaces (it fell back from it). */
  readonly fallbackOf?: string;
  /** When to send (or, held, when the fold is due). */
  readonly nextAttemptAt: number;
  /** The dispatch's time: delivery latency is measured from it. */
  readonly dispatchedAt: number;
  /** When it counted against the recipient's rate limit (unset: it did not count). */
  readonly admittedAt?: number;
}

/** A stored delivery. */
export interface DeliveryRecord extends Omit<NewDelivery, 'status'> {
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly sentAt?: number;
  readonly providerId?: string;
  readonly lastError?: string;
  /** The delivery that took over: its fallback, or the folded message it went out in. */
  readonly supersededBy?: string;
}

/** That a dispatch was planned for a recipient, and how (dedupes a dispatch submitted again). */
export interface Receipt {
  readonly dispatchKey: string;
  readonly recipientId: string;
  /** deliver | digest | filtered | unreachable | unknown | rate_limited */
  readonly plan: string;
  readonly at: number;
}

/** An incident waiting for a recipient's digest; `held` when it was not sent on its own (info). */
export interface DigestItem {
  readonly digestId: string;
  readonly recipientId: string;
  readonly incidentId: string;
  readonly held: boolean;
  readonly incident: Incident;
  readonly at: number;
}

export interface DeliveryQuery {
  readonly status?: DeliveryStatus;
  readonly recipientId?: string;
  readonly channel?: ChannelName;
  /** Newest first; at most this many (default 100). */
  readonly limit?: number;
}

/**
 * The durable outbox. Every write that must happen together happens in one transaction; every
 * insert of a delivery whose id exists keeps the existing row (idempotent).
 */
export interface OutboxStore {
  /** Stores the plan of one submitted dispatch at once; returns the ids newly inserted. */
  savePlan(
    plan: { receipts: readonly Receipt[]; deliveries: readonly NewDelivery[]; digestItems: readonly DigestItem[] },
    now: number,
  ): Promise<string[]>;
  /** The recipients a dispatch key has already been planned for. */
  plannedRecipients(dispatchKey: string): Promise<Set<string>>;
  /** The admission times of the distinct notifications that counted against a recipient after `since`. */
  admittedSince(recipientId: string, since: number): Promise<number[]>;

  /**
   * Leases up to `limit` pending deliveries due at `now` (oldest due first) until `now + leaseMs`,
   * so no other worker takes them meanwhile. A lease that runs out (a crash) frees them again.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<DeliveryRecord[]>;
  /** Sent: never sent again. False when it was no longer pending. */
  markSent(id: string, now: number, providerId?: string): Promise<boolean>;
  /** Back to pending at `nextAttemptAt`, the lease released (a retry, or a wait for the breaker). */
  reschedule(id: string, change: { attempts: number; nextAttemptAt: number; lastError?: string }, now: number): Promise<void>;
  /**
   * Ends a delivery as `dead` (a dead letter) or `fallen_back`, and inserts its fallback (when
   * given) in the same transaction. Returns the id of the delivery that took over, if any (an
   * existing row with the fallback's id is kept and returned).
   */
  supersede(
    id: string,
    end: { status: 'dead' | 'fallen_back'; attempts: number; lastError: string },
    fallback: NewDelivery | undefined,
    now: number,
  ): Promise<string | undefined>;
  /** Deliveries of the same dispatch to the same recipient (every channel). */
  siblings(dispatchKey: string, recipientId: string): Promise<DeliveryRecord[]>;

  /** The holds whose earliest row is due at `now`. */
  dueHolds(now: number): Promise<string[]>;
  /** The held rows of one hold, oldest first. */
  heldDeliveries(hold: string): Promise<DeliveryRecord[]>;
  /** Releases held rows as they are: pending at `nextAttemptAt`, counting from `admittedAt`. */
  releaseHeld(ids: readonly string[], nextAttemptAt: number, admittedAt: number, now: number): Promise<void>;
  /** Marks held rows `folded` into the first of `folded` and inserts the folded messages, at once. */
  foldHeld(ids: readonly string[], folded: readonly NewDelivery[], now: number): Promise<void>;

  /** When a digest last went out, or undefined before its first run. */
  lastDigestRun(digestId: string): Promise<number | undefined>;
  /** The digest ids that have items waiting. */
  digestsWithItems(): Promise<string[]>;
  digestItems(digestId: string): Promise<DigestItem[]>;
  /**
   * Records a digest run at `firedAt`: inserts its deliveries, removes the items it consumed (an
   * item updated after it was read is kept for the next run) and sets the last run, at once.
   */
  completeDigest(
    digestId: string,
    firedAt: number,
    deliveries: readonly NewDelivery[],
    consumed: readonly Pick<DigestItem, 'recipientId' | 'incidentId' | 'at'>[],
    now: number,
  ): Promise<void>;

  get(id: string): Promise<DeliveryRecord | undefined>;
  list(query: DeliveryQuery): Promise<DeliveryRecord[]>;
  /** A dead letter back to pending now, attempts reset. False when `id` is not a dead letter. */
  retryDead(id: string, now: number): Promise<boolean>;
  countByStatus(): Promise<Record<DeliveryStatus, number>>;
  /** Deletes finished deliveries (sent, folded, fallen_back) and receipts older than `before`; dead letters stay. */
  prune(before: number): Promise<number>;
}
