/** Marks an unused slot (no real day ordinal is this small). */
const EMPTY = -2_147_483_648;

/** Days of history every ring keeps by default: a 365-day window plus last year's month. */
export const DEFAULT_HISTORY_DAYS = 420;

/**
 * Per-day aggregates of one stream of values, in a ring addressed by day ordinal
 * (slot = day mod capacity). For each day it keeps the sum and count of the values, the last value
 * by time (ties: the later arrival) and the first and last time seen.
 *
 * Memory is bounded: the capacity starts small and doubles when two held days collide, up to
 * `maxDays` slots (about 40 bytes each). Every day within `maxDays` of the newest day is kept;
 * older days are overwritten, and a value for a day older than that is refused.
 */
export class DayRing {
  private cap: number;
  days: Int32Array;
  sum: Float64Array;
  count: Uint32Array;
  last: Float64Array;
  firstT: Float64Array;
  lastT: Float64Array;
  /** The newest day ever added (EMPTY before the first value). */
  newestDay = EMPTY;

  constructor(
    readonly maxDays: number = DEFAULT_HISTORY_DAYS,
    initialCapacity = 4,
  ) {
    this.cap = Math.min(maxDays, initialCapacity);
    this.days = new Int32Array(this.cap).fill(EMPTY);
    this.sum = new Float64Array(this.cap);
    this.count = new Uint32Array(this.cap);
    this.last = new Float64Array(this.cap);
    this.firstT = new Float64Array(this.cap);
    this.lastT = new Float64Array(this.cap);
  }

  /** Slots currently allocated. */
  get capacity(): number {
    return this.cap;
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
    if (this.newestDay !== EMPTY && day <= this.newestDay - this.maxDays) return false;
    let slot = this.slotFor(day);
    let held = this.days[slot]!;
    while (held !== day && held !== EMPTY && this.cap < this.maxDays && Math.abs(day - held) < this.maxDays) {
      this.grow();
      slot = this.slotFor(day);
      held = this.days[slot]!;
    }
    if (held !== day) {
      if (held !== EMPTY && held > day) return false;
      this.days[slot] = day;
      this.sum[slot] = sum;
      this.count[slot] = count;
      this.last[slot] = last;
      this.firstT[slot] = firstTime;
      this.lastT[slot] = lastTime;
    } else {
      this.sum[slot] = this.sum[slot]! + sum;
      this.count[slot] = this.count[slot]! + count;
      if (lastTime >= this.lastT[slot]!) {
        this.last[slot] = last;
        this.lastT[slot] = lastTime;
      }
      if (firstTime < this.firstT[slot]!) this.firstT[slot] = firstTime;
    }
    if (day > this.newestDay) this.newestDay = day;
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
    this.sum[slot] = this.sum[slot]! + (newValue - oldValue);
    if (time === this.lastT[slot]) this.last[slot] = newValue;
    return true;
  }

  /** The slot holding `day`, or -1. */
  find(day: number): number {
    const slot = this.slotFor(day);
    return this.days[slot] === day ? slot : -1;
  }

  /**
   * The slot of the newest day ≤ `day` that holds a value, looking back at most `maxDays` days;
   * -1 when there is none. Used to carry a level (stock) forward over days without data.
   */
  findAtOrBefore(day: number): number {
    if (this.newestDay === EMPTY) return -1;
    const from = Math.min(day, this.newestDay);
    const stop = this.newestDay - this.maxDays;
    for (let d = from; d > stop; d--) {
      const slot = this.slotFor(d);
      if (this.days[slot] === d) return slot;
    }
    return -1;
  }

  private slotFor(day: number): number {
    const r = day % this.cap;
    return r < 0 ? r + this.cap : r;
  }

  private grow(): void {
    const old = { days: this.days, sum: this.sum, count: this.count, last: this.last, firstT: this.firstT, lastT: this.lastT };
    this.cap = Math.min(this.maxDays, this.cap * 2);
    this.days = new Int32Array(this.cap).fill(EMPTY);
    this.sum = new Float64Array(this.cap);
    this.count = new Uint32Array(this.cap);
    this.last = new Float64Array(this.cap);
    this.firstT = new Float64Array(this.cap);
    this.lastT = new Float64Array(this.cap);
    for (let i = 0; i < old.days.length; i++) {
      const d = old.days[i]!;
      if (d === EMPTY) continue;
      const slot = this.slotFor(d);
      const held = this.days[slot]!;
      if (held !== EMPTY && held > d) continue; // two days maxDays apart: keep the newer
      this.days[slot] = d;
      this.sum[slot] = old.sum[i]!;
      this.count[slot] = old.count[i]!;
      this.last[slot] = old.last[i]!;
      this.firstT[slot] = old.firstT[i]!;
      this.lastT[slot] = old.lastT[i]!;
    }
  }
}
