import { ErrorCodes, FinmonError } from '../core/errors';
import type { Scope } from './scopes';
import { compareTokensByAge, type StoredToken, type TokenStore } from './token-store';

/** A `TokenStore` in a Map, for tests and for running without a state database. */
export class InMemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, StoredToken>();

  async insert(token: StoredToken): Promise<void> {
    for (const existing of this.tokens.values()) {
      if (existing.id === token.id || existing.prefix === token.prefix || existing.tokenHash === token.tokenHash) {
        throw new FinmonError(
          ErrorCodes.STORAGE_REJECTED,
          `state database refused to insert API token ${token.id}: id, prefix or hash already stored`,
          500,
        );
      }
    }
    this.tokens.set(token.id, { ...token, scopes: [...token.scopes] });
  }

  async findByPrefix(prefix: string): Promise<StoredToken | undefined> {
    for (const token of this.tokens.values()) {
      if (token.prefix === prefix) return copy(token);
    }
    return undefined;
  }

  async findById(id: string): Promise<StoredToken | undefined> {
    const token = this.tokens.get(id);
    return token === undefined ? undefined : copy(token);
  }

  async list(): Promise<StoredToken[]> {
    return [...this.tokens.values()].map(copy).sort(compareTokensByAge);
  }

  async setLastUsed(id: string, at: number): Promise<void> {
    this.update(id, (t) => ({ ...t, lastUsedAt: at }));
  }

  async setRevoked(id: string, at: number): Promise<void> {
    this.update(id, (t) => (t.revokedAt === null ? { ...t, revokedAt: at } : t));
  }

  async setScopes(id: string, scopes: readonly Scope[]): Promise<void> {
    this.update(id, (t) => ({ ...t, scopes: [...scopes] }));
  }

  private update(id: string, change: (token: StoredToken) => StoredToken): void {
    const token = this.tokens.get(id);
    if (token !== undefined) this.tokens.set(id, change(token));
  }
}

function copy(token: StoredToken): StoredToken {
  return { ...token, scopes: [...token.scopes] };
}
