import type { Kysely } from 'kysely';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { ApiTokenRow, Database } from '../storage/state/database';
import { runStateQuery } from '../storage/state/state-db-errors';
import { isScope, type Scope } from './scopes';
import { compareTokensByAge, type StoredToken, type TokenStore } from './token-store';

/** API tokens in the `api_tokens` table of the state database (SQLite or PostgreSQL). */
export class SqlTokenStore implements TokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(token: StoredToken): Promise<void> {
    await runStateQuery(`insert API token ${token.id}`, () =>
      this.db
        .insertInto('api_tokens')
        .values({
          id: token.id,
          name: token.name,
          token_hash: token.tokenHash,
          prefix: token.prefix,
          scopes: formatScopes(token.scopes),
          created_at: token.createdAt,
          last_used_at: token.lastUsedAt,
          expires_at: token.expiresAt,
          revoked_at: token.revokedAt,
        })
        .execute(),
    );
  }

  async findByPrefix(prefix: string): Promise<StoredToken | undefined> {
    const row = await runStateQuery('look up an API token', () =>
      this.db.selectFrom('api_tokens').selectAll().where('prefix', '=', prefix).executeTakeFirst(),
    );
    return row === undefined ? undefined : toStoredToken(row);
  }

  async findById(id: string): Promise<StoredToken | undefined> {
    const row = await runStateQuery(`read API token ${id}`, () =>
      this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : toStoredToken(row);
  }

  async list(): Promise<StoredToken[]> {
    const rows = await runStateQuery('list API tokens', () => this.db.selectFrom('api_tokens').selectAll().execute());
    return rows.map(toStoredToken).sort(compareTokensByAge);
  }

  async setLastUsed(id: string, at: number): Promise<void> {
    await runStateQuery(`record use of API token ${id}`, () =>
      this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute(),
    );
  }

  async setRevoked(id: string, at: number): Promise<void> {
    await runStateQuery(`revoke API token ${id}`, () =>
      this.db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute(),
    );
  }

  async setScopes(id: string, scopes: readonly Scope[]): Promise<void> {
    await runStateQuery(`change scopes of API token ${id}`, () =>
      this.db.updateTable('api_tokens').set({ scopes: formatScopes(scopes) }).where('id', '=', id).execute(),
    );
  }
}

function formatScopes(scopes: readonly Scope[]): string {
  return scopes.join(' ');
}

function toStoredToken(row: ApiTokenRow): StoredToken {
  const scopes = row.scopes.split(' ').filter((s) => s !== '');
  for (const scope of scopes) {
    if (!isScope(scope)) {
      throw new FinmonError(
        ErrorCodes.STORAGE_REJECTED,
        `api_tokens row ${row.id} holds unknown scope "${scope}"; fix or revoke the token`,
        500,
      );
    }
  }
  return {
    id: row.id,
    name: row.name,
    tokenHash: row.token_hash,
    prefix: row.prefix,
    scopes: scopes as Scope[],
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
