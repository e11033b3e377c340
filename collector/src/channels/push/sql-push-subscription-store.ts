import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../storage/state/database';
import { runStateQuery } from '../../storage/state/state-db-errors';
import type { ChannelTables, PushSubscriptionsTable } from '../channel-tables';
import type { PushSubscriptionRecord, PushSubscriptionStore } from './push-subscription-store';

/** Push subscriptions in the state database (tables of migration 0005); SQLite and PostgreSQL. */
export class SqlPushSubscriptionStore implements PushSubscriptionStore {
  private readonly db: Kysely<Database & ChannelTables>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<ChannelTables>();
  }

  async upsert(record: Omit<PushSubscriptionRecord, 'lastSuccessAt' | 'goneAt'>): Promise<void> {
    const row = {
      id: record.id,
      endpoint: record.endpoint,
      p256dh: record.p256dh,
      auth: record.auth,
      label: record.label ?? null,
      created_by: record.createdBy ?? null,
      created_at: record.createdAt,
      last_success_at: null,
      gone_at: null,
    };
    await runStateQuery(`store push subscription ${record.id}`, () =>
      this.db.transaction().execute(async (tx) => {
        // A new endpoint under an old id is a new subscription: what it was sent no longer counts.
        await tx.deleteFrom('push_deliveries').where('subscription_id', '=', record.id).execute();
        await tx
          .insertInto('push_subscriptions')
          .values(row)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet({
              endpoint: row.endpoint,
              p256dh: row.p256dh,
              auth: row.auth,
              label: row.label,
              created_by: row.created_by,
              created_at: row.created_at,
              last_success_at: null,
              gone_at: null,
            }),
          )
          .execute();
      }),
    );
  }

  async getMany(ids: readonly string[]): Promise<PushSubscriptionRecord[]> {
    if (ids.length === 0) return [];
    const rows = await runStateQuery('read push subscriptions', () =>
      this.db.selectFrom('push_subscriptions').selectAll().where('id', 'in', [...ids]).execute(),
    );
    const byId = new Map(rows.map((r) => [r.id, toRecord(r)]));
    return ids.flatMap((id) => {
      const record = byId.get(id);
      return record ? [record] : [];
    });
  }

  async list(): Promise<PushSubscriptionRecord[]> {
    const rows = await runStateQuery('list push subscriptions', () => this.db.selectFrom('push_subscriptions').selectAll().execute());
    return rows.map(toRecord).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async delete(id: string): Promise<boolean> {
    return runStateQuery(`delete push subscription ${id}`, () =>
      this.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('push_deliveries').where('subscription_id', '=', id).execute();
        const result = await tx.deleteFrom('push_subscriptions').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n;
      }),
    );
  }

  async markSuccess(id: string, at: number): Promise<void> {
    await runStateQuery(`update push subscription ${id}`, () =>
      this.db.updateTable('push_subscriptions').set({ last_success_at: at }).where('id', '=', id).execute(),
    );
  }

  async markGone(id: string, at: number): Promise<void> {
    await runStateQuery(`update push subscription ${id}`, () =>
      this.db.updateTable('push_subscriptions').set({ gone_at: at }).where('id', '=', id).execute(),
    );
  }

  async sentTo(deliveryId: string, subscriptionIds: readonly string[]): Promise<Set<string>> {
    if (subscriptionIds.length === 0) return new Set();
    const rows = await runStateQuery(`read push deliveries of ${deliveryId}`, () =>
      this.db
        .selectFrom('push_deliveries')
        .select('subscription_id')
        .where('delivery_id', '=', deliveryId)
        .where('subscription_id', 'in', [...subscriptionIds])
        .execute(),
    );
    return new Set(rows.map((r) => r.subscription_id));
  }

  async recordSent(deliveryId: string, subscriptionId: string, at: number): Promise<void> {
    await runStateQuery(`record push delivery ${deliveryId}`, () =>
      this.db
        .insertInto('push_deliveries')
        .values({ delivery_id: deliveryId, subscription_id: subscriptionId, sent_at: at })
        .onConflict((oc) => oc.columns(['delivery_id', 'subscription_id']).doNothing())
        .execute(),
    );
  }

  async pruneSent(before: number): Promise<number> {
    const result = await runStateQuery('prune push deliveries', () =>
      this.db.deleteFrom('push_deliveries').where('sent_at', '<', before).executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}

function toRecord(row: Selectable<PushSubscriptionsTable>): PushSubscriptionRecord {
  return {
    id: row.id,
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    auth: row.auth,
    createdAt: row.created_at,
    ...(row.label === null ? {} : { label: row.label }),
    ...(row.created_by === null ? {} : { createdBy: row.created_by }),
    ...(row.last_success_at === null ? {} : { lastSuccessAt: row.last_success_at }),
    ...(row.gone_at === null ? {} : { goneAt: row.gone_at }),
  };
}
