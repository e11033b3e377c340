import type { Kysely, Migration } from 'kysely';

/**
 * The notification outbox (collector/src/notify): every delivery is stored here before it is sent.
 *
 * - `notify_messages`: the messages, stored once however many deliveries carry them (an incident
 *   dispatched to several people on several channels); the id is a hash of the content. Kept apart
 *   so the small, often-updated delivery rows stay small.
 * - `notify_outbox`: one row per delivery (one message to one recipient on one channel). Its id is
 *   the delivery id, deterministic from the dispatch key, recipient and channel, so the same
 *   notification is never stored twice, also across restarts. Status: pending → sent | dead |
 *   fallen_back; `held` rows wait in a rate-limit fold and become `folded` when sent as one.
 * - `notify_receipts`: which dispatch has been planned for which recipient (deduplication of a
 *   dispatch submitted again, whatever the plan was: sent, held, batched into a digest, filtered).
 * - `notify_digest_items`: incidents waiting for a recipient's scheduled digest (latest snapshot).
 * - `notify_digest_runs`: when each digest last went out.
 *
 * Portable types only (text, bigint epoch ms, integer), no dialect-specific defaults.
 */
export const outbox: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('notify_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('notify_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dispatch_key', 'text', (c) => c.notNull())
      .addColumn('recipient_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('hold', 'text')
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('fallback', 'text', (c) => c.notNull())
      .addColumn('fallback_of', 'text')
      .addColumn('superseded_by', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('claim_token', 'text')
      .addColumn('claimed_until', 'bigint')
      .addColumn('dispatched_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('admitted_at', 'bigint')
      .addColumn('sent_at', 'bigint')
      .addColumn('provider_id', 'text')
      .addColumn('last_error', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notify_outbox_due')
      .on('notify_outbox')
      .columns(['status', 'next_attempt_at', 'id'])
      .execute();
    await db.schema
      .createIndex('notify_outbox_admitted')
      .on('notify_outbox')
      .columns(['recipient_id', 'admitted_at'])
      .execute();
    await db.schema
      .createIndex('notify_outbox_dispatch')
      .on('notify_outbox')
      .columns(['dispatch_key', 'recipient_id'])
      .execute();
    await db.schema.createIndex('notify_outbox_claim').on('notify_outbox').column('claim_token').execute();
    await db.schema.createIndex('notify_outbox_message').on('notify_outbox').column('message_id').execute();

    await db.schema
      .createTable('notify_receipts')
      .addColumn('dispatch_key', 'text', (c) => c.notNull())
      .addColumn('recipient_id', 'text', (c) => c.notNull())
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('notify_receipts_pk', ['dispatch_key', 'recipient_id'])
      .execute();

    await db.schema
      .createTable('notify_digest_items')
      .addColumn('digest_id', 'text', (c) => c.notNull())
      .addColumn('recipient_id', 'text', (c) => c.notNull())
      .addColumn('incident_id', 'text', (c) => c.notNull())
      .addColumn('held', 'integer', (c) => c.notNull())
      .addColumn('incident', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('notify_digest_items_pk', ['digest_id', 'recipient_id', 'incident_id'])
      .execute();

    await db.schema
      .createTable('notify_digest_runs')
      .addColumn('digest_id', 'text', (c) => c.primaryKey())
      .addColumn('last_fired_at', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('notify_digest_runs').execute();
    await db.schema.dropTable('notify_digest_items').execute();
    await db.schema.dropTable('notify_receipts').execute();
    await db.schema.dropTable('notify_outbox').execute();
    await db.schema.dropTable('notify_messages').execute();
  },
};
