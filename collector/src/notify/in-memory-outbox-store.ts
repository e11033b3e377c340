import { ErrorCodes, FinmonError } from '../core/errors';
import {
  DELIVERY_STATUSES,
  type DeliveryQuery,
  type DeliveryRecord,
  type DeliveryStatus,
  type DigestItem,
  type NewDelivery,
  type OutboxStore,
  type Receipt,
} from './outbox-store';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Row = Mutable<DeliveryRecord> & { claimedUntil?: number };

/**
 * The outbox in memory, for tests and for running without a state database. Behaves like
 * `SqlOutboxStore` (same contract tests) but keeps nothing across restarts. Values are copied in
 * and out through JSON, as the SQL store's are.
 */
export class InMemoryOutboxStore implements OutboxStore {
  private readonly rows = new Map<string, Row>();
  private readonly receipts = new Map<string, Receipt>();
  private readonly items = new Map<string, DigestItem>();
  private readonly runs = new Map<string, number>();

  async savePlan(
    plan: { receipts: readonly Receipt[]; deliveries: readonly NewDelivery[]; digestItems: readonly DigestItem[] },
    now: number,
  ): Promise<string[]> {
    // Copy everything first: a value without a JSON form fails the whole plan before anything
    // changes, as the SQL store's transaction does.
    const deliveries = plan.deliveries.map(copy);
    const items = plan.digestItems.map(copy);
    const receipts = plan.receipts.map(copy);
    for (const r of receipts) {
      const key = `${r.dispatchKey}\u0000${r.recipientId}`;
      if (!this.receipts.has(key)) this.receipts.set(key, r);
    }
    const inserted = deliveries.filter((d) => this.insert(d, now));
    for (const item of items) this.items.set(itemKey(item), item);
    return inserted.map((d) => d.id);
  }

  async plannedRecipients(dispatchKey: string): Promise<Set<string>> {
    const out = new Set<string>();
    for (const r of this.receipts.values()) if (r.dispatchKey === dispatchKey) out.add(r.recipientId);
    return out;
  }

  async admittedSince(recipientId: string, since: number): Promise<number[]> {
    const byKey = new Map<string, number>();
    for (const row of this.rows.values()) {
      if (row.recipientId !== recipientId || row.admittedAt === undefined || row.admittedAt <= since) continue;
      const seen = byKey.get(row.dispatchKey);
      if (seen === undefined || row.admittedAt < seen) byKey.set(row.dispatchKey, row.admittedAt);
    }
    return [...byKey.values()].sort((a, b) => a - b);
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<DeliveryRecord[]> {
    const due = [...this.rows.values()]
      .filter((r) => r.status === 'pending' && r.nextAttemptAt <= now && (r.claimedUntil === undefined || r.claimedUntil <= now))
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || compare(a.id, b.id))
      .slice(0, Math.max(0, limit));
    for (const row of due) row.claimedUntil = now + leaseMs;
    return due.map(toRecord);
  }

  async markSent(id: string, now: number, providerId?: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (row === undefined || row.status !== 'pending') return false;
    row.status = 'sent';
    row.sentAt = now;
    row.updatedAt = now;
    row.claimedUntil = undefined;
    if (providerId !== undefined) row.providerId = providerId;
    return true;
  }

  async reschedule(id: string, change: { attempts: number; nextAttemptAt: number; lastError?: string }, now: number): Promise<void> {
    const row = this.mustGet(id);
    if (row.status !== 'pending') return;
    row.attempts = change.attempts;
    row.nextAttemptAt = change.nextAttemptAt;
    if (change.lastError !== undefined) row.lastError = change.lastError;
    row.claimedUntil = undefined;
    row.updatedAt = now;
  }

  async supersede(
    id: string,
    end: { status: 'dead' | 'fallen_back'; attempts: number; lastError: string },
    fallback: NewDelivery | undefined,
    now: number,
  ): Promise<string | undefined> {
    const row = this.mustGet(id);
    if (fallback !== undefined) this.insert(copy(fallback), now);
    row.status = end.status;
    row.attempts = end.attempts;
    row.lastError = end.lastError;
    row.claimedUntil = undefined;
    row.updatedAt = now;
    if (fallback !== undefined) row.supersededBy = fallback.id;
    else delete row.supersededBy;
    return fallback?.id;
  }

  async siblings(dispatchKey: string, recipientId: string): Promise<DeliveryRecord[]> {
    return [...this.rows.values()]
      .filter((r) => r.dispatchKey === dispatchKey && r.recipientId === recipientId)
      .map(toRecord);
  }

