import type { Kysely } from 'kysely';
import type {
  ImportedEntryRecord,
  ImportedFileRecord,
  ImportedStatementStore,
  SeriesDay,
} from './imported-statement-store';
import { seriesDayKey } from './imported-statement-store';

/** The tables of migration 0006 (`storage/state/migrations/0006-imported-statements.ts`). */
export interface ImportedStatementTables {
  imported_statement_files: {
    content_hash: string;
    file_name: string;
    format: string;
    source: string;
    imported_at: number;
    statements: number;
    balances: number;
    entries: number;
    new_entries: number;
  };
  imported_statement_entries: {
    entry_key: string;
    file_hash: string;
    series: string;
    booking_date: string;
    seq: number;
    currency: string;
    amount: number;
    imported_at: number;
  };
}

/** Rows per INSERT and keys per IN list: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

/** {@link ImportedStatementStore} on the state database (SQLite or PostgreSQL) through kysely. */
export class SqlImportedStatementStore implements ImportedStatementStore {
  private readonly db: Kysely<ImportedStatementTables>;

  /** `db` is the state database (`StateDb.db`); its type need not list these tables. */
  constructor(db: Kysely<any>) {
    this.db = db as Kysely<ImportedStatementTables>;
  }

  async findFile(contentHash: string): Promise<ImportedFileRecord | undefined> {
    const row = await this.db.selectFrom('imported_statement_files').selectAll().where('content_hash', '=', contentHash).executeTakeFirst();
    if (!row) return undefined;
    return {
      contentHash: row.content_hash,
      fileName: row.file_name,
      format: row.format,
      source: row.source,
      importedAt: Number(row.imported_at),
      statements: row.statements,
      balances: row.balances,
      entries: row.entries,
      newEntries: row.new_entries,
    };
  }

  async existingEntryKeys(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      const rows = await this.db.selectFrom('imported_statement_entries').select('entry_key').where('entry_key', 'in', chunk).execute();
      for (const row of rows) found.add(row.entry_key);
    }
    return found;
  }

  async entryCounts(days: readonly SeriesDay[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const unique = [...new Map(days.map((d) => [seriesDayKey(d), d])).values()];
    for (let i = 0; i < unique.length; i += CHUNK / 2) {
      const chunk = unique.slice(i, i + CHUNK / 2);
      const rows = await this.db
        .selectFrom('imported_statement_entries')
        .select(['series', 'booking_date'])
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where((eb) => eb.or(chunk.map((d) => eb.and([eb('series', '=', d.series), eb('booking_date', '=', d.bookingDate)]))))
        .groupBy(['series', 'booking_date'])
        .execute();
      for (const row of rows) counts.set(seriesDayKey({ series: row.series, bookingDate: row.booking_date }), Number(row.n));
    }
    return counts;
  }

  async recordImport(file: ImportedFileRecord, entries: readonly ImportedEntryRecord[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('imported_statement_files')
        .values({
          content_hash: file.contentHash,
          file_name: file.fileName,
          format: file.format,
          source: file.source,
          imported_at: file.importedAt,
          statements: file.statements,
          balances: file.balances,
          entries: file.entries,
          new_entries: file.newEntries,
        })
        .onConflict((oc) => oc.column('content_hash').doNothing())
        .execute();
      for (let i = 0; i < entries.length; i += CHUNK) {
        const rows = entries.slice(i, i + CHUNK).map((e) => ({
          entry_key: e.entryKey,
          file_hash: file.contentHash,
          series: e.series,
          booking_date: e.bookingDate,
          seq: e.seq,
          currency: e.currency,
          amount: e.amount,
          imported_at: file.importedAt,
        }));
        await tx.insertInto('imported_statement_entries').values(rows).onConflict((oc) => oc.column('entry_key').doNothing()).execute();
      }
    });
  }
}
