import { durationMs, type KpiDefinition } from '../config/kpi-schema';
import { seriesKey } from '../core/point';
import type { CompanyCalendar } from './company-calendar';
import { DayRing, DEFAULT_HISTORY_DAYS } from './day-ring';
import { SeriesRows } from './series-rows';

/**
 * In-memory state of one KPI: each series' latest value and a ring of per-day aggregates per
 * series, plus per-currency rings of the KPI's daily totals across series, and running sums of
 * the series' latest values. Everything a formula function or a rollup asks is answered from it.
 *
 * Aggregation over time within a period (`TimeAggregation`): flow = sum, rate = mean,
 * stock = last (carried forward over days without data). Derived KPIs use `last` whatever their
 * kind: each evaluation restates the KPI (burn_rate is "the last 30 days"), so adding or averaging
 * several evaluations of one day would be meaningless.
 * Aggregation across series (`SeriesAggregation`): stock and flow add up, rate averages.
 *
 * Windows (`windowSum`, `windowAvg`) work on day buckets. A window (asOf − W, asOf] covers whole
 * days exactly; for the partial first and last day the bucket's first and last point times decide:
 * all inside → counted, all outside → not counted, straddling → counted pro rata over
 * [first, last] point time. That is exact whenever each series reports at most once per day or
 * all points of the day share a timestamp (daily ERP/CRM data), and a linear estimate for
 * intraday flows straddling the window edge.
 *
 * Value "as of" a past time (late data): a series' latest value when it is not newer than asOf;
 * otherwise the last value of asOf's day when that is not newer, else the last value of the most
 * recent earlier day (intraday values before the day's last are not kept).
 */

const DAY_MS = 86_400_000;

export type TimeAggregation = 'sum' | 'mean' | 'last';
export type SeriesAggregation = 'sum' | 'mean';

/** Converts a KPI's values in `currency` to the reporting currency as of `asOf`; NaN = no rate. */
export interface CurrencyRates {
  rate(kpi: string, currency: string, asOf: number): number;
}

/**
 * One series of a KPI (one combination of dimension values). Its per-point numbers live in row
 * `row` of the KPI's `SeriesRows`; this object names the series and reads them.
 */
export class SeriesState {
  constructor(
    readonly key: string,
    readonly tags: Readonly<Record<string, string>>,
    /** Currency of the values ('' when the KPI has no currency dimension or the tag is missing). */
    readonly currency: string,
    private readonly rows: SeriesRows,
    /** Index of the series in its KPI state's rows and `list`. */
    readonly row: number,
  ) {}

  /** Per-day aggregates of the series (read it right away: adding values may change it). */
  get ring(): DayRing {
    return this.rows.ring(this.row);
  }

  /** The newest value by time (NaN before the first). */
  get latestValue(): number {
    return this.rows.latestValue(this.row);
  }

  /** Epoch ms of the newest value (-Infinity before the first). */
  get latestTime(): number {
    return this.rows.latestTime(this.row);
  }

  /** The series' value as of `asOf` (see the module comment); NaN when unknown. */
  valueAsOf(asOf: number, calendar: CompanyCalendar): number {
    if (this.latestTime <= asOf) return this.latestValue;
    const day = calendar.dayOf(asOf);
    const ring = this.ring;
    const slot = ring.find(day);
    if (slot >= 0 && ring.lastTimeAt(slot) <= asOf) return ring.lastAt(slot);
    const before = ring.findAtOrBefore(day - 1);
    return before >= 0 ? ring.lastAt(before) : NaN;
  }
}

interface RunningLatest {
  sum: number;
  count: number;
}

