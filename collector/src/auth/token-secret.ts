import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The secret side of API tokens: how plaintexts look, how they are hashed and compared.
 *
 * A generated token reads `fm_<prefix>_<secret>`: `prefix` is 12 hex characters (6 random bytes)
 * stored in clear to find the token's row and to show it in lists; `secret` is 32 bytes from the
 * operating system's CSPRNG, base64url-encoded (43 characters).
 *
 * Why a plain SHA-256 and not bcrypt/scrypt/argon2: those slow hashes exist to make guessing
 * low-entropy passwords expensive. A token carries 256 random bits, so no amount of hashing speed
 * makes guessing feasible, and a slow hash would cost milliseconds of CPU on every ingest request.
 * What remains is not to leak the stored hash through response timing, hence the constant-time
 * comparison in `hashesMatch` after the row is found by its public prefix.
 */

const TOKEN_TAG = 'fm';
const PREFIX_BYTES = 6;
const SECRET_BYTES = 32;
const GENERATED_TOKEN = /^fm_([0-9a-f]{12})_[A-Za-z0-9_-]{43,}$/;

/** A freshly generated token: the plaintext (shown once), its lookup prefix and its hash. */
export interface GeneratedToken {
  readonly plaintext: string;
  readonly prefix: string;
  readonly hash: string;
}

/** Generates a new token from `random` (the CSPRNG unless a test passes its own bytes). */
export function generateToken(random: (size: number) => Buffer = randomBytes): GeneratedToken {
  const prefix = random(PREFIX_BYTES).toString('hex');
  const secret = random(SECRET_BYTES).toString('base64url');
  const plaintext = `${TOKEN_TAG}_${prefix}_${secret}`;
  return { plaintext, prefix, hash: hashToken(plaintext) };
}

/**
 * The prefix under which a plaintext's row is stored. A generated token carries it; any other text
 * (an operator's own FINMON_ADMIN_TOKEN) gets `h` + the first 11 hex digits of its hash, which
 * cannot collide with a generated prefix (`h` is no hex digit) and reveals nothing the stored hash
 * does not.
 */
export function lookupPrefixOf(plaintext: string): string {
  const generated = GENERATED_TOKEN.exec(plaintext);
  return generated?.[1] ?? `h${hashToken(plaintext).slice(0, 11)}`;
}

/** Lower-case hex SHA-256 of the plaintext's UTF-8 bytes. */
export function hashToken(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

/**
 * Compares two hex hashes in time independent of where they differ (`crypto.timingSafeEqual`).
 * Hashes of different lengths never match (and that length is public anyway).
 */
export function hashesMatch(storedHex: string, presentedHex: string): boolean {
  const stored = Buffer.from(storedHex, 'hex');
  const presented = Buffer.from(presentedHex, 'hex');
  return stored.length === presented.length && stored.length > 0 && timingSafeEqual(stored, presented);
}
