import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ChannelName } from '../config/notification-settings-schema';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Database } from '../storage/state/database';
import { runStateQuery } from '../storage/state/state-db-errors';
import type { NotificationMessage } from './channel-port';
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

/** The tables of migration 0004-outbox, as kysely sees them. */
export type OutboxTables = {
  notify_messages: { id: string; body: string; created_at: number };
  notify_outbox: {
    id: string;
    dispatch_key: string;
    recipient_id: string;
    channel: string;
    status: string;
    hold: string | null;
    /** The message in notify_messages (a hash of its JSON). */
    message_id: string;
    /** JSON array of channel names. */
    fallback: string;
    fallback_of: string | null;
    superseded_by: string | null;
    attempts: number;
    next_attempt_at: number;
    claim_token: string | null;
    claimed_until: number | null;
    dispatched_at: number;
    created_at: number;
    admitted_at: number | null;
    sent_at: number | null;
    provider_id: string | null;
    last_error: string | null;
    updated_at: number;
  };
  notify_receipts: { dispatch_key: string; recipient_id: string; plan: string; at: number };
  notify_digest_items: {
    digest_id: string;
    recipient_id: string;
    incident_id: string;
    held: number;
    /** JSON of the Incident. */
    incident: string;
    at: number;
  };
  notify_digest_runs: { digest_id: string; last_fired_at: number };
};

type OutboxDb = Kysely<Database & OutboxTables>;
type OutboxTx = Transaction<Database & OutboxTables>;
type OutboxRow = Selectable<OutboxTables['notify_outbox']> & { message_body: string };

/** Rows per multi-row insert: well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 40;
const MAX_ERROR_CHARS = 2000;

/**
 * The outbox in the state database (migration 0004-outbox), on SQLite or PostgreSQL. Inserts of a
 * delivery id that exists do nothing (`on conflict do nothing`), so re-planning is idempotent;
 * claims are leases (`claim_token`, `claimed_until`) so two workers never send the same row at the
 * same time and a crashed worker's rows come back when its lease runs out. Messages are stored once
 * in `notify_messages` and joined in, so the delivery rows that change often stay small.
 */
