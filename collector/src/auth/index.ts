/** API tokens: creation, verification with scopes, revocation, and the bootstrap admin token. */
export { parseBearer } from './bearer';
export { InMemoryTokenStore } from './in-memory-token-store';
export { grantsScope, isScope, normalizeScopes, SCOPES, type Scope } from './scopes';
export { SqlTokenStore } from './sql-token-store';
export { generateToken, hashesMatch, hashToken, lookupPrefixOf, type GeneratedToken } from './token-secret';
export {
  MIN_BOOTSTRAP_TOKEN_LENGTH,
  TokenService,
  type BootstrapOutcome,
  type CreatedToken,
  type TokenInfo,
  type TokenServiceOptions,
  type VerifiedToken,
} from './token-service';
export { compareTokensByAge, type StoredToken, type TokenStore } from './token-store';
