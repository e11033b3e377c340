import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock';
import type { Database, KvStateRow } from './database';
import { runStateQuery } from './state-db-errors';
import { compareKeys, encodeKvValue, type KvEntry, type KvStateStore } from './kv-state-store';

/** The `kv_state` table through kysely; works on SQLite and PostgreSQL. */
export class SqlKvStateStore implements KvStateStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async get(namespace: string, key: string): Promise<KvEntry | undefined> {
    const row = await runStateQuery(`read kv_state ${namespace}/${key}`, () =>
      this.db
        .selectFrom('kv_state')
        .selectAll()
        .where('namespace', '=', namespace)
        .where('key', '=', key)
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : toEntry(row);
  }

  async set(namespace: string, key: string, value: unknown): Promise<void> {
    const text = encodeKvValue(namespace, key, value);
    const updatedAt = this.clock.now();
    await runStateQuery(`write kv_state ${namespace}/${key}`, () =>
      this.db
        .insertInto('kv_state')
        .values({ namespace, key, value: text, updated_at: updatedAt })
        .onConflict((oc) => oc.columns(['namespace', 'key']).doUpdateSet({ value: text, updated_at: updatedAt }))
        .execute(),
    );
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const result = await runStateQuery(`delete kv_state ${namespace}/${key}`, () =>
      this.db.deleteFrom('kv_state').where('namespace', '=', namespace).where('key', '=', key).executeTakeFirst(),
    );
    return result.numDeletedRows > 0n;
  }

  async list(namespace: string): Promise<KvEntry[]> {
    const rows = await runStateQuery(`list kv_state ${namespace}`, () =>
      this.db.selectFrom('kv_state').selectAll().where('namespace', '=', namespace).execute(),
    );
    // Sorted here, not by ORDER BY: PostgreSQL's collation depends on the server's locale.
    return rows.sort((a, b) => compareKeys(a.key, b.key)).map(toEntry);
  }
}

function toEntry(row: KvStateRow): KvEntry {
  return { namespace: row.namespace, key: row.key, value: JSON.parse(row.value), updatedAt: row.updated_at };
}
