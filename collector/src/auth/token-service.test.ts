import { createHash } from 'node:crypto';
import { ManualClock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import { openStateDb, type StateDb } from '../storage/state/open-state-db';
import {
  createTestStateLocation,
  emptyStateTables,
  TEST_DIALECTS,
  type TestDialect,
} from '../storage/state/test-support/state-db-fixtures';
import { InMemoryTokenStore } from './in-memory-token-store';
import { SqlTokenStore } from './sql-token-store';
import { MIN_BOOTSTRAP_TOKEN_LENGTH, TokenService } from './token-service';
import type { TokenStore } from './token-store';

const T0 = Date.UTC(2025, 3, 1, 8);
const MINUTE = 60_000;

/** A store that counts the calls the service makes, to observe caching and last-use throttling. */
function counting(inner: TokenStore) {
  const calls = { findByPrefix: 0, setLastUsed: 0 };
  const store: TokenStore = {
    insert: (t) => inner.insert(t),
    findByPrefix: (p) => (calls.findByPrefix++, inner.findByPrefix(p)),
    findById: (id) => inner.findById(id),
    list: () => inner.list(),
    setLastUsed: (id, at) => (calls.setLastUsed++, inner.setLastUsed(id, at)),
    setRevoked: (id, at) => inner.setRevoked(id, at),
    setScopes: (id, s) => inner.setScopes(id, s),
  };
  return { store, calls };
}

async function failure(promise: Promise<unknown>): Promise<FinmonError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof FinmonError)) throw new Error(`expected a FinmonError, got ${String(error)}`);
  return error;
}

type Backend = TestDialect | 'memory';
const BACKENDS: readonly Backend[] = [...TEST_DIALECTS, 'memory'];

