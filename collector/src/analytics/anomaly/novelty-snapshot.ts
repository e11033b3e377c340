/**
 * Reading the JSON snapshots of the novelty detector's parts back, strictly: every field is checked,
 * and anything missing, of the wrong type or of the wrong size throws a SnapshotError, so a corrupt
 * or mismatched snapshot is refused as a whole instead of half-restored.
 *
 * JSON has no ±Infinity and no NaN: `bound` writes a non-finite number as null and `readBound` reads
 * null back as the given default.
 */

/** A snapshot that cannot be restored (corrupt, of another version, or for other options). */
export class SnapshotError extends Error {
  constructor(what: string) {
    super(`snapshot: ${what}`);
    this.name = 'SnapshotError';
  }
}

/** `value`, or null when it is not finite (±Infinity, NaN). */
export function bound(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The record `json`. @throws SnapshotError when it is not a plain object. */
export function readRecord(json: unknown, what: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new SnapshotError(`${what} is not an object`);
  return json as Record<string, unknown>;
}

/** A finite number. @throws SnapshotError otherwise. */
export function readNumber(json: unknown, what: string): number {
  if (typeof json !== 'number' || !Number.isFinite(json)) throw new SnapshotError(`${what} is not a finite number`);
  return json;
}

/** A non-negative integer at most `max`. @throws SnapshotError otherwise. */
export function readCount(json: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = readNumber(json, what);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new SnapshotError(`${what} is not an integer in [0, ${max}]`);
  return n;
}

/** A finite number, or `fallback` for null (see `bound`). @throws SnapshotError otherwise. */
export function readBound(json: unknown, what: string, fallback: number): number {
  return json === null ? fallback : readNumber(json, what);
}

/** An array of exactly `length` finite numbers. @throws SnapshotError otherwise. */
export function readNumbers(json: unknown, what: string, length: number): number[] {
  if (!Array.isArray(json) || json.length !== length) throw new SnapshotError(`${what} is not an array of ${length} numbers`);
  return json.map((x, i) => readNumber(x, `${what}[${i}]`));
}