  async dueHolds(now: number): Promise<string[]> {
    const out = new Set<string>();
    for (const r of this.rows.values()) {
      if (r.status === 'held' && r.hold !== undefined && r.nextAttemptAt <= now) out.add(r.hold);
    }
    return [...out].sort(compare);
  }

  async heldDeliveries(hold: string): Promise<DeliveryRecord[]> {
    return [...this.rows.values()]
      .filter((r) => r.status === 'held' && r.hold === hold)
      .sort((a, b) => a.createdAt - b.createdAt || compare(a.id, b.id))
      .map(toRecord);
  }

  async releaseHeld(ids: readonly string[], nextAttemptAt: number, admittedAt: number, now: number): Promise<void> {
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row === undefined || row.status !== 'held') continue;
      row.status = 'pending';
      delete row.hold;
      row.nextAttemptAt = nextAttemptAt;
      row.admittedAt = admittedAt;
      row.updatedAt = now;
    }
  }

  async foldHeld(ids: readonly string[], folded: readonly NewDelivery[], now: number): Promise<void> {
    for (const d of folded.map(copy)) this.insert(d, now);
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row === undefined || row.status !== 'held') continue;
      row.status = 'folded';
      if (folded[0] !== undefined) row.supersededBy = folded[0].id;
      row.updatedAt = now;
    }
  }

  async lastDigestRun(digestId: string): Promise<number | undefined> {
    return this.runs.get(digestId);
  }

  async digestsWithItems(): Promise<string[]> {
    return [...new Set([...this.items.values()].map((i) => i.digestId))].sort(compare);
  }

  async digestItems(digestId: string): Promise<DigestItem[]> {
    return [...this.items.values()]
      .filter((i) => i.digestId === digestId)
      .sort((a, b) => a.at - b.at || compare(a.incidentId, b.incidentId))
      .map(copy);
  }

  async completeDigest(
    digestId: string,
    firedAt: number,
    deliveries: readonly NewDelivery[],
    consumed: readonly Pick<DigestItem, 'recipientId' | 'incidentId' | 'at'>[],
    now: number,
  ): Promise<void> {
    for (const d of deliveries.map(copy)) this.insert(d, now);
    for (const c of consumed) {
      const key = itemKey({ digestId, ...c });
      const item = this.items.get(key);
      if (item !== undefined && item.at <= c.at) this.items.delete(key);
    }
    this.runs.set(digestId, firedAt);
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    const row = this.rows.get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  async list(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    return [...this.rows.values()]
      .filter(
        (r) =>
          (query.status === undefined || r.status === query.status) &&
          (query.recipientId === undefined || r.recipientId === query.recipientId) &&
          (query.channel === undefined || r.channel === query.channel),
      )
      .sort((a, b) => b.updatedAt - a.updatedAt || compare(a.id, b.id))
      .slice(0, query.limit ?? 100)
      .map(toRecord);
  }

  async retryDead(id: string, now: number): Promise<boolean> {
    const row = this.rows.get(id);
    if (row === undefined || row.status !== 'dead') return false;
    row.status = 'pending';
    row.attempts = 0;
    row.nextAttemptAt = now;
    row.claimedUntil = undefined;
    row.updatedAt = now;
    return true;
  }

  async countByStatus(): Promise<Record<DeliveryStatus, number>> {
    const out = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    for (const r of this.rows.values()) out[r.status] += 1;
    return out;
  }

  async prune(before: number): Promise<number> {
    let removed = 0;
    for (const [id, r] of this.rows) {
      if ((r.status === 'sent' || r.status === 'folded' || r.status === 'fallen_back') && r.updatedAt < before) {
        this.rows.delete(id);
        removed += 1;
      }
    }
    for (const [key, r] of this.receipts) if (r.at < before) this.receipts.delete(key);
    return removed;
  }

  /** Inserts an already copied delivery unless its id exists. */
  private insert(d: NewDelivery, now: number): boolean {
    if (this.rows.has(d.id)) return false;
    const row: Row = { ...d, attempts: 0, createdAt: now, updatedAt: now };
    this.rows.set(d.id, row);
    return true;
  }

  private mustGet(id: string): Row {
    const row = this.rows.get(id);
    if (row === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no delivery ${id} in the outbox`, 404);
    return row;
  }
}

function toRecord(row: Row): DeliveryRecord {
  const { claimedUntil: _claimed, ...record } = row;
  return copy(record);
}

function itemKey(item: Pick<DigestItem, 'digestId' | 'recipientId' | 'incidentId'>): string {
  return `${item.digestId}\u0000${item.recipientId}\u0000${item.incidentId}`;
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
