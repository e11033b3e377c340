import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Logger } from '../core/logger';
import { grantsScope, normalizeScopes, type Scope } from './scopes';
import { generateToken, hashesMatch, hashToken, lookupPrefixOf } from './token-secret';
import type { StoredToken, TokenStore } from './token-store';

/** What callers may see of a token: never its hash, never its plaintext. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  /** The public lookup prefix; a generated token starts `fm_<prefix>_`. */
  readonly prefix: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

/** A newly created token. `plaintext` is shown to the caller this once and stored nowhere. */
export interface CreatedToken {
  readonly plaintext: string;
  readonly token: TokenInfo;
}

/** The identity a verified token grants. */
export interface VerifiedToken {
  readonly tokenId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
}

/**
 * What `ensureBootstrapToken` found or did: `created`; `unchanged` (already there with admin);
 * `scopes-upgraded` (existed without admin, now has it); `revoked` (exists but was revoked and
 * stays revoked — the server should warn that FINMON_ADMIN_TOKEN needs a new value).
 */
export interface BootstrapOutcome {
  readonly status: 'created' | 'unchanged' | 'scopes-upgraded' | 'revoked';
  readonly tokenId: string;
}

export interface TokenServiceOptions {
  readonly store: TokenStore;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** How long a verified token is trusted without asking the store again (default 30 s). */
  readonly cacheTtlMs?: number;
  /** The least time between two writes of a token's last_used_at (default 60 s). */
  readonly lastUsedIntervalMs?: number;
  /** Random bytes for new tokens (default the CSPRNG); tests may pass a seeded source. */
  readonly randomBytes?: (size: number) => Buffer;
}

/** The shortest plaintext accepted as a bootstrap token: 32 characters of randomness. */
export const MIN_BOOTSTRAP_TOKEN_LENGTH = 32;
const MAX_NAME_LENGTH = 100;

interface CacheEntry {
  token: StoredToken;
  checkedAt: number;
}

/**
 * Creates, verifies, lists and revokes API tokens.
 *
 * Verification finds the row by the token's public prefix and compares SHA-256 hashes in constant
 * time (see `token-secret.ts` for why a fast hash is right for random tokens). Verified tokens are
 * cached by hash for `cacheTtlMs`, so the hot ingest path costs one hash and a map lookup; a
 * revocation through this service takes effect at once, one made by another collector process
 * sharing the database within `cacheTtlMs`. `last_used_at` is written at most once per
 * `lastUsedIntervalMs` per token.
 */
export class TokenService {
  private readonly store: TokenStore;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly cacheTtlMs: number;
  private readonly lastUsedIntervalMs: number;
  private readonly random: (size: number) => Buffer;
  /** Verified tokens by hash of their plaintext. Only tokens that exist are cached. */
  private readonly cache = new Map<string, CacheEntry>();

  constructor(options: TokenServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.cacheTtlMs = options.cacheTtlMs ?? 30_000;
    this.lastUsedIntervalMs = options.lastUsedIntervalMs ?? 60_000;
    this.random = options.randomBytes ?? randomBytes;
  }

  /**
   * Creates a token and returns its plaintext once; only the hash is stored.
   * @throws FinmonError REQUEST_INVALID (400) for an empty or overlong name, bad scopes or an
   *   expiry not in the future.
   */
  async create(request: { name: string; scopes: readonly string[]; expiresAt?: number | null }): Promise<CreatedToken> {
    const now = this.clock.now();
    const name = validName(request.name);
    const scopes = normalizeScopes(request.scopes);
    const expiresAt = request.expiresAt ?? null;
    if (expiresAt !== null && !(Number.isSafeInteger(expiresAt) && expiresAt > now)) {
      throw new FinmonError(
        ErrorCodes.REQUEST_INVALID,
        `token "${name}": expiresAt must be an epoch-ms instant in the future, got ${String(expiresAt)}`,
        400,
      );
    }
    const generated = generateToken(this.random);
    const stored: StoredToken = {
      id: randomUUID(),
      name,
      tokenHash: generated.hash,
      prefix: generated.prefix,
      scopes,
      createdAt: now,
      lastUsedAt: null,
      expiresAt,
      revokedAt: null,
    };
    await this.store.insert(stored);
    return { plaintext: generated.plaintext, token: toInfo(stored) };
  }

  /**
   * Checks a presented token and that it grants `requiredScope` at `now`.
   * @throws FinmonError AUTH_INVALID (401) when the token is unknown, revoked or expired — the
   *   message never contains the token; AUTH_FORBIDDEN (403) when it lacks the scope, naming it.
   *   Store failures surface as STORAGE_UNAVAILABLE.
   */
  async verify(plaintext: string, requiredScope: Scope, now: number = this.clock.now()): Promise<VerifiedToken> {
    const hash = hashToken(plaintext);
    const token = await this.findVerified(plaintext, hash, now);
    if (token === undefined) {
      throw new FinmonError(ErrorCodes.AUTH_INVALID, 'API token not recognised', 401);
    }
    if (token.revokedAt !== null) {
      throw new FinmonError(ErrorCodes.AUTH_INVALID, `API token "${token.name}" has been revoked`, 401);
    }
    if (token.expiresAt !== null && now >= token.expiresAt) {
      throw new FinmonError(
        ErrorCodes.AUTH_INVALID,
        `API token "${token.name}" expired at ${new Date(token.expiresAt).toISOString()}`,
        401,
      );
    }
    await this.recordUse(hash, token, now);
    if (!grantsScope(token.scopes, requiredScope)) {
      throw new FinmonError(
        ErrorCodes.AUTH_FORBIDDEN,
        `API token "${token.name}" lacks scope "${requiredScope}" (it has: ${token.scopes.join(', ')})`,
        403,
      );
    }
    return { tokenId: token.id, name: token.name, scopes: token.scopes };
  }