export class SqlOutboxStore implements OutboxStore {
  private readonly db: OutboxDb;
  private readonly marks: {
    id: string;
    now: number;
    providerId: string | undefined;
    resolve(updated: boolean): void;
    reject(error: unknown): void;
  }[] = [];

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<OutboxTables>();
  }

  /** Deliveries with their message. */
  private deliveries() {
    return this.db
      .selectFrom('notify_outbox as o')
      .innerJoin('notify_messages as m', 'm.id', 'o.message_id')
      .selectAll('o')
      .select('m.body as message_body');
  }

  async savePlan(
    plan: { receipts: readonly Receipt[]; deliveries: readonly NewDelivery[]; digestItems: readonly DigestItem[] },
    now: number,
  ): Promise<string[]> {
    return runStateQuery('store notifications in the outbox', () =>
      this.db.transaction().execute(async (tx) => {
        for (const chunk of chunks(plan.receipts)) {
          await tx
            .insertInto('notify_receipts')
            .values(chunk.map((r) => ({ dispatch_key: r.dispatchKey, recipient_id: r.recipientId, plan: r.plan, at: r.at })))
            .onConflict((oc) => oc.columns(['dispatch_key', 'recipient_id']).doNothing())
            .execute();
        }
        const inserted = await insertDeliveries(tx, plan.deliveries, now);
        for (const item of plan.digestItems) await upsertItem(tx, item);
        return inserted;
      }),
    );
  }

  async plannedRecipients(dispatchKey: string): Promise<Set<string>> {
    const rows = await runStateQuery(`read receipts of ${dispatchKey}`, () =>
      this.db.selectFrom('notify_receipts').select('recipient_id').where('dispatch_key', '=', dispatchKey).execute(),
    );
    return new Set(rows.map((r) => r.recipient_id));
  }

  async admittedSince(recipientId: string, since: number): Promise<number[]> {
    const rows = await runStateQuery(`read the rate window of ${recipientId}`, () =>
      this.db
        .selectFrom('notify_outbox')
        .select(['dispatch_key', (eb) => eb.fn.min<number>('admitted_at').as('first')])
        .where('recipient_id', '=', recipientId)
        .where('admitted_at', '>', since)
        .groupBy('dispatch_key')
        .execute(),
    );
    return rows.map((r) => Number(r.first)).sort((a, b) => a - b);
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<DeliveryRecord[]> {
    if (limit <= 0) return [];
    const token = randomUUID();
    return runStateQuery('claim due deliveries', async () => {
      const due = await this.db
        .selectFrom('notify_outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      if (due.length === 0) return [];
      await this.db
        .updateTable('notify_outbox')
        .set({ claim_token: token, claimed_until: now + leaseMs })
        .where(
          'id',
          'in',
          due.map((d) => d.id),
        )
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
        .execute();
      const rows = await this.deliveries()
        .where(
          'o.id',
          'in',
          due.map((d) => d.id),
        )
        .execute();
      return rows
        .filter((r) => r.status === 'pending' && r.claim_token === token)
        .sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at) || compare(a.id, b.id))
        .map(toRecord);
    });
  }

  /**
   * Marks sent. Marks requested in the same event-loop turn (sends of one batch finishing together)
   * are written in one transaction: one commit for many rows. Each call resolves once its row is
   * committed.
   */
  markSent(id: string, now: number, providerId?: string): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.marks.push({ id, now, providerId, resolve, reject });
      if (this.marks.length === 1) setImmediate(() => void this.flushMarks());
    });
  }

  private async flushMarks(): Promise<void> {
    const batch = this.marks.splice(0);
    try {
      const updated = await runStateQuery(`mark ${batch.length} deliveries sent`, () =>
        this.db.transaction().execute(async (tx) => {
          const out: boolean[] = [];
          for (const m of batch) {
            const result = await tx
              .updateTable('notify_outbox')
              .set({ status: 'sent', sent_at: m.now, updated_at: m.now, provider_id: m.providerId ?? null, claim_token: null, claimed_until: null })
              .where('id', '=', m.id)
              .where('status', '=', 'pending')
              .executeTakeFirst();
            out.push(result.numUpdatedRows > 0n);
          }
          return out;
        }),
      );
      batch.forEach((m, i) => m.resolve(updated[i] === true));
    } catch (error) {
      for (const m of batch) m.reject(error);
    }
  }

  async reschedule(id: string, change: { attempts: number; nextAttemptAt: number; lastError?: string }, now: number): Promise<void> {
    await runStateQuery(`reschedule delivery ${id}`, () =>
      this.db
        .updateTable('notify_outbox')
        .set({
          attempts: change.attempts,
          next_attempt_at: change.nextAttemptAt,
          ...(change.lastError === undefined ? {} : { last_error: clip(change.lastError) }),
          claim_token: null,
          claimed_until: null,
          updated_at: now,
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute(),
    );
  }

  async supersede(
    id: string,
    end: { status: 'dead' | 'fallen_back'; attempts: number; lastError: string },
    fallback: NewDelivery | undefined,
    now: number,
  ): Promise<string | undefined> {
    return runStateQuery(`end delivery ${id} as ${end.status}`, () =>
      this.db.transaction().execute(async (tx) => {
        const found = await tx.selectFrom('notify_outbox').select('id').where('id', '=', id).executeTakeFirst();
        if (found === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no delivery ${id} in the outbox`, 404);
        if (fallback !== undefined) await insertDeliveries(tx, [fallback], now);
        await tx
          .updateTable('notify_outbox')
          .set({
            status: end.status,
            attempts: end.attempts,
            last_error: clip(end.lastError),
            superseded_by: fallback?.id ?? null,
            claim_token: null,
            claimed_until: null,
            updated_at: now,
          })
          .where('id', '=', id)
          .execute();
        return fallback?.id;
      }),
    );
  }

  async siblings(dispatchKey: string, recipientId: string): Promise<DeliveryRecord[]> {
    const rows = await runStateQuery(`read deliveries of ${dispatchKey}`, () =>
      this.deliveries().where('o.dispatch_key', '=', dispatchKey).where('o.recipient_id', '=', recipientId).execute(),
    );
    return rows.map(toRecord);
  }

  async dueHolds(now: number): Promise<string[]> {
    const rows = await runStateQuery('read due holds', () =>
      this.db
        .selectFrom('notify_outbox')
        .select('hold')
        .distinct()
        .where('status', '=', 'held')
        .where('next_attempt_at', '<=', now)
        .execute(),
    );
    return rows.flatMap((r) => (r.hold === null ? [] : [r.hold])).sort(compare);
  }

  async heldDeliveries(hold: string): Promise<DeliveryRecord[]> {
    const rows = await runStateQuery(`read hold ${hold}`, () =>
      this.deliveries().where('o.status', '=', 'held').where('o.hold', '=', hold).execute(),
    );
    return rows.sort((a, b) => Number(a.created_at) - Number(b.created_at) || compare(a.id, b.id)).map(toRecord);
  }

  async releaseHeld(ids: readonly string[], nextAttemptAt: number, admittedAt: number, now: number): Promise<void> {
    if (ids.length === 0) return;
    await runStateQuery('release held deliveries', async () => {
      for (const chunk of chunks(ids)) {
        await this.db
          .updateTable('notify_outbox')
          .set({ status: 'pending', hold: null, next_attempt_at: nextAttemptAt, admitted_at: admittedAt, updated_at: now })
          .where('id', 'in', chunk)
          .where('status', '=', 'held')
          .execute();
      }
    });
  }

  async foldHeld(ids: readonly string[], folded: readonly NewDelivery[], now: number): Promise<void> {
    await runStateQuery('fold held deliveries', () =>
      this.db.transaction().execute(async (tx) => {
        await insertDeliveries(tx, folded, now);
        for (const chunk of chunks(ids)) {
          await tx
            .updateTable('notify_outbox')
            .set({ status: 'folded', superseded_by: folded[0]?.id ?? null, updated_at: now })
            .where('id', 'in', chunk)
            .where('status', '=', 'held')
            .execute();
        }
      }),
    );
  }

  async lastDigestRun(digestId: string): Promise<number | undefined> {
    const row = await runStateQuery(`read the last run of digest ${digestId}`, () =>
      this.db.selectFrom('notify_digest_runs').select('last_fired_at').where('digest_id', '=', digestId).executeTakeFirst(),
    );
    return row === undefined ? undefined : Number(row.last_fired_at);
  }

  async digestsWithItems(): Promise<string[]> {
    const rows = await runStateQuery('read digests with items', () =>
      this.db.selectFrom('notify_digest_items').select('digest_id').distinct().execute(),
    );
    return rows.map((r) => r.digest_id).sort(compare);
  }

  async digestItems(digestId: string): Promise<DigestItem[]> {
    const rows = await runStateQuery(`read items of digest ${digestId}`, () =>
      this.db.selectFrom('notify_digest_items').selectAll().where('digest_id', '=', digestId).execute(),
    );
    return rows
      .map((r) => ({
        digestId: r.digest_id,
        recipientId: r.recipient_id,
        incidentId: r.incident_id,
        held: Number(r.held) === 1,
        incident: JSON.parse(r.incident),
        at: Number(r.at),
      }))
      .sort((a, b) => a.at - b.at || compare(a.incidentId, b.incidentId));
  }

  async completeDigest(
    digestId: string,
    firedAt: number,
    deliveries: readonly NewDelivery[],
    consumed: readonly Pick<DigestItem, 'recipientId' | 'incidentId' | 'at'>[],
    now: number,
  ): Promise<void> {
    await runStateQuery(`record a run of digest ${digestId}`, () =>
      this.db.transaction().execute(async (tx) => {
        await insertDeliveries(tx, deliveries, now);
        for (const c of consumed) {
          await tx
            .deleteFrom('notify_digest_items')
            .where('digest_id', '=', digestId)
            .where('recipient_id', '=', c.recipientId)
            .where('incident_id', '=', c.incidentId)
            .where('at', '<=', c.at)
            .execute();
        }
        await tx
          .insertInto('notify_digest_runs')
          .values({ digest_id: digestId, last_fired_at: firedAt })
          .onConflict((oc) => oc.column('digest_id').doUpdateSet({ last_fired_at: firedAt }))
          .execute();
      }),
    );
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    const row = await runStateQuery(`read delivery ${id}`, () =>
      this.deliveries().where('o.id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : toRecord(row);
  }

  async list(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    const rows = await runStateQuery('list deliveries', () => {
      let q = this.deliveries();
      if (query.status !== undefined) q = q.where('o.status', '=', query.status);
      if (query.recipientId !== undefined) q = q.where('o.recipient_id', '=', query.recipientId);
      if (query.channel !== undefined) q = q.where('o.channel', '=', query.channel);
      return q
        .orderBy('o.updated_at', 'desc')
        .orderBy('o.id')
        .limit(query.limit ?? 100)
        .execute();
    });
    return rows.map(toRecord);
  }

  async retryDead(id: string, now: number): Promise<boolean> {
    const result = await runStateQuery(`retry dead letter ${id}`, () =>
      this.db
        .updateTable('notify_outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now, claim_token: null, claimed_until: null, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async countByStatus(): Promise<Record<DeliveryStatus, number>> {
    const rows = await runStateQuery('count deliveries', () =>
      this.db
        .selectFrom('notify_outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute(),
    );
    const out = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    for (const r of rows) if (r.status in out) out[r.status as DeliveryStatus] = Number(r.n);
    return out;
  }

  async prune(before: number): Promise<number> {
    return runStateQuery('prune the outbox', () =>
      this.db.transaction().execute(async (tx) => {
        const result = await tx
          .deleteFrom('notify_outbox')
          .where('status', 'in', ['sent', 'folded', 'fallen_back'])
          .where('updated_at', '<', before)
          .executeTakeFirst();
        await tx.deleteFrom('notify_receipts').where('at', '<', before).execute();
        await tx
          .deleteFrom('notify_messages')
          .where('created_at', '<', before)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('notify_outbox').select('notify_outbox.id').whereRef('notify_outbox.message_id', '=', 'notify_messages.id'))),
          )
          .execute();
        return Number(result.numDeletedRows);
      }),
    );
  }
}

async function insertDeliveries(tx: OutboxTx, deliveries: readonly NewDelivery[], now: number): Promise<string[]> {
  if (deliveries.length === 0) return [];
  const ids = deliveries.map((d) => d.id);
  const existing = new Set<string>();
  for (const chunk of chunks(ids)) {
    const rows = await tx.selectFrom('notify_outbox').select('id').where('id', 'in', chunk).execute();
    for (const r of rows) existing.add(r.id);
  }
  const fresh = dedupeById(deliveries.filter((d) => !existing.has(d.id)));
  const bodies = new Map<NotificationMessage, { id: string; body: string }>();
  for (const d of fresh) {
    if (bodies.has(d.message)) continue;
    const body = JSON.stringify(d.message);
    bodies.set(d.message, { id: createHash('sha256').update(body).digest('hex').slice(0, 32), body });
  }
  const messages = [...new Map([...bodies.values()].map((m) => [m.id, m])).values()];
  for (const chunk of chunks(messages)) {
    await tx
      .insertInto('notify_messages')
      .values(chunk.map((m) => ({ id: m.id, body: m.body, created_at: now })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  for (const chunk of chunks(fresh)) {
    await tx
      .insertInto('notify_outbox')
      .values(chunk.map((d) => toRow(d, bodies.get(d.message)!.id, now)))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  return fresh.map((d) => d.id);
}

async function upsertItem(tx: OutboxTx, item: DigestItem): Promise<void> {
  const values = {
    digest_id: item.digestId,
    recipient_id: item.recipientId,
    incident_id: item.incidentId,
    held: item.held ? 1 : 0,
    incident: JSON.stringify(item.incident),
    at: item.at,
  };
  await tx
    .insertInto('notify_digest_items')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['digest_id', 'recipient_id', 'incident_id']).doUpdateSet({ held: values.held, incident: values.incident, at: values.at }),
    )
    .execute();
}

function toRow(d: NewDelivery, messageId: string, now: number): OutboxTables['notify_outbox'] {
  return {
    id: d.id,
    dispatch_key: d.dispatchKey,
    recipient_id: d.recipientId,
    channel: d.channel,
    status: d.status,
    hold: d.hold ?? null,
    message_id: messageId,
    fallback: JSON.stringify(d.fallback),
    fallback_of: d.fallbackOf ?? null,
    superseded_by: null,
    attempts: 0,
    next_attempt_at: d.nextAttemptAt,
    claim_token: null,
    claimed_until: null,
    dispatched_at: d.dispatchedAt,
    created_at: now,
    admitted_at: d.admittedAt ?? null,
    sent_at: null,
    provider_id: null,
    last_error: null,
    updated_at: now,
  };
}

function toRecord(row: OutboxRow): DeliveryRecord {
  const optional = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } =>
    (value === null ? {} : { [key]: value }) as { [P in K]?: V };
  return {
    id: row.id,
    dispatchKey: row.dispatch_key,
    recipientId: row.recipient_id,
    channel: row.channel as ChannelName,
    status: row.status as DeliveryStatus,
    ...optional('hold', row.hold),
    message: JSON.parse(row.message_body) as NotificationMessage,
    fallback: JSON.parse(row.fallback) as ChannelName[],
    ...optional('fallbackOf', row.fallback_of),
    ...optional('supersededBy', row.superseded_by),
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    dispatchedAt: Number(row.dispatched_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ...optional('admittedAt', row.admitted_at === null ? null : Number(row.admitted_at)),
    ...optional('sentAt', row.sent_at === null ? null : Number(row.sent_at)),
    ...optional('providerId', row.provider_id),
    ...optional('lastError', row.last_error),
  };
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += INSERT_CHUNK) out.push(items.slice(i, i + INSERT_CHUNK));
  return out;
}

function dedupeById(deliveries: readonly NewDelivery[]): NewDelivery[] {
  const seen = new Set<string>();
  return deliveries.filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)));
}

function clip(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