/** The state of one KPI; see the module comment. */
export class KpiState {
  readonly timeAgg: TimeAggregation;
  readonly seriesAgg: SeriesAggregation;
  readonly series = new Map<string, SeriesState>();
  readonly list: SeriesState[] = [];
  /** Daily totals across series, per currency ('' when the KPI has no currency dimension). */
  readonly totals = new Map<string, DayRing>();
  /** Newest `latestTime` over all series. */
  maxLatestTime = -Infinity;
  /** Ingest call whose points set callMin/callMax (time of this KPI's first and last point in it). */
  callStamp = 0;
  callMin = Infinity;
  callMax = -Infinity;
  private readonly running = new Map<string, RunningLatest>();
  private runningUpdates = 0;
  /** Per-point numbers of the series, row i = `list[i]`. */
  private readonly rows = new SeriesRows();
  /** Currencies of the series by index (a row keeps the index), with their totals ring and running sum. */
  private readonly currencyIndex = new Map<string, number>();
  private readonly currencyNames: string[] = [];
  private readonly currencyTotals: (DayRing | undefined)[] = [];
  private readonly currencyRuns: RunningLatest[] = [];
  private readonly dims: readonly string[];
  private readonly currencyDim: string | undefined;

  private definition: KpiDefinition;
  /** Whether the definition asks for rollups (read per point; saves a lookup on the definition). */
  private rollupsWanted: boolean;
  /** The definition's cadence in ms (read per windowed formula call; saves parsing it). */
  private cadenceMs: number;

  constructor(
    def: KpiDefinition,
    private readonly calendar: CompanyCalendar,
    private readonly historyDays: number = DEFAULT_HISTORY_DAYS,
  ) {
    this.definition = def;
    this.rollupsWanted = def.rollups.length > 0;
    this.cadenceMs = durationMs(def.cadence);
    const derived = def.formula !== undefined;
    this.timeAgg = derived || def.kind === 'stock' ? 'last' : def.kind === 'flow' ? 'sum' : 'mean';
    this.seriesAgg = def.kind === 'rate' ? 'mean' : 'sum';
    this.dims = def.dimensions;
    this.currencyDim = def.currencyDimension;
  }

  /** The KPI's definition. */
  get def(): KpiDefinition {
    return this.definition;
  }

  /** Whether the KPI has rollups. */
  get hasRollups(): boolean {
    return this.rollupsWanted;
  }

  /** Switches to a new definition of the same KPI that `compatibleWith` accepted. */
  redefine(def: KpiDefinition): void {
    this.definition = def;
    this.rollupsWanted = def.rollups.length > 0;
    this.cadenceMs = durationMs(def.cadence);
  }

  /** Whether a new definition can keep this state (same kind, dimensions, currency, derivation). */
  compatibleWith(def: KpiDefinition): boolean {
    return (
      def.kind === this.def.kind &&
      (def.formula === undefined) === (this.def.formula === undefined) &&
      def.currencyDimension === this.currencyDim &&
      def.dimensions.length === this.dims.length &&
      def.dimensions.every((d, i) => d === this.dims[i])
    );
  }

  /**
   * Identity of a series within the KPI: its values of the declared dimensions (other tags do not
   * split series; the ingest stage validates tags). A KPI without dimensions whose points carry
   * tags anyway is keyed by all tags.
   */
  keyOf(tags: Readonly<Record<string, string>>): string {
    const dims = this.dims;
    if (dims.length === 1) return tags[dims[0]!] ?? '';
    if (dims.length === 0) {
      for (const _ in tags) return seriesKey('', tags);
      return '';
    }
    let key = tags[dims[0]!] ?? '';
    for (let i = 1; i < dims.length; i++) key += '\u0000' + (tags[dims[i]!] ?? '');
    return key;
  }

  /** The series with these tags, if any. */
  findSeries(tags: Readonly<Record<string, string>>): SeriesState | undefined {
    return this.series.get(this.keyOf(tags));
  }

  /** Time of the oldest value ever added (Infinity before the first). */
  firstTime = Infinity;

  /**
   * Whether the KPI's history reaches back to `windowStart`, within one cadence step or one day
   * (daily data is stamped late in its day), so a window from there is not computed from part of it.
   */
  covers(windowStart: number): boolean {
    return this.firstTime <= windowStart + Math.max(this.cadenceMs, DAY_MS);
  }

  /**
   * Adds one value. Returns the series, or undefined when the day is older than the history kept
   * (the point is then ignored). O(1) amortised.
   */
  add(tags: Readonly<Record<string, string>>, time: number, value: number, day: number): SeriesState | undefined {
    const s = this.seriesFor(tags);
    return this.addToRow(s.row, time, value, day) ? s : undefined;
  }

