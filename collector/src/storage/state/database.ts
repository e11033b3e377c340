import type { Insertable, Selectable } from 'kysely';

/**
 * The typed shape of the state database, as kysely sees it. One interface per table; a migration
 * that adds or changes a table updates this file in the same change.
 *
 * Portable column conventions (SQLite and PostgreSQL alike):
 * - instants are epoch milliseconds in `bigint` columns; both adapters hand them back as JS numbers
 *   (the PostgreSQL pool parses int8 as Number), so only store values within Number.MAX_SAFE_INTEGER;
 * - identifiers, hashes and lists are `text`; structured values are JSON in `text`;
 * - no booleans (SQLite has none): use a nullable instant (`revoked_at`) or an integer 0/1.
 */
export interface Database {
  api_tokens: ApiTokensTable;
  kv_state: KvStateTable;
}

/** An API token. The plaintext is never stored: only its SHA-256 hash and a display prefix. */
export interface ApiTokensTable {
  id: string;
  name: string;
  /** Lower-case hex SHA-256 of the plaintext token. */
  token_hash: string;
  /** The short public part of the token, used to look it up and to show it in lists. Unique. */
  prefix: string;
  /** Space-separated scopes, e.g. `ingest read`. */
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

/** A small durable value, addressed by namespace and key. */
export interface KvStateTable {
  namespace: string;
  key: string;
  /** JSON text. */
  value: string;
  updated_at: number;
}

export type ApiTokenRow = Selectable<ApiTokensTable>;
export type NewApiTokenRow = Insertable<ApiTokensTable>;
export type KvStateRow = Selectable<KvStateTable>;
