import type { Kysely, Migration } from 'kysely';

/**
 * Consolidation and escalation state (collector/src/consolidation, collector/src/escalation):
 * - `silences`: who muted which alerts (matchers as JSON), from when until when, and why;
 * - `incidents`: each incident with its group timers and what was last notified (the record as
 *   JSON without its alerts; state, times and the next flush as columns to filter and order on);
 * - `incident_alerts`: the alerts of each incident, one row each (an incident may hold thousands:
 *   a change writes only the alert that changed);
 * - `escalations`: per incident, where its escalation stands and when its next timer fires, so a
 *   restarted collector resumes on time (the record as JSON; status, level and `next_at` as columns).
 * Portable across SQLite and PostgreSQL: text, bigint (epoch ms), integer; no booleans.
 */
export const consolidationEscalation: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('silences')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('matchers', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('silences_ends_at').on('silences').column('ends_at').execute();

    await db.schema
      .createTable('incidents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_key', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('opened_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('resolved_at', 'bigint')
      .addColumn('next_flush_at', 'bigint')
      .addColumn('closed', 'integer', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('incidents_closed').on('incidents').columns(['closed', 'resolved_at']).execute();
    await db.schema.createIndex('incidents_state_opened').on('incidents').columns(['state', 'opened_at']).execute();

    await db.schema
      .createTable('incident_alerts')
      .addColumn('incident_id', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('alert', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('incident_alerts_pk', ['incident_id', 'fingerprint'])
      .execute();

    await db.schema
      .createTable('escalations')
      .addColumn('incident_id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('policy', 'text')
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('next_at', 'bigint')
      .addColumn('closed', 'integer', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('escalations_closed_next').on('escalations').columns(['closed', 'next_at']).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('escalations').execute();
    await db.schema.dropTable('incident_alerts').execute();
    await db.schema.dropTable('incidents').execute();
    await db.schema.dropTable('silences').execute();
  },
};