  /**
   * `add` for the series in row `row` (`SeriesState.row`): true when added, false when the day is
   * older than the history kept. The ingest hot path: it reads and writes only the series' row,
   * the KPI's totals ring and running sum. O(1) amortised.
   */
  addToRow(row: number, time: number, value: number, day: number): boolean {
    // Only a time not after the series' latest can re-send a remembered point (the usual case skips the search).
    const previous = time > this.rows.latestTime(row) ? undefined : this.rows.recentValueAt(row, time);
    if (previous !== undefined) return this.replaceRecent(row, day, time, previous, value);
    return this.addValues(row, day, time, time, value, 1, value);
  }

  /**
   * Marks series `row` as touched in generation `mark` on `day` (the engine's rollup bookkeeping);
   * false when it already was.
   */
  markTouched(row: number, mark: number, day: number): boolean {
    return this.rows.mark(row, mark, day);
  }

  /**
   * Adds an aggregate of `count` values of one series observed on day `day` between `firstTime`
   * and `lastTime` (epoch ms): their `sum` and the value at `lastTime` (`last`) — e.g. an hour of
   * stored points. The day's sum, count, last value and the series' latest value end up as if the
   * values had been added one by one; day first/last times are those given. A single exact point
   * (count 1, firstTime = lastTime) is also remembered to recognise a re-send; an aggregate is not.
   * Returns the series, or undefined when the day is older than the history kept. O(1) amortised.
   */
  addAggregate(
    tags: Readonly<Record<string, string>>,
    day: number,
    firstTime: number,
    lastTime: number,
    sum: number,
    count: number,
    last: number,
  ): SeriesState | undefined {
    const s = this.seriesFor(tags);
    return this.addValues(s.row, day, firstTime, lastTime, sum, count, last) ? s : undefined;
  }

  /** The series with these tags, created (empty) when new. */
  seriesFor(tags: Readonly<Record<string, string>>): SeriesState {
    const key = this.keyOf(tags);
    return this.series.get(key) ?? this.createSeries(key, tags);
  }

  /** A re-sent point (same series and time as a recent one) replaces the value it re-sends. */
  private replaceRecent(row: number, day: number, time: number, previous: number, value: number): boolean {
    const rows = this.rows;
    if (!rows.replaceInDay(row, day, time, previous, value)) return false;
    this.totalsOf(rows.currency(row)).replace(day, time, previous, value);
    rows.rememberRecent(row, time, value);
    if (time === rows.latestTime(row)) {
      this.currencyRuns[rows.currency(row)]!.sum += value - rows.latestValue(row);
      this.runningUpdates++;
      rows.setLatestValue(row, value);
    }
    return true;
  }

  private addValues(row: number, day: number, firstTime: number, lastTime: number, sum: number, count: number, last: number): boolean {
    const rows = this.rows;
    if (!rows.addToDay(row, day, firstTime, lastTime, sum, count, last)) return false;
    const latestTime = rows.latestTime(row);
    if (count === 1 && firstTime === lastTime) {
      if (lastTime > latestTime) rows.rememberNewest(row, lastTime, sum);
      else rows.rememberRecent(row, lastTime, sum);
    }
    if (firstTime < this.firstTime) this.firstTime = firstTime;
    const currency = rows.currency(row);
    this.totalsOf(currency).addAggregate(day, firstTime, lastTime, sum, count, last);
    if (lastTime >= latestTime) {
      const run = this.currencyRuns[currency]!;
      if (latestTime === -Infinity) {
        run.sum += last;
        run.count += 1;
      } else {
        run.sum += last - rows.latestValue(row);
        this.runningUpdates++;
      }
      rows.setLatest(row, last, lastTime);
      if (lastTime > this.maxLatestTime) this.maxLatestTime = lastTime;
    }
    return true;
  }