describe.each(BACKENDS)('TokenService with a %s store', (backend) => {
  const location = backend === 'memory' ? undefined : createTestStateLocation(backend);
  let state: StateDb | undefined;
  let inner: TokenStore;
  let calls: ReturnType<typeof counting>['calls'];
  let clock: ManualClock;
  let service: TokenService;

  /** Everything stored about tokens, as text, to search for secrets. */
  async function storedText(): Promise<string> {
    if (state === undefined) return JSON.stringify(await inner.list());
    return JSON.stringify(await state.db.selectFrom('api_tokens').selectAll().execute());
  }

  beforeAll(async () => {
    if (location !== undefined) state = await location.open();
  });
  afterAll(async () => location?.dispose());
  beforeEach(async () => {
    if (state !== undefined) await emptyStateTables(state);
    inner = state === undefined ? new InMemoryTokenStore() : new SqlTokenStore(state.db);
    const wrapped = counting(inner);
    calls = wrapped.calls;
    clock = new ManualClock(T0);
    service = new TokenService({ store: wrapped.store, clock });
  });

  describe('create', () => {
    it('returns an fm_<prefix>_<secret> token with 32 random bytes, once', async () => {
      const { plaintext, token } = await service.create({ name: 'ci ingest', scopes: ['ingest'] });
      const match = /^fm_([0-9a-f]{12})_([A-Za-z0-9_-]+)$/.exec(plaintext);
      expect(match?.[1]).toBe(token.prefix);
      expect(Buffer.from(match?.[2] ?? '', 'base64url')).toHaveLength(32);
      expect(token).toEqual({
        id: expect.any(String),
        name: 'ci ingest',
        prefix: token.prefix,
        scopes: ['ingest'],
        createdAt: T0,
        lastUsedAt: null,
        expiresAt: null,
        revokedAt: null,
      });
      expect(Object.keys(token)).not.toContain('plaintext');
    });

    it('stores the SHA-256 of the token and never the plaintext or its secret part', async () => {
      const { plaintext } = await service.create({ name: 'dash', scopes: ['read'] });
      const secret = plaintext.split('_').slice(2).join('_');
      const stored = await storedText();
      expect(stored).not.toContain(plaintext);
      expect(stored).not.toContain(secret);
      expect(stored).toContain(createHash('sha256').update(plaintext).digest('hex'));
    });

    it('gives every token a different plaintext and prefix', async () => {
      const a = await service.create({ name: 'a', scopes: ['read'] });
      const b = await service.create({ name: 'b', scopes: ['read'] });
      expect(a.plaintext).not.toBe(b.plaintext);
      expect(a.token.prefix).not.toBe(b.token.prefix);
    });

    it.each([
      [{ name: '  ', scopes: ['read'] }, 'token name'],
      [{ name: 'x'.repeat(101), scopes: ['read'] }, 'token name'],
      [{ name: 'n', scopes: [] }, 'at least one'],
      [{ name: 'n', scopes: ['read', 'root'] }, 'unknown scope "root"'],
      [{ name: 'n', scopes: ['read'], expiresAt: T0 }, 'expiresAt'],
      [{ name: 'n', scopes: ['read'], expiresAt: Number.NaN }, 'expiresAt'],
    ])('rejects %j with a 400 saying what is wrong', async (request, fragment) => {
      const error = await failure(service.create(request));
      expect(error).toMatchObject({ code: ErrorCodes.REQUEST_INVALID, httpStatus: 400 });
      expect(error.message).toContain(fragment);
      expect(await service.list()).toEqual([]);
    });
  });

  describe('verify', () => {
    it('accepts a valid token with the scope and says who it is', async () => {
      const { plaintext, token } = await service.create({ name: 'ingest bot', scopes: ['ingest', 'read'] });
      expect(await service.verify(plaintext, 'ingest', T0 + 1)).toEqual({
        tokenId: token.id,
        name: 'ingest bot',
        scopes: ['ingest', 'read'],
      });
    });

    it('lets admin act as ingest and read', async () => {
      const { plaintext } = await service.create({ name: 'root', scopes: ['admin'] });
      for (const scope of ['ingest', 'read', 'admin'] as const) {
        await expect(service.verify(plaintext, scope, T0)).resolves.toMatchObject({ name: 'root' });
      }
    });

    it('forbids a missing scope, naming it', async () => {
      const { plaintext } = await service.create({ name: 'reader', scopes: ['read'] });
      const error = await failure(service.verify(plaintext, 'admin', T0));
      expect(error).toMatchObject({ code: ErrorCodes.AUTH_FORBIDDEN, httpStatus: 403 });
      expect(error.message).toContain('"admin"');
      expect(error.message).not.toContain(plaintext);
    });

    it.each([
      ['an unknown token of the right shape', (p: string) => `fm_${'0'.repeat(12)}_${p.slice(16)}`],
      ['a known prefix with a wrong secret', (p: string) => `${p.slice(0, -4)}AAAA`],
      ['free text', () => 'let me in please, I am the admin'],
      ['an empty string', () => ''],
    ])('rejects %s as invalid without echoing it', async (_label, forge) => {
      const { plaintext } = await service.create({ name: 'real', scopes: ['admin'] });
      const forged = forge(plaintext);
      const error = await failure(service.verify(forged, 'read', T0));
      expect(error).toMatchObject({ code: ErrorCodes.AUTH_INVALID, httpStatus: 401 });
      if (forged !== '') expect(error.message).not.toContain(forged);
      expect(error.message).not.toContain(plaintext);
    });

    it('rejects a token from its expiry instant on', async () => {
      const { plaintext } = await service.create({ name: 'temp', scopes: ['read'], expiresAt: T0 + 10 * MINUTE });
      await expect(service.verify(plaintext, 'read', T0 + 10 * MINUTE - 1)).resolves.toMatchObject({ name: 'temp' });
      const error = await failure(service.verify(plaintext, 'read', T0 + 10 * MINUTE));
      expect(error).toMatchObject({ code: ErrorCodes.AUTH_INVALID });
      expect(error.message).toContain('expired at 2025-04-01T08:10:00.000Z');
    });

    it('compares hashes with crypto.timingSafeEqual', async () => {
      const { plaintext } = await service.create({ name: 't', scopes: ['read'] });
      // The module object itself (an `import * as` namespace would be a copy under the swc interop).
      const cryptoModule = jest.requireActual<typeof import('node:crypto')>('node:crypto');
      const spy = jest.spyOn(cryptoModule, 'timingSafeEqual');
      try {
        await service.verify(plaintext, 'read', T0);
        expect(spy).toHaveBeenCalledTimes(1);
        await failure(service.verify(`${plaintext.slice(0, -1)}x`, 'read', T0));
        expect(spy).toHaveBeenCalledTimes(2);
      } finally {
        spy.mockRestore();
      }
    });

    it('asks the store once per cache period, not once per request', async () => {
      const { plaintext } = await service.create({ name: 't', scopes: ['ingest'] });
      for (let i = 0; i < 5; i++) await service.verify(plaintext, 'ingest', T0 + i * 1000);
      expect(calls.findByPrefix).toBe(1);
      await service.verify(plaintext, 'ingest', T0 + 30_000);
      expect(calls.findByPrefix).toBe(2);
    });

    it('writes last use at most once a minute per token', async () => {
      const { plaintext, token } = await service.create({ name: 't', scopes: ['read'] });
      const other = await service.create({ name: 'u', scopes: ['read'] });
      await service.verify(plaintext, 'read', T0 + 1000);
      await service.verify(plaintext, 'read', T0 + 2000);
      await service.verify(plaintext, 'read', T0 + 1000 + MINUTE - 1);
      await service.verify(other.plaintext, 'read', T0 + 3000);
      expect(calls.setLastUsed).toBe(2);
      expect((await inner.findById(token.id))?.lastUsedAt).toBe(T0 + 1000);
      await service.verify(plaintext, 'read', T0 + 1000 + MINUTE);
      expect(calls.setLastUsed).toBe(3);
      expect((await service.list()).find((t) => t.id === token.id)?.lastUsedAt).toBe(T0 + 1000 + MINUTE);
    });

    it('records use even when the scope is missing (the token did authenticate)', async () => {
      const { plaintext, token } = await service.create({ name: 't', scopes: ['read'] });
      await failure(service.verify(plaintext, 'ingest', T0 + 5));
      expect((await inner.findById(token.id))?.lastUsedAt).toBe(T0 + 5);
    });

    it('uses the service clock when no instant is passed', async () => {
      const { plaintext } = await service.create({ name: 't', scopes: ['read'], expiresAt: T0 + MINUTE });
      clock.advance(MINUTE);
      expect((await failure(service.verify(plaintext, 'read'))).code).toBe(ErrorCodes.AUTH_INVALID);
    });
  });

  describe('revoke', () => {
    it('takes effect at once although the token was cached', async () => {
      const { plaintext, token } = await service.create({ name: 't', scopes: ['read'] });
      await service.verify(plaintext, 'read', T0);
      clock.advance(5000);
      const revoked = await service.revoke(token.id);
      expect(revoked.revokedAt).toBe(T0 + 5000);
      const error = await failure(service.verify(plaintext, 'read', T0 + 5001));
      expect(error).toMatchObject({ code: ErrorCodes.AUTH_INVALID });
      expect(error.message).toContain('revoked');
    });

    it('reaches another service sharing the store once its cache period ends', async () => {
      const { plaintext, token } = await service.create({ name: 't', scopes: ['read'] });
      const elsewhere = new TokenService({ store: inner, clock, cacheTtlMs: 10_000 });
      await elsewhere.verify(plaintext, 'read', T0);
      await service.revoke(token.id);
      await expect(elsewhere.verify(plaintext, 'read', T0 + 9_999)).resolves.toMatchObject({ tokenId: token.id });
      await expect(elsewhere.verify(plaintext, 'read', T0 + 10_000)).rejects.toMatchObject({
        code: ErrorCodes.AUTH_INVALID,
      });
    });

    it('is harmless twice and keeps the first time', async () => {
      const { token } = await service.create({ name: 't', scopes: ['read'] });
      await service.revoke(token.id);
      clock.advance(MINUTE);
      expect((await service.revoke(token.id)).revokedAt).toBe(T0);
    });

    it('answers NOT_FOUND for an unknown id', async () => {
      const error = await failure(service.revoke('nope'));
      expect(error).toMatchObject({ code: ErrorCodes.NOT_FOUND, httpStatus: 404 });
      expect(error.message).toContain('"nope"');
    });
  });

  describe('list', () => {
    it('shows every token oldest first, never a hash or a plaintext', async () => {
      const a = await service.create({ name: 'a', scopes: ['read'] });
      clock.advance(1000);
      const b = await service.create({ name: 'b', scopes: ['admin'], expiresAt: T0 + 86_400_000 });
      await service.revoke(a.token.id);
      const listed = await service.list();
      expect(listed.map((t) => [t.name, t.revokedAt])).toEqual([
        ['a', T0 + 1000],
        ['b', null],
      ]);
      const text = JSON.stringify(listed);
      for (const created of [a, b]) {
        expect(text).not.toContain(created.plaintext);
        expect(text).not.toContain(createHash('sha256').update(created.plaintext).digest('hex'));
      }
      for (const item of listed) expect(Object.keys(item)).not.toContain('tokenHash');
    });
  });

  describe('ensureBootstrapToken', () => {
    const envToken = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5'; // operator's own text, not fm_ shaped

    it('creates the token with admin scope, then leaves it alone', async () => {
      const first = await service.ensureBootstrapToken(envToken, 'bootstrap admin');
      expect(first.status).toBe('created');
      const second = await service.ensureBootstrapToken(envToken, 'bootstrap admin');
      expect(second).toEqual({ status: 'unchanged', tokenId: first.tokenId });
      expect(await service.list()).toHaveLength(1);
      await expect(service.verify(envToken, 'admin', T0)).resolves.toMatchObject({ tokenId: first.tokenId });
      expect(await storedText()).not.toContain(envToken);
    });

    it('accepts a token in finmon format as well', async () => {
      const shaped = `fm_0123456789ab_${'A'.repeat(43)}`;
      const outcome = await service.ensureBootstrapToken(shaped, 'bootstrap admin');
      expect((await service.list())[0]?.prefix).toBe('0123456789ab');
      await expect(service.verify(shaped, 'ingest', T0)).resolves.toMatchObject({ tokenId: outcome.tokenId });
    });

    it('gives admin back to an existing token that lost it', async () => {
      const { tokenId } = await service.ensureBootstrapToken(envToken, 'bootstrap admin');
      await inner.setScopes(tokenId, ['read']);
      expect(await service.ensureBootstrapToken(envToken, 'bootstrap admin')).toEqual({
        status: 'scopes-upgraded',
        tokenId,
      });
      expect((await service.list())[0]?.scopes).toEqual(['read', 'admin']);
    });

    it('keeps a revoked bootstrap token revoked and says so', async () => {
      const { tokenId } = await service.ensureBootstrapToken(envToken, 'bootstrap admin');
      await service.revoke(tokenId);
      expect(await service.ensureBootstrapToken(envToken, 'bootstrap admin')).toEqual({ status: 'revoked', tokenId });
      await expect(service.verify(envToken, 'admin', T0)).rejects.toMatchObject({ code: ErrorCodes.AUTH_INVALID });
    });

    it('survives two servers starting at once', async () => {
      const other = new TokenService({ store: inner, clock });
      const outcomes = await Promise.all([
        service.ensureBootstrapToken(envToken, 'bootstrap admin'),
        other.ensureBootstrapToken(envToken, 'bootstrap admin'),
      ]);
      expect(new Set(outcomes.map((o) => o.tokenId)).size).toBe(1);
      expect(await service.list()).toHaveLength(1);
    });

    it('refuses a short token without repeating it', async () => {
      const short = 'x'.repeat(MIN_BOOTSTRAP_TOKEN_LENGTH - 1);
      const error = await failure(service.ensureBootstrapToken(short, 'bootstrap admin'));
      expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
      expect(error.message).toContain('FINMON_ADMIN_TOKEN');
      expect(error.message).not.toContain(short);
    });
  });
});

