import type { Kysely, Migration } from 'kysely';

/**
 * The dashboard news feed and the Web Push subscriptions (collector/src/channels):
 *
 * - `news_feed`: one entry per alert transition (GET /api/v1/feed), newest first by `time`; the id
 *   is deterministic (fingerprint, time, new state), so recording a transition twice keeps one.
 * - `push_subscriptions`: browsers and phones subscribed to Web Push (POST /api/v1/push/subscriptions);
 *   recipients list these ids under `channels.push`. `gone_at` is set when the push service says
 *   the subscription expired (404/410).
 * - `push_deliveries`: which subscription already received which delivery, so that a retry after a
 *   partial failure reaches only the subscriptions that missed it.
 *
 * Portable types only (text, bigint epoch ms, double precision), no dialect-specific defaults.
 */
export const newsFeedAndPushSubscriptions: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('news_feed')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('kpi', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('alert_class', 'text', (c) => c.notNull())
      .addColumn('state_from', 'text')
      .addColumn('state_to', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('threshold', 'double precision')
      .addColumn('incident_id', 'text')
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('series', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('news_feed_time').on('news_feed').columns(['time', 'id']).execute();

    await db.schema
      .createTable('push_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('p256dh', 'text', (c) => c.notNull())
      .addColumn('auth', 'text', (c) => c.notNull())
      .addColumn('label', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_success_at', 'bigint')
      .addColumn('gone_at', 'bigint')
      .execute();

    await db.schema
      .createTable('push_deliveries')
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('subscription_id', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('push_deliveries_pk', ['delivery_id', 'subscription_id'])
      .execute();
    await db.schema.createIndex('push_deliveries_sent_at').on('push_deliveries').column('sent_at').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('push_deliveries').execute();
    await db.schema.dropTable('push_subscriptions').execute();
    await db.schema.dropTable('news_feed').execute();
  },
};