  /** The daily totals ring of currency index `currency`, created when its first value comes. */
  private totalsOf(currency: number): DayRing {
    const known = this.currencyTotals[currency];
    if (known !== undefined) return known;
    const name = this.currencyNames[currency]!;
    let totals = this.totals.get(name);
    if (totals === undefined) {
      totals = new DayRing(this.historyDays, 16);
      this.totals.set(name, totals);
    }
    this.currencyTotals[currency] = totals;
    return totals;
  }

  /**
   * The KPI's total as of `asOf` in the reporting currency: stock and flow = sum over series of
   * each series' latest value, rate = their mean. NaN when no series has a value (or all lack a rate).
   * O(currencies) when asOf is not older than the newest value, else O(series).
   */
  latestTotal(asOf: number, fx: CurrencyRates): number {
    let acc = 0;
    let n = 0;
    if (asOf >= this.maxLatestTime) {
      if (this.runningUpdates > 4096 + 4 * this.list.length) this.recomputeRunning();
      for (const [ccy, run] of this.running) {
        if (run.count === 0) continue;
        const r = this.rate(ccy, asOf, fx);
        if (Number.isNaN(r)) continue;
        acc += r * run.sum;
        n += run.count;
      }
    } else {
      for (const s of this.list) {
        const v = s.valueAsOf(asOf, this.calendar);
        if (Number.isNaN(v)) continue;
        const r = this.rate(s.currency, asOf, fx);
        if (Number.isNaN(r)) continue;
        acc += r * v;
        n += 1;
      }
    }
    if (n === 0) return NaN;
    return this.seriesAgg === 'mean' ? acc / n : acc;
  }

  /**
   * Sum of all values with time in (asOf − windowMs, asOf], all series, in the reporting currency.
   * 0 when the KPI has data but none in the window; NaN when it has no data. O(days in window).
   */
  windowSum(windowMs: number, asOf: number, fx: CurrencyRates): number {
    const start = asOf - windowMs;
    const first = this.calendar.dayOf(start);
    const lastDay = this.calendar.dayOf(asOf);
    let total = 0;
    let any = false;
    for (const [ccy, ring] of this.totals) {
      const r = this.rate(ccy, asOf, fx);
      if (Number.isNaN(r)) continue;
      any = true;
      let s = 0;
      // Days outside [oldest, newest] held are not in the ring: skip them.
      const to = Math.min(lastDay, ring.newestDay);
      for (let d = Math.max(first, ring.oldestDay); d <= to; d++) {
        const slot = ring.find(d);
        if (slot < 0) continue;
        const v = ring.sumAt(slot);
        s += d === first || d === lastDay ? v * fractionInside(ring, slot, start, asOf) : v;
      }
      total += r * s;
    }
    return any ? total : NaN;
  }

  /**
   * Mean of the KPI's daily totals over the days of (asOf − windowMs, asOf] that have data
   * (a day with data in the window; for the day of asOf the total as of asOf). NaN when none.
   * O(days × currencies), or O(days × series) for stocks and derived KPIs.
   */
  windowAvg(windowMs: number, asOf: number, fx: CurrencyRates): number {
    const start = asOf - windowMs;
    const first = this.calendar.dayOf(start);
    const lastDay = this.calendar.dayOf(asOf);
    let acc = 0;
    let days = 0;
    // Days outside every ring's [oldest, newest] have no data: skip them.
    let from = Infinity;
    let to = -Infinity;
    for (const ring of this.totals.values()) {
      if (ring.oldestDay < from) from = ring.oldestDay;
      if (ring.newestDay > to) to = ring.newestDay;
    }
    from = Math.max(first, from);
    to = Math.min(lastDay, to);
    for (let d = from; d <= to; d++) {
      let has = false;
      for (const ring of this.totals.values()) {
        const slot = ring.find(d);
        if (slot >= 0 && (d !== first && d !== lastDay ? true : fractionInside(ring, slot, start, asOf) > 0)) {
          has = true;
          break;
        }
      }
      if (!has) continue;
      const dayEnd = this.calendar.dayStart(d + 1) - 1;
      const v = this.periodTotal(d, d + 1, Math.min(dayEnd, asOf), fx);
      if (Number.isNaN(v)) continue;
      acc += v;
      days++;
    }
    return days === 0 ? NaN : acc / days;
  }

