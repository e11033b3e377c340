/**
 * What the bank statement source remembers between runs (SQL tables of migration 0006): the files
 * imported, by content hash, and the entries imported, by entry key, with their number in their
 * cash-flow series and day.
 */

export interface ImportedFileRecord {
  readonly contentHash: string;
  readonly fileName: string;
  readonly format: string;
  /** The source (drop folder) that imported it. */
  readonly source: string;
  readonly importedAt: number;
  readonly statements: number;
  readonly balances: number;
  readonly entries: number;
  readonly newEntries: number;
}

export interface ImportedEntryRecord {
  readonly entryKey: string;
  readonly series: string;
  /** YYYY-MM-DD. */
  readonly bookingDate: string;
  readonly seq: number;
  readonly currency: string;
  readonly amount: number;
}

/** A cash-flow series on one booking day. */
export interface SeriesDay {
  readonly series: string;
  readonly bookingDate: string;
}

export interface ImportedStatementStore {
  /** The record of an imported file with this content hash, if any. */
  findFile(contentHash: string): Promise<ImportedFileRecord | undefined>;
  /** The subset of `keys` already imported. */
  existingEntryKeys(keys: readonly string[]): Promise<Set<string>>;
  /** Entries imported per series and day, keyed by {@link seriesDayKey}; days without entries are absent. */
  entryCounts(days: readonly SeriesDay[]): Promise<Map<string, number>>;
  /**
   * Records a file and its new entries in one transaction. A file or entry already recorded is
   * left as it is (a concurrent import of the same data adds nothing).
   */
  recordImport(file: ImportedFileRecord, entries: readonly ImportedEntryRecord[]): Promise<void>;
}

export function seriesDayKey(day: SeriesDay): string {
  return `${day.series}\u001f${day.bookingDate}`;
}

/** The in-memory fake, for tests and the benchmark. */
export class InMemoryImportedStatementStore implements ImportedStatementStore {
  readonly files = new Map<string, ImportedFileRecord>();
  readonly entries = new Map<string, ImportedEntryRecord & { fileHash: string }>();

  async findFile(contentHash: string): Promise<ImportedFileRecord | undefined> {
    return this.files.get(contentHash);
  }

  async existingEntryKeys(keys: readonly string[]): Promise<Set<string>> {
    return new Set(keys.filter((k) => this.entries.has(k)));
  }

  async entryCounts(days: readonly SeriesDay[]): Promise<Map<string, number>> {
    const wanted = new Set(days.map(seriesDayKey));
    const counts = new Map<string, number>();
    for (const entry of this.entries.values()) {
      const key = seriesDayKey(entry);
      if (wanted.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  async recordImport(file: ImportedFileRecord, entries: readonly ImportedEntryRecord[]): Promise<void> {
    if (!this.files.has(file.contentHash)) this.files.set(file.contentHash, file);
    for (const entry of entries) {
      if (!this.entries.has(entry.entryKey)) this.entries.set(entry.entryKey, { ...entry, fileHash: file.contentHash });
    }
  }
}
