import { ErrorCodes, FinmonError } from '../../core/errors';

/** One stored value. `value` is parsed JSON: callers validate it (e.g. with zod) before use. */
export interface KvEntry {
  readonly namespace: string;
  readonly key: string;
  readonly value: unknown;
  /** Epoch ms of the last write. */
  readonly updatedAt: number;
}

/**
 * A durable key/value store for small pieces of state (demo incidents, last applied config
 * version, …), grouped by namespace. Not for bulk data: every value is one JSON text.
 */
export interface KvStateStore {
  get(namespace: string, key: string): Promise<KvEntry | undefined>;
  /** Inserts or replaces the value; `updatedAt` comes from the store's clock. */
  set(namespace: string, key: string, value: unknown): Promise<void>;
  /** Returns whether a value was there. */
  delete(namespace: string, key: string): Promise<boolean>;
  /** Every entry of the namespace, ordered by key (`compareKeys`). */
  list(namespace: string): Promise<KvEntry[]>;
}

/**
 * Serialises a value for the store.
 * @throws FinmonError STORAGE_REJECTED when the value has no JSON form (undefined, a function,
 *   a symbol) or cannot be serialised (a cycle, a bigint).
 */
export function encodeKvValue(namespace: string, key: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new FinmonError(
      ErrorCodes.STORAGE_REJECTED,
      `kv_state ${namespace}/${key}: value cannot be serialised as JSON: ${(error as Error).message}`,
      500,
      false,
      { cause: error },
    );
  }
  if (text === undefined) {
    throw new FinmonError(
      ErrorCodes.STORAGE_REJECTED,
      `kv_state ${namespace}/${key}: value of type ${typeof value} has no JSON form`,
      500,
    );
  }
  return text;
}

/** The order `list` returns keys in: by UTF-16 code unit, the same on every store and server locale. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
