import type { Migration } from 'kysely';
import { apiTokensAndKvState } from './0001-api-tokens-and-kv-state';
import { alertsMigration } from './0002-alerts';
import { consolidationEscalation } from './0003-consolidation-escalation';
import { outbox } from './0004-outbox';
import { newsFeedAndPushSubscriptions } from './0005-news-feed';
import { importedStatements } from './0006-imported-statements';

/**
 * Every state-database migration, in the order they run (kysely sorts by name).
 *
 * How to add one (alert state, acknowledgements, escalation timers, the outbox, …):
 * 1. Create `migrations/NNNN-what-it-does.ts` (next four-digit number) exporting a kysely
 *    `Migration` with `up` and `down`. Use only the schema builder and portable types: `text`,
 *    `bigint` (epoch ms), `integer`, `double precision`; JSON as `text`; no booleans, no
 *    dialect-specific defaults or `sql` fragments unless both dialects accept them.
 * 2. Register it below under the key `NNNN_what_it_does`.
 * 3. Type its tables: add them to the `Database` interface in `../database.ts`, or (feature
 *    stores) export a tables type beside the store and use `db.withTables<…>()`.
 * 4. The migration tests run every migration on SQLite and PostgreSQL, twice.
 * Never edit, rename or reorder a migration that has been released: databases in the field have
 * recorded its name as applied. Fix mistakes with a new migration.
 */
export const stateMigrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_api_tokens_and_kv_state': apiTokensAndKvState,
  '0002_alerts': alertsMigration,
  '0003_consolidation_escalation': consolidationEscalation,
  '0004_outbox': outbox,
  '0005_news_feed': newsFeedAndPushSubscriptions,
  '0006_imported_statements': importedStatements,
});
