import type { Scope } from './scopes';

/** A token as stored: everything but the plaintext, which is never kept. */
export interface StoredToken {
  readonly id: string;
  readonly name: string;
  /** Hex SHA-256 of the plaintext. */
  readonly tokenHash: string;
  /** The public lookup prefix (see `lookupPrefixOf`). Unique. */
  readonly prefix: string;
  readonly scopes: readonly Scope[];
  /** Epoch ms. */
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

/** Persistence of API tokens; `TokenService` holds the rules. */
export interface TokenStore {
  insert(token: StoredToken): Promise<void>;
  findByPrefix(prefix: string): Promise<StoredToken | undefined>;
  findById(id: string): Promise<StoredToken | undefined>;
  /** Every token, revoked and expired ones included, oldest first. */
  list(): Promise<StoredToken[]>;
  setLastUsed(id: string, at: number): Promise<void>;
  /** Marks the token revoked at `at` unless it already is (the first revocation time stays). */
  setRevoked(id: string, at: number): Promise<void>;
  setScopes(id: string, scopes: readonly Scope[]): Promise<void>;
}

/** Orders tokens oldest first, ties by id: the order every store's `list` returns. */
export function compareTokensByAge(a: StoredToken, b: StoredToken): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
