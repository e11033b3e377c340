import type { Dispatch, DispatchSink } from '../alerting/alert-model';
import { durationMs } from '../config/scalar-schemas';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { DeliveryDirectory } from './delivery-directory';
import { deliveryId } from './delivery-id';
import type { DeliveryMetrics } from './delivery-metrics';
import { incidentMessage, type DashboardLinks } from './messages';
import type { DigestItem, NewDelivery, OutboxStore, Receipt } from './outbox-store';
import { rateLimitDecision } from './rate-limit';
import { routeDispatch } from './route-dispatch';

export interface DeliveryServiceDeps {
  readonly store: OutboxStore;
  readonly directory: DeliveryDirectory;
  readonly clock: Clock;
  readonly metrics: DeliveryMetrics;
  readonly logger: Logger;
  readonly links?: DashboardLinks;
  /** Called after dispatches are stored (the worker wakes up). */
  readonly onStored?: () => void;
  /** Dispatches stored together in one transaction at most (default 200). */
  readonly maxBatch?: number;
}

/** The hold a recipient's rate-limited notifications wait in. */
export function rateHold(recipientId: string): string {
  return `rate:${recipientId}`;
}

interface Waiting {
  readonly dispatch: Dispatch;
  resolve(): void;
  reject(error: unknown): void;
}

/** What one batch stores. */
interface Plan {
  readonly receipts: Receipt[];
  readonly deliveries: NewDelivery[];
  readonly digestItems: DigestItem[];
}

/**
 * The delivery side as escalation sees it (`DispatchSink`): routes a dispatch per recipient and
 * channel (`routeDispatch`), applies rate limits, and stores every delivery in the outbox before
 * `submit` resolves. Nothing is sent here; the outbox worker sends.
 *
 * A dispatch key already planned for a recipient is skipped for that recipient (a dispatch
 * submitted again, also after a restart). Submissions are planned one batch at a time, in order,
 * so rate-limit windows are counted correctly; the dispatches waiting when a batch starts are
 * stored in one transaction (a burst costs one commit per batch, not one per dispatch). When a
 * batch fails, its dispatches are stored one by one, so one bad dispatch fails only itself.
 */
export class DeliveryService implements DispatchSink {
  private readonly waiting: Waiting[] = [];
  private draining = false;
  private readonly maxBatch: number;

  constructor(private readonly deps: DeliveryServiceDeps) {
    this.maxBatch = deps.maxBatch ?? 200;
  }

  submit(dispatch: Dispatch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ dispatch, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        // Let the event loop turn first: more submits join the batch, and on a synchronous driver
        // (SQLite) a burst would otherwise starve the sends' network I/O.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          await this.storeAll(batch.map((w) => w.dispatch));
          for (const w of batch) w.resolve();
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          for (const w of batch) {
            try {
              await this.storeAll([w.dispatch]);
              w.resolve();
            } catch (single) {
              w.reject(single);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async storeAll(dispatches: readonly Dispatch[]): Promise<void> {
    const now = this.deps.clock.now();
    const plan: Plan = { receipts: [], deliveries: [], digestItems: [] };
    const plannedNow = new Set<string>();
    const admissions = new Map<string, number[]>();
    for (const dispatch of dispatches) await this.planOne(dispatch, now, plan, plannedNow, admissions);
    if (plan.receipts.length === 0) return;
    await this.deps.store.savePlan(plan, now);
    this.deps.onStored?.();
  }

  private async planOne(
    dispatch: Dispatch,
    now: number,
    plan: Plan,
    plannedNow: Set<string>,
    admissions: Map<string, number[]>,
  ): Promise<void> {
    const { store, directory, metrics, logger } = this.deps;
    const planned = await store.plannedRecipients(dispatch.key);
    const fresh = [...new Set(dispatch.recipients)].filter(
      (r) => !planned.has(r) && !plannedNow.has(`${dispatch.key}\u0000${r}`),
    );
    if (fresh.length === 0) return;
    for (const r of fresh) plannedNow.add(`${dispatch.key}\u0000${r}`);
    const plans = routeDispatch(
      { ...dispatch, recipients: fresh },
      { recipients: directory.recipients, digests: directory.digests, channels: directory.channels, now },
    );
    const message = incidentMessage(dispatch, this.deps.links);
    const item = (digestId: string, recipientId: string, held: boolean): DigestItem => ({
      digestId,
      recipientId,
      incidentId: dispatch.incident.id,
      held,
      incident: dispatch.incident,
      at: now,
    });

    for (const p of plans) {
      if (p.kind === 'skip') {
        plan.receipts.push({ dispatchKey: dispatch.key, recipientId: p.recipientId, plan: p.reason, at: now });
        metrics.outcome('none', 'filtered');
        logger.info({ dispatch: dispatch.key, recipient: p.recipientId, reason: p.reason }, p.detail);
        continue;
      }
      const recipientId = p.recipient.id;
      if (p.kind === 'digest') {
        plan.receipts.push({ dispatchKey: dispatch.key, recipientId, plan: 'digest', at: now });
        for (const digestId of p.digestIds) plan.digestItems.push(item(digestId, recipientId, true));
        metrics.outcome('none', 'digest');
        continue;
      }
      if (p.note !== undefined) logger.warn({ dispatch: dispatch.key, recipient: recipientId }, p.note);
      for (const digestId of p.digestIds) plan.digestItems.push(item(digestId, recipientId, false));
      let admitted = true;
      let freeAt = now;
      const limit = p.recipient.preferences.rateLimit;
      if (limit !== undefined) {
        const perMs = durationMs(limit.per);
        let times = admissions.get(recipientId);
        if (times === undefined) {
          times = await store.admittedSince(recipientId, now - perMs);
          admissions.set(recipientId, times);
        }
        const decision = rateLimitDecision(times, { max: limit.max, perMs }, now);
        if (decision.admit) times.push(now);
        else {
          admitted = false;
          freeAt = decision.freeAt;
        }
      }
      plan.receipts.push({ dispatchKey: dispatch.key, recipientId, plan: admitted ? 'deliver' : 'rate_limited', at: now });
      for (const d of p.deliveries) {
        plan.deliveries.push({
          id: deliveryId(dispatch.key, recipientId, d.channel),
          dispatchKey: dispatch.key,
          recipientId,
          channel: d.channel,
          message,
          fallback: d.fallback,
          dispatchedAt: dispatch.at,
          ...(admitted
            ? { status: 'pending', nextAttemptAt: d.notBefore, admittedAt: now }
            : { status: 'held', hold: rateHold(recipientId), nextAttemptAt: freeAt }),
        });
        if (!admitted) metrics.outcome(d.channel, 'held');
      }
    }
  }
}
