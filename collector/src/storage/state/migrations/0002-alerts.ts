import type { Kysely, Migration } from 'kysely';

/**
 * Alert state (collector/src/alerting):
 * - `alerts`: one row per fingerprint, the current alert (JSON) with its lifecycle bookkeeping
 *   (JSON: `for` duration, flapping history, history sequence); state, severity, category, class,
 *   KPI and times as columns to filter and order on;
 * - `alert_history`: every transition (who, when, why, the alert after it), never rewritten;
 *   key (fingerprint, at, seq) so re-applying a batch is harmless;
 * - `alert_rule_state`: the rules' per-series state (hysteresis, windows, last seen) by rule key,
 *   rule version and series, so a restart resumes evaluation where it stopped.
 * Portable across SQLite and PostgreSQL: text, bigint (epoch ms), integer; no booleans.
 */
export const alertsMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('alerts')
      .addColumn('fingerprint', 'text', (c) => c.primaryKey())
      .addColumn('kpi', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('alert_class', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('resolved_at', 'bigint')
      .addColumn('manually_resolved', 'integer', (c) => c.notNull())
      .addColumn('alert', 'text', (c) => c.notNull())
      .addColumn('lifecycle', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alerts_state').on('alerts').columns(['state', 'updated_at']).execute();
    await db.schema.createIndex('alerts_kpi').on('alerts').column('kpi').execute();

    await db.schema
      .createTable('alert_history')
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('alert', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('alert_history_pk', ['fingerprint', 'at', 'seq'])
      .execute();
    await db.schema.createIndex('alert_history_at').on('alert_history').column('at').execute();

    await db.schema
      .createTable('alert_rule_state')
      .addColumn('rule_key', 'text', (c) => c.notNull())
      .addColumn('series_key', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('alert_rule_state_pk', ['rule_key', 'series_key'])
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('alert_rule_state').execute();
    await db.schema.dropTable('alert_history').execute();
    await db.schema.dropTable('alerts').execute();
  },
};
