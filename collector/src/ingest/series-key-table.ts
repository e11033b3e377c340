/**
 * Interns series keys given as raw bytes: the `measurement,tag=value,…` prefix of a line-protocol
 * line, exactly as received. Each distinct byte string gets a small dense id (0, 1, 2, …) and a
 * value the caller attaches to it, so the ingest hot path finds a series from the bytes of a
 * request body without decoding them into strings or building a tags object per line.
 *
 * Open addressing (linear probing) over a power-of-two table of ids; keys are copied into one byte
 * arena. Lookups hash the key with `hashKey` (MurmurHash3, x86 32-bit) and compare the bytes four
 * at a time, so two different keys never share an id. O(key length) per lookup and insert,
 * amortised. Memory is bounded: once `maxKeys` keys or `maxArenaBytes` key bytes are held, `add`
 * refuses (returns -1) until `clear()`.
 *
 * Lookups read keys through a `DataView` whose buffer has at least 4 readable bytes after the key
 * (`KEY_PADDING`), so the last partial word needs no bounds check.
 *
 * @example
 *   const table = new SeriesKeyTable<string>();
 *   const bytes = Buffer.from('revenue,region=na value=1 1\n\0\0\0\0');
 *   const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
 *   const id = table.add(bytes, 0, 17, hashKey(bytes, 0, 17), 'revenue/na');  // 0
 *   table.find(view, 0, 17, hashKey(bytes, 0, 17));                            // 0
 *   table.value(0);                                                            // 'revenue/na'
 */
export class SeriesKeyTable<V> {
  /** Changes whenever ids are forgotten (`clear`): ids of an older generation mean nothing. */
  generation = 0;
  private slots: Int32Array;
  private mask: number;
  private arena: Uint8Array;
  private arenaView: DataView;
  private arenaUsed = 0;
  private starts: Int32Array;
  private lengths: Int32Array;
  private hashes: Int32Array;
  private values: V[] = [];
  private count = 0;

  constructor(
    private readonly maxKeys = 1 << 20,
    private readonly maxArenaBytes = 128 * 1024 * 1024,
  ) {
    this.slots = new Int32Array(1024).fill(-1);
    this.mask = 1023;
    this.arena = new Uint8Array(64 * 1024);
    this.arenaView = new DataView(this.arena.buffer);
    this.starts = new Int32Array(256);
    this.lengths = new Int32Array(256);
    this.hashes = new Int32Array(256);
  }

  /** Keys held. */
  get size(): number {
    return this.count;
  }

