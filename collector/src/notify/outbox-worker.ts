import type { ChannelName, Recipient } from '../config/notification-settings-schema';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './backoff';
import type { Channel, SendOutcome } from './channel-port';
import type { ChannelBreakers } from './circuit-breaker';
import { carries, type DeliveryDirectory } from './delivery-directory';
import { deliveryId } from './delivery-id';
import type { DeliveryMetrics } from './delivery-metrics';
import { runDueDigests, type DigestDataSource } from './digest-runner';
import { foldedMessage, highestSeverity, type DashboardLinks } from './messages';
import type { DeliveryRecord, NewDelivery, OutboxStore } from './outbox-store';
import { fallbackOrder, holdUntil } from './route-dispatch';

export interface OutboxWorkerOptions {
  readonly retry?: RetryPolicy;
  /** Deliveries sent at the same time (default 32). */
  readonly concurrency?: number;
  /** How long a claimed delivery is reserved for this worker (default 5 min); a crash frees it then. */
  readonly leaseMs?: number;
  /** A send that has not answered by then counts as a retryable failure (default 30 s). */
  readonly sendTimeoutMs?: number;
  /** While a half-open breaker's probe is out, others wait this long (default 1 s). */
  readonly probeWaitMs?: number;
  /**
   * Finished deliveries (sent, folded, fallen back) and dispatch receipts older than this are
   * deleted, once an hour (default 30 days). Dead letters stay until retried. A dispatch submitted
   * again after this long is delivered again.
   */
  readonly retentionMs?: number;
}

export interface OutboxWorkerDeps {
  readonly store: OutboxStore;
  readonly directory: DeliveryDirectory;
  readonly breakers: ChannelBreakers;
  readonly clock: Clock;
  /** Uniform in [0, 1): the backoff jitter. */
  readonly random: () => number;
  readonly metrics: DeliveryMetrics;
  readonly logger: Logger;
  readonly digestData?: DigestDataSource;
  readonly links?: DashboardLinks;
}

const PRUNE_EVERY_MS = 3_600_000;

/** What one tick did. */
export interface TickReport {
  readonly attempted: number;
  readonly digests: number;
  readonly folds: number;
}

/**
 * Sends what the outbox holds, one `tick()` at a time (the caller decides when; `Notifier` runs
 * ticks in a loop, tests call them under a ManualClock):
 *
 * 1. rate-limit folds that are due go out: one held notification as itself, several as one folded
 *    message (`folded` = how many) on the channels they used;
 * 2. scheduled digests that are due are built and stored;
 * 3. due deliveries are claimed (leased) and sent, `concurrency` at a time:
 *    - sent → marked sent, never sent again;
 *    - retryable failure → again after a full-jitter backoff (`retryDelayMs`), until
 *      `retry.maxAttempts`, then a dead letter;
 *    - non-retryable failure, unknown channel, unreachable recipient → a dead letter at once;
 *    - the channel's breaker open → handed to the recipient's next channel (fallback), or, when
 *      there is none or another channel already covers the recipient, kept until the breaker lets
 *      a probe through.
 *    A dead letter also falls back to the recipient's next channel unless the recipient got (or
 *    may still get) this notification on another channel;
 * 4. once an hour, finished rows older than `retentionMs` are pruned.
 *
 * The same delivery id goes to the channel on every attempt; a crash between a successful send and
 * its mark re-sends it with that id after the lease (providers that accept an idempotency key drop
 * the second one).
 */
export class OutboxWorker {
  private readonly retry: RetryPolicy;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly sendTimeoutMs: number;
  private readonly probeWaitMs: number;
  private readonly retentionMs: number;
  private lastPrune: number | undefined;
  private readonly notificationLocks = new Map<string, Promise<void>>();
  private running: Promise<TickReport> | undefined;

  constructor(
    private readonly deps: OutboxWorkerDeps,
    options: OutboxWorkerOptions = {},
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.concurrency = options.concurrency ?? 32;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
    this.probeWaitMs = options.probeWaitMs ?? 1_000;
    this.retentionMs = options.retentionMs ?? 30 * 86_400_000;
  }

