import type { Silence } from './silences';

/**
 * Where silences live. The SQL store (`SqlSilenceStore`) keeps them in the state database; the
 * in-memory one serves tests. Both hand out copies.
 */
export interface SilenceStore {
  /** Inserts a new silence. @throws FinmonError STORAGE_REJECTED when the id exists. */
  insert(silence: Silence): Promise<void>;
  /** Replaces a stored silence (expiry). Returns whether it was there. */
  update(silence: Silence): Promise<boolean>;
  get(id: string): Promise<Silence | undefined>;
  /** Every silence ending after `endsAfter` (all when omitted), newest first. */
  list(options?: { endsAfter?: number }): Promise<Silence[]>;
  /** Forgets silences that ended before `before`; returns how many. */
  deleteEndedBefore(before: number): Promise<number>;
}

/** Newest first: by creation, then id (the same order on every store). */
export function compareSilences(a: Silence, b: Silence): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