  /** Every token, revoked and expired ones included, oldest first; no hashes, no plaintexts. */
  async list(): Promise<TokenInfo[]> {
    return (await this.store.list()).map(toInfo);
  }

  /**
   * Revokes a token now (again is harmless: the first revocation time stays) and drops it from
   * the verification cache.
   * @throws FinmonError NOT_FOUND (404) for an unknown id.
   */
  async revoke(id: string): Promise<TokenInfo> {
    const existing = await this.store.findById(id);
    if (existing === undefined) {
      throw new FinmonError(ErrorCodes.NOT_FOUND, `no API token with id "${id}"`, 404);
    }
    this.forget(id);
    await this.store.setRevoked(id, this.clock.now());
    const revoked = await this.store.findById(id);
    return toInfo(revoked ?? existing);
  }

  /**
   * Makes sure `plaintext` (the operator's FINMON_ADMIN_TOKEN) exists as an admin token. Idempotent:
   * an existing token keeps its id and name and gains `admin` if it lacked it; a revoked one stays
   * revoked and is reported so the server can warn. Concurrent starts are safe.
   * @throws FinmonError CONFIG_INVALID when the plaintext is shorter than
   *   MIN_BOOTSTRAP_TOKEN_LENGTH (the message gives the length, never the text).
   */
  async ensureBootstrapToken(plaintext: string, name: string): Promise<BootstrapOutcome> {
    if (plaintext.length < MIN_BOOTSTRAP_TOKEN_LENGTH) {
      throw new FinmonError(
        ErrorCodes.CONFIG_INVALID,
        `FINMON_ADMIN_TOKEN: must be at least ${MIN_BOOTSTRAP_TOKEN_LENGTH} characters of random text ` +
          `(got ${plaintext.length}); generate one with: openssl rand -base64 32`,
        500,
      );
    }
    const hash = hashToken(plaintext);
    const prefix = lookupPrefixOf(plaintext);
    const existing = await this.findStored(prefix, hash);
    if (existing !== undefined) return this.upgradeBootstrap(existing);
    const stored: StoredToken = {
      id: randomUUID(),
      name: validName(name),
      tokenHash: hash,
      prefix,
      scopes: ['admin'],
      createdAt: this.clock.now(),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    };
    try {
      await this.store.insert(stored);
    } catch (error) {
      // Another process may have inserted the same token between our look-up and insert.
      const raced = await this.findStored(prefix, hash);
      if (raced === undefined) throw error;
      return this.upgradeBootstrap(raced);
    }
    return { status: 'created', tokenId: stored.id };
  }

  private async upgradeBootstrap(token: StoredToken): Promise<BootstrapOutcome> {
    if (token.revokedAt !== null) return { status: 'revoked', tokenId: token.id };
    if (token.scopes.includes('admin')) return { status: 'unchanged', tokenId: token.id };
    await this.store.setScopes(token.id, normalizeScopes([...token.scopes, 'admin']));
    this.forget(token.id);
    return { status: 'scopes-upgraded', tokenId: token.id };
  }

  /** The token whose hash is `hash`, from the cache while fresh, else from the store. */
  private async findVerified(plaintext: string, hash: string, now: number): Promise<StoredToken | undefined> {
    const cached = this.cache.get(hash);
    if (cached !== undefined && now - cached.checkedAt < this.cacheTtlMs && now >= cached.checkedAt) {
      return cached.token;
    }
    this.cache.delete(hash);
    const token = await this.findStored(lookupPrefixOf(plaintext), hash);
    if (token !== undefined && token.revokedAt === null) this.cache.set(hash, { token, checkedAt: now });
    return token;
  }

  private async findStored(prefix: string, hash: string): Promise<StoredToken | undefined> {
    const candidate = await this.store.findByPrefix(prefix);
    return candidate !== undefined && hashesMatch(candidate.tokenHash, hash) ? candidate : undefined;
  }

  private async recordUse(hash: string, token: StoredToken, now: number): Promise<void> {
    if (token.lastUsedAt !== null && now - token.lastUsedAt < this.lastUsedIntervalMs && now >= token.lastUsedAt) return;
    const used: StoredToken = { ...token, lastUsedAt: now };
    const cached = this.cache.get(hash);
    if (cached !== undefined) cached.token = used;
    try {
      await this.store.setLastUsed(token.id, now);
    } catch (error) {
      // Bookkeeping must not lock users out; the next use after the interval tries again.
      this.logger?.warn({ err: error, tokenId: token.id }, 'could not record API token use');
    }
  }

  private forget(id: string): void {
    for (const [hash, entry] of this.cache) {
      if (entry.token.id === id) this.cache.delete(hash);
    }
  }
}

function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    throw new FinmonError(
      ErrorCodes.REQUEST_INVALID,
      `token name must be 1 to ${MAX_NAME_LENGTH} characters, got ${trimmed.length}`,
      400,
    );
  }
  return trimmed;
}

function toInfo(token: StoredToken): TokenInfo {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scopes: [...token.scopes],
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
  };
}
