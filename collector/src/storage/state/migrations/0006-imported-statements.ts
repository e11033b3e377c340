import type { Kysely, Migration } from 'kysely';

/**
 * Bank statement imports (sources/bank-statements): one row per imported file (by content hash),
 * so a file dropped again adds nothing, and one row per booked entry (by entry key), so an entry
 * reported again — in another file, intraday and then at the end of the day — adds nothing either.
 * `seq` numbers the entries of one cash-flow series and booking day (their points' millisecond offset).
 * Portable across SQLite and PostgreSQL.
 */
export const importedStatements: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('imported_statement_files')
      .addColumn('content_hash', 'text', (c) => c.primaryKey())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('imported_at', 'bigint', (c) => c.notNull())
      .addColumn('statements', 'integer', (c) => c.notNull())
      .addColumn('balances', 'integer', (c) => c.notNull())
      .addColumn('entries', 'integer', (c) => c.notNull())
      .addColumn('new_entries', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('imported_statement_entries')
      .addColumn('entry_key', 'text', (c) => c.primaryKey())
      .addColumn('file_hash', 'text', (c) => c.notNull())
      .addColumn('series', 'text', (c) => c.notNull())
      .addColumn('booking_date', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('amount', 'double precision', (c) => c.notNull())
      .addColumn('imported_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createIndex('imported_statement_entries_series_day')
      .on('imported_statement_entries')
      .columns(['series', 'booking_date'])
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('imported_statement_entries').execute();
    await db.schema.dropTable('imported_statement_files').execute();
  },
};