  /**
   * The KPI's total for days [firstDay, endDay) in the reporting currency, converting at rates as
   * of `asOf` (and, for stocks and derived KPIs, taking each series' value as of `asOf`, which
   * should be the period's end or now). NaN when there is no data.
   */
  periodTotal(firstDay: number, endDay: number, asOf: number, fx: CurrencyRates): number {
    if (this.timeAgg === 'last') return this.latestTotal(asOf, fx);
    let acc = 0;
    let count = 0;
    for (const [ccy, ring] of this.totals) {
      let s = 0;
      let n = 0;
      const end = Math.min(endDay, ring.newestDay + 1);
      for (let d = Math.max(firstDay, ring.oldestDay); d < end; d++) {
        const slot = ring.find(d);
        if (slot < 0) continue;
        s += ring.sumAt(slot);
        n += ring.countAt(slot);
      }
      if (n === 0) continue;
      const r = this.rate(ccy, asOf, fx);
      if (Number.isNaN(r)) continue;
      acc += r * s;
      count += n;
    }
    if (count === 0) return NaN;
    return this.timeAgg === 'mean' ? acc / count : acc;
  }

  /** One series' value for days [firstDay, endDay), in its own currency; NaN when unknown. */
  seriesPeriodValue(s: SeriesState, firstDay: number, endDay: number, asOf: number): number {
    if (this.timeAgg === 'last') return s.valueAsOf(asOf, this.calendar);
    let sum = 0;
    let n = 0;
    const ring = s.ring;
    const end = Math.min(endDay, ring.newestDay + 1);
    for (let d = Math.max(firstDay, ring.oldestDay); d < end; d++) {
      const slot = ring.find(d);
      if (slot < 0) continue;
      sum += ring.sumAt(slot);
      n += ring.countAt(slot);
    }
    if (n === 0) return NaN;
    return this.timeAgg === 'mean' ? sum / n : sum;
  }

  private rate(currency: string, asOf: number, fx: CurrencyRates): number {
    return this.currencyDim === undefined ? 1 : fx.rate(this.def.id, currency, asOf);
  }

  private createSeries(key: string, tags: Readonly<Record<string, string>>): SeriesState {
    const own: Record<string, string> = {};
    if (this.dims.length === 0) Object.assign(own, tags);
    else for (const d of this.dims) if (tags[d] !== undefined) own[d] = tags[d];
    const currency = this.currencyDim === undefined ? '' : (tags[this.currencyDim] ?? '');
    let index = this.currencyIndex.get(currency);
    if (index === undefined) {
      index = this.currencyNames.length;
      this.currencyIndex.set(currency, index);
      this.currencyNames.push(currency);
      this.currencyTotals.push(undefined);
      const run = { sum: 0, count: 0 };
      this.running.set(currency, run);
      this.currencyRuns.push(run);
    }
    const row = this.rows.add(new DayRing(this.historyDays), index);
    const s = new SeriesState(key, Object.freeze(own), currency, this.rows, row);
    this.series.set(key, s);
    this.list.push(s);
    return s;
  }

  /** Re-adds the running sums from scratch so rounding errors of many updates cannot build up. */
  private recomputeRunning(): void {
    for (const run of this.running.values()) {
      run.sum = 0;
      run.count = 0;
    }
    const rows = this.rows;
    for (let row = 0; row < rows.length; row++) {
      if (rows.latestTime(row) === -Infinity) continue;
      const run = this.currencyRuns[rows.currency(row)]!;
      run.sum += rows.latestValue(row);
      run.count += 1;
    }
    this.runningUpdates = 0;
  }
}

/**
 * Share of a day bucket's values with time in (start, end], judged by the bucket's first and last
 * point time: 1 or 0 when all are on one side, otherwise the overlap of [first, last] (linear).
 */
function fractionInside(ring: DayRing, slot: number, start: number, end: number): number {
  const f = ring.firstTimeAt(slot);
  const l = ring.lastTimeAt(slot);
  if (f > start && l <= end) return 1;
  if (l <= start || f > end) return 0;
  return (Math.min(l, end) - Math.max(f, start)) / (l - f);
}