  /**
   * The id of the key at `view` bytes [start, end) (whose `hashKey` is `hash`), or -1. The view
   * must be readable up to `end + KEY_PADDING`.
   */
  find(view: DataView, start: number, end: number, hash: number): number {
    const length = end - start;
    const slots = this.slots;
    const mask = this.mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = slots[slot]!;
      if (id < 0) return -1;
      if (this.hashes[id] === hash && this.lengths[id] === length && this.sameKey(id, view, start, length)) return id;
    }
  }

  /**
   * The length of key `id` when the bytes at `view[start…]` begin with it, else -1. Bytes up to
   * `limit` are the data; reads stay below `limit + KEY_PADDING`, so a key running past `limit`
   * does not match.
   */
  matchAt(id: number, view: DataView, start: number, limit: number): number {
    const length = this.lengths[id]!;
    if (start + length >= limit) return -1;
    return this.sameKey(id, view, start, length) ? length : -1;
  }

  /**
   * Adds the key `bytes[start, end)` (not held yet; `hash` = its `hashKey`) with `value`; returns
   * its id, or -1 when the table is full (see the class comment).
   */
  add(bytes: Uint8Array, start: number, end: number, hash: number, value: V): number {
    const length = end - start;
    if (this.count >= this.maxKeys || this.arenaUsed + length > this.maxArenaBytes) return -1;
    if ((this.count + 1) * 2 > this.slots.length) this.growSlots();
    if (this.arenaUsed + length + KEY_PADDING > this.arena.length) this.growArena(this.arenaUsed + length + KEY_PADDING);
    if (this.count === this.starts.length) this.growColumns();
    const id = this.count++;
    this.arena.set(bytes.subarray(start, end), this.arenaUsed);
    this.starts[id] = this.arenaUsed;
    this.lengths[id] = length;
    this.hashes[id] = hash;
    this.arenaUsed += length;
    this.values[id] = value;
    this.place(id, hash);
    return id;
  }

  /**
   * Every value by id. The array is replaced (not emptied) by `clear()`, so a holder keeps the values
   * of the generation it took it from.
   */
  get entries(): readonly V[] {
    return this.values;
  }

  /** The value attached to `id`. */
  value(id: number): V {
    return this.values[id]!;
  }

  /** Replaces the value attached to `id`. */
  setValue(id: number, value: V): void {
    this.values[id] = value;
  }

  /** A copy of the key bytes of `id`. */
  key(id: number): Buffer {
    return Buffer.from(this.arena.subarray(this.starts[id]!, this.starts[id]! + this.lengths[id]!));
  }

  /** Forgets every key; ids start again at 0 and `generation` changes. */
  clear(): void {
    this.slots = new Int32Array(1024).fill(-1);
    this.mask = 1023;
    this.arenaUsed = 0;
    this.values = [];
    this.count = 0;
    this.generation++;
  }

  /** Compares four bytes at a time; the last word is masked to the key's remaining bytes. */
  private sameKey(id: number, view: DataView, start: number, length: number): boolean {
    const arena = this.arenaView;
    const at = this.starts[id]!;
    let i = 0;
    for (; i + 4 <= length; i += 4) if (arena.getInt32(at + i, true) !== view.getInt32(start + i, true)) return false;
    const rest = length - i;
    if (rest === 0) return true;
    const keep = TAIL_MASKS[rest]!;
    return ((arena.getInt32(at + i, true) ^ view.getInt32(start + i, true)) & keep) === 0;
  }

  private place(id: number, hash: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let slot = hash & mask;
    while (slots[slot]! >= 0) slot = (slot + 1) & mask;
    slots[slot] = id;
  }

  private growSlots(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let id = 0; id < this.count; id++) this.place(id, this.hashes[id]!);
  }

  private growArena(needed: number): void {
    let size = this.arena.length * 2;
    while (size < needed) size *= 2;
    const arena = new Uint8Array(size);
    arena.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = arena;
    this.arenaView = new DataView(arena.buffer);
  }

  private growColumns(): void {
    const size = this.starts.length * 2;
    const grow = (old: Int32Array) => {
      const next = new Int32Array(size);
      next.set(old);
      return next;
    };
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
    this.hashes = grow(this.hashes);
  }
}

/** Readable bytes a key lookup needs after the key's end. */
export const KEY_PADDING = 4;

/** Masks keeping the first 0–3 bytes of a little-endian word. */
export const TAIL_MASKS = [0, 0xff, 0xffff, 0xffffff] as const;

const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593 | 0;

/** One MurmurHash3 body step: mixes the little-endian word `word` into `hash`. */
export function murmurStep(hash: number, word: number): number {
  let k = Math.imul(word, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3 tail and finalisation: `tail` holds the last 1–3 bytes (0 when none), `length` the key length. */
export function murmurFinish(hash: number, tail: number, tailBytes: number, length: number): number {
  let h = hash;
  if (tailBytes > 0) {
    let k = Math.imul(tail, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b | 0);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35 | 0);
  return h ^ (h >>> 16);
}

/** MurmurHash3 (x86, 32-bit, seed 0) of `bytes[start, end)` as a signed 32-bit integer. O(end − start). */
export function hashKey(bytes: Uint8Array, start: number, end: number): number {
  let h = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    h = murmurStep(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  let tail = 0;
  for (let j = end - 1; j >= i; j--) tail = (tail << 8) | bytes[j]!;
  return murmurFinish(h, tail, end - i, end - start);
}
