import { DayRing } from './day-ring';

/**
 * How many of a series' latest points are remembered to recognise a re-sent point (same series,
 * same timestamp): InfluxDB overwrites such a point, so the engine replaces it too instead of
 * adding it to a flow twice. Retries and replays resend recent points; older re-sends add.
 */
export const RECENT_POINTS = 8;

/** Numbers kept per row, in this order (32 doubles: four cache lines). */
const STRIDE = 32;
const LATEST_T = 0;
const LATEST_V = 1;
/** The newest day of the row's ring, and that day's sum, count, last value and first/last time. */
const DAY = 2;
const SUM = 3;
const COUNT = 4;
const LAST = 5;
const FIRST_T = 6;
const LAST_T = 7;
/** Index (0 … RECENT_POINTS − 1) of the recent pair written next. */
const RECENT_NEXT = 8;
/** Index of the series' currency in its KPI state. */
const CURRENCY = 9;
/** Rollup bookkeeping of the engine: touch generation and day the series was last marked with. */
const TOUCH_MARK = 10;
const TOUCH_DAY = 11;
/** RECENT_POINTS pairs (time, value); NaN time = none yet. */
const RECENT = 16;

const INITIAL_ROWS = 16;

/**
 * The numbers every point of a series reads or writes, for all series of one KPI, in one
 * Float64Array with a row per series: latest value and time, the newest day's aggregate, the
 * recent points, the series' currency index and the engine's touch mark.
 *
 * Why: with thousands of series, adding a point was mostly cache misses on the series' own small
 * objects (state, ring, ring slots, recent points), scattered over the heap. Rows of one array are
 * contiguous and in the order series were first seen, which is the order points usually arrive in,
 * so a batch walks memory sequentially and the hardware prefetcher hides the misses.
 *
 * The newest day's aggregate is a write-back copy of the day ring's newest slot: a point of that
 * day updates the row with the ring's own arithmetic (`addToDay`), and the ring is brought up to
 * date before anything else reads or changes it (`ring()`). Values are therefore bit-identical to
 * updating the ring directly.
 */
export class SeriesRows {
  private data = new Float64Array(INITIAL_ROWS * STRIDE);
  private readonly rings: DayRing[] = [];

  /** Number of rows. */
  get length(): number {
    return this.rings.length;
  }

  /** Appends a row for a new, empty series owning `ring`; returns the row index. O(1) amortised. */
  add(ring: DayRing, currency: number): number {
    const row = this.rings.length;
    if ((row + 1) * STRIDE > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const d = this.data;
    const b = row * STRIDE;
    d[b + LATEST_T] = -Infinity;
    d[b + LATEST_V] = NaN;
    d[b + RECENT_NEXT] = 0;
    d[b + CURRENCY] = currency;
    d[b + TOUCH_MARK] = 0;
    d[b + TOUCH_DAY] = 0;
    for (let i = 0; i < 2 * RECENT_POINTS; i++) d[b + RECENT + i] = NaN;
    this.rings.push(ring);
    this.load(row);
    return row;
  }

  /** The row's day ring, up to date (valid until the row changes again). */
  ring(row: number): DayRing {
    const ring = this.rings[row]!;
    const d = this.data;
    const b = row * STRIDE;
    ring.setNewest(d[b + SUM]!, d[b + COUNT]!, d[b + LAST]!, d[b + FIRST_T]!, d[b + LAST_T]!);
    return ring;
  }

  /**
   * `DayRing.addAggregate` on the row's ring: a value of the newest day only updates the row;
   * another day goes to the ring. False (nothing changed) when the day is older than the ring keeps.
   */
  addToDay(row: number, day: number, firstTime: number, lastTime: number, sum: number, count: number, last: number): boolean {
    const d = this.data;
    const b = row * STRIDE;
    if (day === d[b + DAY]) {
      // The same steps as the ring's own update of its newest slot, in the same order.
      d[b + SUM] = d[b + SUM]! + sum;
      d[b + COUNT] = d[b + COUNT]! + count;
      if (lastTime >= d[b + LAST_T]!) {
        d[b + LAST] = last;
        d[b + LAST_T] = lastTime;
      }
      if (firstTime < d[b + FIRST_T]!) d[b + FIRST_T] = firstTime;
      return true;
    }
    if (!this.ring(row).addAggregate(day, firstTime, lastTime, sum, count, last)) return false;
    this.load(row);
    return true;
  }

  /** `DayRing.replace` on the row's ring. */
  replaceInDay(row: number, day: number, time: number, oldValue: number, newValue: number): boolean {
    if (!this.ring(row).replace(day, time, oldValue, newValue)) return false;
    this.load(row);
    return true;
  }

  latestTime(row: number): number {
    return this.data[row * STRIDE + LATEST_T]!;
  }

  latestValue(row: number): number {
    return this.data[row * STRIDE + LATEST_V]!;
  }

  setLatest(row: number, value: number, time: number): void {
    const b = row * STRIDE;
    this.data[b + LATEST_V] = value;
    this.data[b + LATEST_T] = time;
  }

  setLatestValue(row: number, value: number): void {
    this.data[row * STRIDE + LATEST_V] = value;
  }

  /** Index of the row's currency (as given to `add`). */
  currency(row: number): number {
    return this.data[row * STRIDE + CURRENCY]!;
  }

  /** The value remembered at exactly `time`, if it is among the recent points; else undefined. */
  recentValueAt(row: number, time: number): number | undefined {
    const d = this.data;
    const b = row * STRIDE + RECENT;
    for (let i = 0; i < 2 * RECENT_POINTS; i += 2) if (d[b + i] === time) return d[b + i + 1];
    return undefined;
  }

  /** Remembers the value at `time`, newer than every time remembered (so none needs updating). */
  rememberNewest(row: number, time: number, value: number): void {
    const d = this.data;
    const b = row * STRIDE;
    const next = d[b + RECENT_NEXT]!;
    const at = b + RECENT + 2 * next;
    d[at] = time;
    d[at + 1] = value;
    d[b + RECENT_NEXT] = next === RECENT_POINTS - 1 ? 0 : next + 1;
  }

  /** Remembers (or updates) the value at `time`. */
  rememberRecent(row: number, time: number, value: number): void {
    const d = this.data;
    const b = row * STRIDE + RECENT;
    for (let i = 0; i < 2 * RECENT_POINTS; i += 2) {
      if (d[b + i] === time) {
        d[b + i + 1] = value;
        return;
      }
    }
    this.rememberNewest(row, time, value);
  }

  /** Marks the row with (`mark`, `day`); false when it already carried exactly that mark. */
  mark(row: number, mark: number, day: number): boolean {
    const d = this.data;
    const b = row * STRIDE;
    if (d[b + TOUCH_MARK] === mark && d[b + TOUCH_DAY] === day) return false;
    d[b + TOUCH_MARK] = mark;
    d[b + TOUCH_DAY] = day;
    return true;
  }

  /** Copies the ring's newest day (and its aggregate) into the row. */
  private load(row: number): void {
    const ring = this.rings[row]!;
    const d = this.data;
    const b = row * STRIDE;
    d[b + DAY] = ring.newestDay;
    const slot = ring.newestSlot();
    if (slot < 0) return;
    d[b + SUM] = ring.sumAt(slot);
    d[b + COUNT] = ring.countAt(slot);
    d[b + LAST] = ring.lastAt(slot);
    d[b + FIRST_T] = ring.firstTimeAt(slot);
    d[b + LAST_T] = ring.lastTimeAt(slot);
  }
}
