import { ErrorCodes } from '../../core/errors';
import type { StoredToken, TokenStore } from '../token-store';

/** Builds a fresh, empty store; `dispose` releases it. */
export type TokenStoreFactory = () => Promise<{ store: TokenStore; dispose(): Promise<void> }>;

const T0 = Date.UTC(2025, 2, 1, 12);

/** A stored token with distinct id, prefix and hash derived from `n`. */
export function sampleToken(n: number, overrides: Partial<StoredToken> = {}): StoredToken {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `token ${n}`,
    tokenHash: n.toString(16).padStart(64, 'a'),
    prefix: n.toString(16).padStart(12, '0'),
    scopes: ['ingest', 'read'],
    createdAt: T0 + n,
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/** The behaviour every `TokenStore` shares; call inside a describe block. */
export function tokenStoreContract(factory: TokenStoreFactory): void {
  let store: TokenStore;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ store, dispose } = await factory());
  });
  afterEach(async () => dispose());

  it('finds an inserted token by prefix and by id, all fields intact', async () => {
    const token = sampleToken(1, { scopes: ['admin'], expiresAt: T0 + 86_400_000, lastUsedAt: T0 + 5 });
    await store.insert(token);
    expect(await store.findByPrefix(token.prefix)).toEqual(token);
    expect(await store.findById(token.id)).toEqual(token);
  });

  it('answers undefined for an unknown prefix or id', async () => {
    await store.insert(sampleToken(1));
    expect(await store.findByPrefix('ffffffffffff')).toBeUndefined();
    expect(await store.findById('no-such-id')).toBeUndefined();
  });

  it('refuses a second token with the same prefix or hash', async () => {
    await store.insert(sampleToken(1));
    await expect(store.insert(sampleToken(2, { prefix: sampleToken(1).prefix }))).rejects.toMatchObject({
      code: ErrorCodes.STORAGE_REJECTED,
    });
    await expect(store.insert(sampleToken(3, { tokenHash: sampleToken(1).tokenHash }))).rejects.toMatchObject({
      code: ErrorCodes.STORAGE_REJECTED,
    });
    expect(await store.list()).toHaveLength(1);
  });

  it('lists every token oldest first', async () => {
    await store.insert(sampleToken(3));
    await store.insert(sampleToken(1, { revokedAt: T0 + 10 }));
    await store.insert(sampleToken(2));
    expect((await store.list()).map((t) => t.name)).toEqual(['token 1', 'token 2', 'token 3']);
  });

  it('records last use', async () => {
    await store.insert(sampleToken(1));
    await store.setLastUsed(sampleToken(1).id, T0 + 60_000);
    expect((await store.findById(sampleToken(1).id))?.lastUsedAt).toBe(T0 + 60_000);
  });

  it('keeps the first revocation time', async () => {
    await store.insert(sampleToken(1));
    await store.setRevoked(sampleToken(1).id, T0 + 100);
    await store.setRevoked(sampleToken(1).id, T0 + 200);
    expect((await store.findById(sampleToken(1).id))?.revokedAt).toBe(T0 + 100);
  });

  it('replaces scopes', async () => {
    await store.insert(sampleToken(1, { scopes: ['ingest'] }));
    await store.setScopes(sampleToken(1).id, ['ingest', 'admin']);
    expect((await store.findById(sampleToken(1).id))?.scopes).toEqual(['ingest', 'admin']);
  });

  it('hands out copies that do not alias its contents', async () => {
    await store.insert(sampleToken(1));
    const read = await store.findById(sampleToken(1).id);
    (read?.scopes as string[]).push('admin');
    expect((await store.findById(sampleToken(1).id))?.scopes).toEqual(['ingest', 'read']);
  });
}
