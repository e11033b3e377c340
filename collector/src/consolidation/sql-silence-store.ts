import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../storage/state/database';
import { runStateQuery } from '../storage/state/state-db-errors';
import type { Silence } from './silences';
import { compareSilences, type SilenceStore } from './silence-store';

/** The `silences` table (migration 0003-consolidation-escalation). */
export interface SilencesTable {
  id: string;
  /** JSON array of `{ name, op, value }`. */
  matchers: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
  updated_at: number;
}

type Db = Kysely<Database & { silences: SilencesTable }>;

/** Silences in the state database; works on SQLite and PostgreSQL. */
export class SqlSilenceStore implements SilenceStore {
  private readonly db: Db;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ silences: SilencesTable }>();
  }

  async insert(silence: Silence): Promise<void> {
    await runStateQuery(`insert silence ${silence.id}`, () => this.db.insertInto('silences').values(toRow(silence)).execute());
  }

  async update(silence: Silence): Promise<boolean> {
    const { id, ...row } = toRow(silence);
    const result = await runStateQuery(`update silence ${id}`, () =>
      this.db.updateTable('silences').set(row).where('id', '=', id).executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async get(id: string): Promise<Silence | undefined> {
    const row = await runStateQuery(`read silence ${id}`, () =>
      this.db.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : fromRow(row);
  }

  async list(options: { endsAfter?: number } = {}): Promise<Silence[]> {
    const rows = await runStateQuery('list silences', () => {
      let query = this.db.selectFrom('silences').selectAll();
      if (options.endsAfter !== undefined) query = query.where('ends_at', '>', options.endsAfter);
      return query.execute();
    });
    return rows.map(fromRow).sort(compareSilences);
  }

  async deleteEndedBefore(before: number): Promise<number> {
    const result = await runStateQuery('delete ended silences', () =>
      this.db.deleteFrom('silences').where('ends_at', '<', before).executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}

function toRow(s: Silence): SilencesTable {
  return {
    id: s.id,
    matchers: JSON.stringify(s.matchers),
    starts_at: s.startsAt,
    ends_at: s.endsAt,
    created_by: s.createdBy,
    comment: s.comment,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

function fromRow(row: Selectable<SilencesTable>): Silence {
  return {
    id: row.id,
    matchers: JSON.parse(row.matchers) as Silence['matchers'],
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    createdBy: row.created_by,
    comment: row.comment,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