  /** One round; concurrent calls share the round in progress. */
  tick(): Promise<TickReport> {
    if (this.running === undefined) {
      this.running = this.round().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Ticks until a tick attempts nothing (bounded), for tests and shutdown. */
  async drain(maxTicks = 1000): Promise<void> {
    for (let i = 0; i < maxTicks; i++) {
      const report = await this.tick();
      if (report.attempted === 0 && report.digests === 0 && report.folds === 0) return;
    }
  }

  private async round(): Promise<TickReport> {
    const now = this.deps.clock.now();
    const folds = await this.flushFolds(now);
    const digests = await runDueDigests(
      {
        store: this.deps.store,
        directory: this.deps.directory,
        logger: this.deps.logger,
        ...(this.deps.digestData === undefined ? {} : { dataSource: this.deps.digestData }),
        ...(this.deps.links === undefined ? {} : { links: this.deps.links }),
      },
      now,
    );
    const claimed = await this.deps.store.claimDue(now, this.concurrency, this.leaseMs);
    await Promise.all(claimed.map((record) => this.deliver(record)));
    if (this.lastPrune === undefined || now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      const pruned = await this.deps.store.prune(now - this.retentionMs);
      if (pruned > 0) this.deps.logger.info({ pruned }, 'old finished deliveries removed from the outbox');
    }
    return { attempted: claimed.length, digests, folds };
  }

  private async flushFolds(now: number): Promise<number> {
    const { store, directory } = this.deps;
    let flushed = 0;
    for (const hold of await store.dueHolds(now)) {
      const held = await store.heldDeliveries(hold);
      const first = held[0];
      if (first === undefined) continue;
      const recipient = directory.recipients.get(first.recipientId);
      const notifications = new Set(held.map((h) => h.dispatchKey)).size;
      const severity = highestSeverity(held.map((h) => h.message));
      const notBefore = recipient === undefined ? now : holdUntil(recipient, severity, now);
      flushed += 1;
      if (notifications === 1 || recipient === undefined) {
        await store.releaseHeld(
          held.map((h) => h.id),
          notBefore,
          now,
          now,
        );
        continue;
      }
      const messages = [...new Map(held.map((h) => [h.dispatchKey, h.message])).values()];
      const message = foldedMessage(recipient.name, messages, notifications, now);
      const channels = [...new Set(held.map((h) => h.channel))];
      const source = `fold:${recipient.id}:${now}`;
      const fallback = fallbackOrder(recipient).filter((c) => directory.reaches(c, recipient, message) && !channels.includes(c));
      const folded: NewDelivery[] = channels.map((channel) => ({
        id: deliveryId(source, recipient.id, channel),
        dispatchKey: source,
        recipientId: recipient.id,
        channel,
        status: 'pending',
        message,
        fallback,
        nextAttemptAt: notBefore,
        dispatchedAt: Math.min(...held.map((h) => h.dispatchedAt)),
        admittedAt: now,
      }));
      await store.foldHeld(
        held.map((h) => h.id),
        folded,
        now,
      );
      for (const h of held) this.deps.metrics.outcome(h.channel, 'folded');
    }
    return flushed;
  }

  private async deliver(record: DeliveryRecord): Promise<void> {
    try {
      await this.attempt(record);
    } catch (error) {
      // The store failed (database down): the lease keeps the row; it is tried again after it.
      this.deps.logger.error({ delivery: record.id, err: (error as Error).message }, 'outbox update failed; delivery retried after its lease');
    }
  }

  private async attempt(record: DeliveryRecord): Promise<void> {
    const { directory, breakers, clock, metrics, logger, store } = this.deps;
    const now = clock.now();
    const recipient = directory.recipients.get(record.recipientId);
    if (recipient === undefined) {
      await store.supersede(
        record.id,
        { status: 'dead', attempts: record.attempts, lastError: `recipient "${record.recipientId}" is no longer in notification_settings.yaml` },
        undefined,
        now,
      );
      metrics.outcome(record.channel, 'dead');
      return;
    }
    const channel = directory.channels.get(record.channel);
    if (channel === undefined || !carries(channel, recipient, record.message)) {
      const why =
        channel === undefined
          ? `channel ${record.channel} is not configured`
          : channel.canReach(recipient)
            ? `channel ${record.channel} does not carry this message`
            : `channel ${record.channel} cannot reach recipient ${recipient.id}`;
      await this.giveUp(record, recipient, record.attempts, why, now);
      return;
    }
    const breaker = breakers.get(record.channel);
    if (!breaker.tryAcquire(now)) {
      await this.exclusive(record, () => this.fallBackOrWait(record, recipient, breaker.retryAt(), now));
      return;
    }

    const attempt = record.attempts + 1;
    const outcome = await this.send(channel, { deliveryId: record.id, recipient, message: record.message, attempt });
    const after = clock.now();
    if (outcome.ok) {
      breaker.onSuccess();
      await store.markSent(record.id, after, outcome.providerId);
      metrics.outcome(record.channel, 'sent');
      metrics.latency(record.channel, Math.max(0, after - record.dispatchedAt));
      return;
    }
    if (!outcome.retryable) {
      breaker.onNeutral();
      await this.giveUp(record, recipient, attempt, outcome.error, after);
      return;
    }
    breaker.onFailure(after);
    if (attempt >= this.retry.maxAttempts) {
      await this.giveUp(record, recipient, attempt, `${outcome.error} (after ${attempt} attempts)`, after);
      return;
    }
    const delay = retryDelayMs(attempt, this.retry, this.deps.random, outcome.retryAfterMs);
    await store.reschedule(record.id, { attempts: attempt, nextAttemptAt: after + delay, lastError: outcome.error }, after);
    metrics.outcome(record.channel, 'retry');
    logger.debug({ delivery: record.id, channel: record.channel, attempt, delay, err: outcome.error }, 'delivery failed; retrying');
  }

  /** While the channel's breaker is open: hand over to the next channel, or wait for the probe. */
  private async fallBackOrWait(record: DeliveryRecord, recipient: Recipient, retryAt: number, now: number): Promise<void> {
    const { store, metrics, logger } = this.deps;
    const fallback = await this.fallbackFor(record, recipient, now);
    if (fallback !== undefined) {
      await store.supersede(
        record.id,
        { status: 'fallen_back', attempts: record.attempts, lastError: `circuit breaker of ${record.channel} is open` },
        fallback,
        now,
      );
      metrics.outcome(record.channel, 'fallback');
      logger.warn({ delivery: record.id, from: record.channel, to: fallback.channel }, 'channel breaker open; falling back');
      return;
    }
    // open: wait for the probe time; half-open with the probe out: look again shortly
    const nextAttemptAt = retryAt > now ? retryAt : now + this.probeWaitMs;
    await store.reschedule(record.id, { attempts: record.attempts, nextAttemptAt }, now);
    metrics.outcome(record.channel, 'deferred');
  }

  /** A dead letter, falling back to the recipient's next channel when there is one. */
  private async giveUp(record: DeliveryRecord, recipient: Recipient, attempts: number, error: string, now: number): Promise<void> {
    const fallback = await this.exclusive(record, async () => {
      const next = await this.fallbackFor(record, recipient, now);
      await this.deps.store.supersede(record.id, { status: 'dead', attempts, lastError: error }, next, now);
      return next;
    });
    this.deps.metrics.outcome(record.channel, 'dead');
    if (fallback !== undefined) this.deps.metrics.outcome(record.channel, 'fallback');
    this.deps.logger.warn(
      { delivery: record.id, channel: record.channel, recipient: recipient.id, fallback: fallback?.channel, err: error },
      'delivery failed for good: dead letter',
    );
  }

  /**
   * Runs `fn` alone among the deliveries of the same notification (dispatch and recipient) in this
   * worker, so two channels failing at once cannot each see the other still pending and leave the
   * recipient without a fallback.
   */
  private async exclusive<T>(record: DeliveryRecord, fn: () => Promise<T>): Promise<T> {
    const key = `${record.dispatchKey}\u0000${record.recipientId}`;
    const previous = this.notificationLocks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const mine = previous.then(() => gate);
    this.notificationLocks.set(key, mine);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.notificationLocks.get(key) === mine) this.notificationLocks.delete(key);
    }
  }

