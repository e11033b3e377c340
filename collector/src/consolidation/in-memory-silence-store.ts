import { ErrorCodes, FinmonError } from '../core/errors';
import type { Silence } from './silences';
import { compareSilences, type SilenceStore } from './silence-store';

/** A `SilenceStore` in a Map, for tests; values go through JSON like the SQL store's. */
export class InMemorySilenceStore implements SilenceStore {
  private readonly rows = new Map<string, string>();

  async insert(silence: Silence): Promise<void> {
    if (this.rows.has(silence.id)) {
      throw new FinmonError(ErrorCodes.STORAGE_REJECTED, `state database refused to insert silence ${silence.id}: the id exists`, 500);
    }
    this.rows.set(silence.id, JSON.stringify(silence));
  }

  async update(silence: Silence): Promise<boolean> {
    if (!this.rows.has(silence.id)) return false;
    this.rows.set(silence.id, JSON.stringify(silence));
    return true;
  }

  async get(id: string): Promise<Silence | undefined> {
    const text = this.rows.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as Silence);
  }

  async list(options: { endsAfter?: number } = {}): Promise<Silence[]> {
    const all = [...this.rows.values()].map((t) => JSON.parse(t) as Silence);
    const endsAfter = options.endsAfter;
    return all.filter((s) => endsAfter === undefined || s.endsAt > endsAfter).sort(compareSilences);
  }

  async deleteEndedBefore(before: number): Promise<number> {
    let n = 0;
    for (const [id, text] of this.rows) {
      if ((JSON.parse(text) as Silence).endsAt < before) {
        this.rows.delete(id);
        n++;
      }
    }
    return n;
  }
}