describe('TokenService on a SQLite file', () => {
  it('still verifies a token after the file is closed and reopened', async () => {
    const location = createTestStateLocation('sqlite');
    try {
      const clock = new ManualClock(T0);
      const first = await location.open();
      const { plaintext, token } = await new TokenService({ store: new SqlTokenStore(first.db), clock }).create({
        name: 'kept',
        scopes: ['ingest'],
        expiresAt: T0 + 3_600_000,
      });
      await first.close();

      const reopened = await openStateDb(location.options);
      try {
        const service = new TokenService({ store: new SqlTokenStore(reopened.db), clock });
        await expect(service.verify(plaintext, 'ingest', T0 + MINUTE)).resolves.toMatchObject({ tokenId: token.id });
        await expect(service.verify(plaintext, 'ingest', T0 + 3_600_000)).rejects.toMatchObject({
          code: ErrorCodes.AUTH_INVALID,
        });
      } finally {
        await reopened.close();
      }
    } finally {
      await location.dispose();
    }
  });
});

describe('TokenService when recording use fails', () => {
  it('still authenticates and logs a warning', async () => {
    const inner = new InMemoryTokenStore();
    const warnings: unknown[] = [];
    const logger = { warn: (obj: unknown) => warnings.push(obj) } as unknown as import('../core/logger').Logger;
    const store: TokenStore = Object.assign(Object.create(inner) as TokenStore, {
      setLastUsed: async () => {
        throw new FinmonError(ErrorCodes.STORAGE_UNAVAILABLE, 'down', 503, true);
      },
    });
    const service = new TokenService({ store, clock: new ManualClock(T0), logger });
    const { plaintext } = await service.create({ name: 't', scopes: ['read'] });
    await expect(service.verify(plaintext, 'read', T0)).resolves.toMatchObject({ name: 't' });
    expect(warnings).toHaveLength(1);
  });
});
