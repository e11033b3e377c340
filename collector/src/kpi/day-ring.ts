/** Marks an unused slot (no real day ordinal is this small). */
const EMPTY = -2_147_483_648;

/** Days of history every ring keeps by default: a 365-day window plus last year's month. */
export const DEFAULT_HISTORY_DAYS = 420;

/** Numbers kept per slot, in this order. */
const STRIDE = 6;
const DAY = 0;
const SUM = 1;
const COUNT = 2;
const LAST = 3;
const FIRST_T = 4;
const LAST_T = 5;

/**
 * Per-day aggregates of one stream of values, in a ring addressed by day ordinal
 * (slot = day mod capacity). For each day it keeps the sum and count of the values, the last value
 * by time (ties: the later arrival) and the first and last time seen.
 *
 * Memory is bounded: the capacity starts small and doubles when two held days collide, up to
 * `maxDays` slots (48 bytes each). Every day within `maxDays` of the newest day is kept; older days
 * are overwritten, and a value for a day older than that is refused.
 *
 * All slots live in one array of doubles (day, sum, count, last, first time, last time per slot),
 * so adding a value touches one small array: the engine holds a ring per series, and with many
 * series the cost of an add is mostly memory traffic.
 */
export class DayRing {
  private cap: number;
  private data: number[];
  /** The newest day ever added (EMPTY before the first value). */
  newestDay = EMPTY;
  /**
   * The oldest day ever added (Infinity before the first value): no older day is held, so scans
   * over days (windows, periods, carrying a level forward) can stop there instead of at the
   * retention limit.
   */
  oldestDay = Infinity;
  /** The slot holding `newestDay` (it is never overwritten: an older day mapping there is refused). */
  private newestBase = 0;

  constructor(
    readonly maxDays: number = DEFAULT_HISTORY_DAYS,
    initialCapacity = 4,
  ) {
    this.cap = Math.min(maxDays, initialCapacity);
    this.data = emptySlots(this.cap);
  }

  /** Slots currently allocated. */
  get capacity(): number {
    return this.cap;
  }

  /** Sum of the values of the day in `slot` (a slot from `find` or `findAtOrBefore`). */
  sumAt(slot: number): number {
    return this.data[slot * STRIDE + SUM]!;
  }

  /** Number of values of the day in `slot`. */
  countAt(slot: number): number {
    return this.data[slot * STRIDE + COUNT]!;
  }

  /** The last value (by time) of the day in `slot`. */
  lastAt(slot: number): number {
    return this.data[slot * STRIDE + LAST]!;
  }

  /** Epoch ms of the first value of the day in `slot`. */
  firstTimeAt(slot: number): number {
    return this.data[slot * STRIDE + FIRST_T]!;
  }

  /** Epoch ms of the last value of the day in `slot`. */
  lastTimeAt(slot: number): number {
    return this.data[slot * STRIDE + LAST_T]!;
  }

  /**
   * Adds `value` observed at epoch-ms `time` on day `day`. Returns false (and changes nothing) when
   * the day is older than the retention. O(1) amortised.
   */
  add(day: number, time: number, value: number): boolean {
    return this.addAggregate(day, time, time, value, 1, value);
  }

  /**
   * Adds an aggregate of `count` values observed on day `day` between epoch-ms `firstTime` and
   * `lastTime`: their `sum` and the value at `lastTime` (`last`). The same as adding the values one
   * by one, as far as the day's sum, count, last value and first/last time go (used to rebuild
   * state from stored hourly aggregates). Returns false (and changes nothing) when the day is older
   * than the retention. O(1) amortised.
   */
  addAggregate(day: number, firstTime: number, lastTime: number, sum: number, count: number, last: number): boolean {
    if (day === this.newestDay) {
      // The usual case (values of the current day): its slot is known.
      addToSlot(this.data, this.newestBase, firstTime, lastTime, sum, count, last);
      return true;
    }
    if (this.newestDay !== EMPTY && day <= this.newestDay - this.maxDays) return false;
    let base = this.slotFor(day) * STRIDE;
    let held = this.data[base + DAY]!;
    while (held !== day && held !== EMPTY && this.cap < this.maxDays && Math.abs(day - held) < this.maxDays) {
      this.grow();
      base = this.slotFor(day) * STRIDE;
      held = this.data[base + DAY]!;
    }
    const data = this.data;
    if (held !== day) {
      if (held !== EMPTY && held > day) return false;
      data[base + DAY] = day;
      data[base + SUM] = sum;
      data[base + COUNT] = count;
      data[base + LAST] = last;
      data[base + FIRST_T] = firstTime;
      data[base + LAST_T] = lastTime;
    } else {
      addToSlot(data, base, firstTime, lastTime, sum, count, last);
    }
    if (day > this.newestDay) {
      this.newestDay = day;
      this.newestBase = base;
    }
    if (day < this.oldestDay) this.oldestDay = day;
    return true;
  }