  /**
   * The delivery that takes over on the recipient's next channel: the first in the record's
   * fallback order that reaches them and that this notification has not used yet. None when the
   * recipient already got this notification on another channel, or still may (another channel's
   * delivery is pending or held): the last of them to fail falls back, so the recipient is covered
   * without being told twice.
   */
  private async fallbackFor(record: DeliveryRecord, recipient: Recipient, now: number): Promise<NewDelivery | undefined> {
    const siblings = await this.deps.store.siblings(record.dispatchKey, record.recipientId);
    const covered = siblings.some((s) => s.id !== record.id && (s.status === 'sent' || s.status === 'pending' || s.status === 'held'));
    if (covered) return undefined;
    const used = new Set<ChannelName>(siblings.map((s) => s.channel));
    used.add(record.channel);
    const candidates = record.fallback.filter((c) => !used.has(c) && this.deps.directory.reaches(c, recipient, record.message));
    const next = candidates[0];
    if (next === undefined) return undefined;
    return {
      id: deliveryId(record.dispatchKey, record.recipientId, next),
      dispatchKey: record.dispatchKey,
      recipientId: record.recipientId,
      channel: next,
      status: 'pending',
      message: record.message,
      fallback: candidates.slice(1),
      fallbackOf: record.id,
      nextAttemptAt: now,
      dispatchedAt: record.dispatchedAt,
    };
  }

  /**
   * Sends through the channel; an exception is a retryable failure, and so is no answer within
   * `sendTimeoutMs`. When the timer fires, the answer may already be waiting behind it (timers run
   * before I/O in an event-loop turn, and a busy process turns late): it gets a few more turns
   * before the send counts as timed out, so a delivery the provider took is not sent again.
   */
  private async send(channel: Channel, input: Parameters<Channel['send']>[0]): Promise<SendOutcome> {
    let outcome: SendOutcome | undefined;
    const sending = channel
      .send(input)
      .catch((error: unknown): SendOutcome => ({ ok: false, retryable: true, error: `${channel.name} threw: ${describe(error)}` }))
      .then((result) => (outcome = result));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<SendOutcome>((resolve) => {
      timer = setTimeout(async () => {
        for (let turn = 0; turn < TIMEOUT_GRACE_TURNS && outcome === undefined; turn++) {
          await new Promise<void>((next) => setImmediate(next));
        }
        resolve(outcome ?? { ok: false, retryable: true, error: `${channel.name} did not answer within ${this.sendTimeoutMs} ms` });
      }, this.sendTimeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([sending, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Event-loop turns a timed-out send still gets to deliver an answer already received. */
const TIMEOUT_GRACE_TURNS = 3;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