  /**
   * Replaces a value added before at exactly `time` on `day` (a re-sent point): the day's sum
   * changes by the difference, its count stays, and its last value follows when `time` is the
   * day's last time. Returns false when the day is no longer held. O(1).
   */
  replace(day: number, time: number, oldValue: number, newValue: number): boolean {
    const slot = this.find(day);
    if (slot < 0) return false;
    const base = slot * STRIDE;
    this.data[base + SUM] = this.data[base + SUM]! + (newValue - oldValue);
    if (time === this.data[base + LAST_T]) this.data[base + LAST] = newValue;
    return true;
  }

  /** The slot holding `newestDay`, or -1 before the first value. */
  newestSlot(): number {
    return this.newestDay === EMPTY ? -1 : this.newestBase / STRIDE;
  }

  /**
   * Overwrites the newest day's sum, count, last value and first/last time (nothing before the
   * first value): for a copy of that day kept and updated elsewhere (`SeriesRows`) to write back. O(1).
   */
  setNewest(sum: number, count: number, last: number, firstTime: number, lastTime: number): void {
    if (this.newestDay === EMPTY) return;
    const data = this.data;
    const base = this.newestBase;
    data[base + SUM] = sum;
    data[base + COUNT] = count;
    data[base + LAST] = last;
    data[base + FIRST_T] = firstTime;
    data[base + LAST_T] = lastTime;
  }

  /** The slot holding `day`, or -1. */
  find(day: number): number {
    const slot = this.slotFor(day);
    return this.data[slot * STRIDE + DAY] === day ? slot : -1;
  }

  /**
   * The slot of the newest day ≤ `day` that holds a value, looking back at most `maxDays` days;
   * -1 when there is none. Used to carry a level (stock) forward over days without data.
   */
  findAtOrBefore(day: number): number {
    if (this.newestDay === EMPTY) return -1;
    const from = Math.min(day, this.newestDay);
    const stop = Math.max(this.newestDay - this.maxDays, this.oldestDay - 1);
    for (let d = from; d > stop; d--) {
      const slot = this.slotFor(d);
      if (this.data[slot * STRIDE + DAY] === d) return slot;
    }
    return -1;
  }

  private slotFor(day: number): number {
    const r = day % this.cap;
    return r < 0 ? r + this.cap : r;
  }

  private grow(): void {
    const old = this.data;
    const oldCap = this.cap;
    this.cap = Math.min(this.maxDays, this.cap * 2);
    const data = emptySlots(this.cap);
    for (let i = 0; i < oldCap; i++) {
      const from = i * STRIDE;
      const d = old[from + DAY]!;
      if (d === EMPTY) continue;
      const to = this.slotFor(d) * STRIDE;
      const held = data[to + DAY]!;
      if (held !== EMPTY && held > d) continue; // two days maxDays apart: keep the newer
      for (let k = 0; k < STRIDE; k++) data[to + k] = old[from + k]!;
    }
    this.data = data;
    if (this.newestDay !== EMPTY) this.newestBase = this.slotFor(this.newestDay) * STRIDE;
  }
}

function emptySlots(cap: number): number[] {
  const data = doubleArray(cap * STRIDE, 0);
  for (let i = 0; i < cap; i++) data[i * STRIDE + DAY] = EMPTY;
  return data;
}

/**
 * A plain array of `length` copies of `value` whose elements V8 keeps as unboxed doubles. Small
 * per-series state is kept in such arrays rather than typed arrays: they live on the V8 heap next
 * to their owner, while a typed array of more than 64 bytes has a separate backing store (one more
 * indirection and cache miss per access, and more work for the garbage collector).
 */
export function doubleArray(length: number, value: number): number[] {
  const array = [0.5]; // a non-integer first element makes the array hold doubles from the start
  array.length = 0;
  for (let i = 0; i < length; i++) array.push(value);
  return array;
}

/** Adds an aggregate to the day held at `base`. */
function addToSlot(data: number[], base: number, firstTime: number, lastTime: number, sum: number, count: number, last: number): void {
  data[base + SUM] = data[base + SUM]! + sum;
  data[base + COUNT] = data[base + COUNT]! + count;
  if (lastTime >= data[base + LAST_T]!) {
    data[base + LAST] = last;
    data[base + LAST_T] = lastTime;
  }
  if (firstTime < data[base + FIRST_T]!) data[base + FIRST_T] = firstTime;
}
