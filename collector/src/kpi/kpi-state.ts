import { durationMs, type KpiDefinition } from '../config/kpi-schema';
import { seriesKey } from '../core/point';
import type { CompanyCalendar } from './company-calendar';
import { DayRing, DEFAULT_HISTORY_DAYS, doubleArray } from './day-ring';

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

/**
 * How many of a series' latest points are remembered to recognise a re-sent point (same series,
 * same timestamp): InfluxDB overwrites such a point, so the engine replaces it too instead of
 * adding it to a flow twice. Retries and replays resend recent points; older re-sends add.
 */
const RECENT_POINTS = 8;

const DAY_MS = 86_400_000;

/** Recent times (NaN: none yet) followed by their values. */
function newRecent(): number[] {
  const recent = doubleArray(2 * RECENT_POINTS, NaN);
  return recent;
}

export type TimeAggregation = 'sum' | 'mean' | 'last';
export type SeriesAggregation = 'sum' | 'mean';

/** Converts a KPI's values in `currency` to the reporting currency as of `asOf`; NaN = no rate. */
export interface CurrencyRates {
  rate(kpi: string, currency: string, asOf: number): number;
}

/** One series of a KPI (one combination of dimension values). */
export class SeriesState {
  readonly ring: DayRing;
  latestValue = NaN;
  latestTime = -Infinity;
  /** Ingest call and day this series was last marked as touched in (rollup bookkeeping). */
  touchCall = 0;
  touchDay = 0;
  /** Its KPI's daily totals ring and running sum for its currency (set by the KPI state; saves lookups). */
  totals: DayRing | undefined = undefined;
  run: RunningLatest | undefined = undefined;
  /**
   * The last few (time, value) pairs added, so a re-sent point replaces instead of adding: times in
   * [0, RECENT_POINTS), values in [RECENT_POINTS, 2 × RECENT_POINTS) of one array (one allocation,
   * fewer cache lines per add).
   */
  private readonly recent = newRecent();
  private recentNext = 0;

  constructor(
    readonly key: string,
    readonly tags: Readonly<Record<string, string>>,
    /** Currency of the values ('' when the KPI has no currency dimension or the tag is missing). */
    readonly currency: string,
    historyDays: number,
  ) {
    this.ring = new DayRing(historyDays);
  }

  /** The value added before at exactly `time`, if it is among the recent points; else undefined. */
  recentValueAt(time: number): number | undefined {
    const recent = this.recent;
    for (let i = 0; i < RECENT_POINTS; i++) if (recent[i] === time) return recent[RECENT_POINTS + i];
    return undefined;
  }

  /** Remembers the value at `time`, newer than every time remembered (so none needs updating). */
  rememberNewest(time: number, value: number): void {
    const next = this.recentNext;
    this.recent[next] = time;
    this.recent[RECENT_POINTS + next] = value;
    this.recentNext = next === RECENT_POINTS - 1 ? 0 : next + 1;
  }

  /** Remembers (or updates) the value at `time`. */
  rememberRecent(time: number, value: number): void {
    const recent = this.recent;
    for (let i = 0; i < RECENT_POINTS; i++) {
      if (recent[i] === time) {
        recent[RECENT_POINTS + i] = value;
        return;
      }
    }
    this.rememberNewest(time, value);
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
  private readonly dims: readonly string[];
  private readonly currencyDim: string | undefined;

  private definition: KpiDefinition;
  /** Whether the definition asks for rollups (read per point; saves a lookup on the definition). */
  private rollupsWanted: boolean;

  constructor(
    def: KpiDefinition,
    private readonly calendar: CompanyCalendar,
    private readonly historyDays: number = DEFAULT_HISTORY_DAYS,
  ) {
    this.definition = def;
    this.rollupsWanted = def.rollups.length > 0;
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
    return this.firstTime <= windowStart + Math.max(durationMs(this.def.cadence), DAY_MS);
  }

  /**
   * Adds one value. Returns the series, or undefined when the day is older than the history kept
   * (the point is then ignored). O(1) amortised.
   */
  add(tags: Readonly<Record<string, string>>, time: number, value: number, day: number): SeriesState | undefined {
    return this.addTo(this.seriesFor(tags), time, value, day);
  }

  /** `add` for a series of this KPI already found (see `seriesFor`). */
  addTo(s: SeriesState, time: number, value: number, day: number): SeriesState | undefined {
    // Only a time not after the series' latest can re-send a remembered point (the usual case skips the search).
    const previous = time > s.latestTime ? undefined : s.recentValueAt(time);
    if (previous !== undefined) return this.replaceRecent(s, day, time, previous, value);
    return this.addValues(s, day, time, time, value, 1, value);
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
    return this.addValues(this.seriesFor(tags), day, firstTime, lastTime, sum, count, last);
  }

  /** The series with these tags, created (empty) when new. */
  seriesFor(tags: Readonly<Record<string, string>>): SeriesState {
    const key = this.keyOf(tags);
    return this.series.get(key) ?? this.createSeries(key, tags);
  }

  /** A re-sent point (same series and time as a recent one) replaces the value it re-sends. */
  private replaceRecent(s: SeriesState, day: number, time: number, previous: number, value: number): SeriesState | undefined {
    if (!s.ring.replace(day, time, previous, value)) return undefined;
    (s.totals ?? this.totals.get(s.currency)!).replace(day, time, previous, value);
    s.rememberRecent(time, value);
    if (time === s.latestTime) {
      s.run!.sum += value - s.latestValue;
      this.runningUpdates++;
      s.latestValue = value;
    }
    return s;
  }

  private addValues(
    s: SeriesState,
    day: number,
    firstTime: number,
    lastTime: number,
    sum: number,
    count: number,
    last: number,
  ): SeriesState | undefined {
    if (!s.ring.addAggregate(day, firstTime, lastTime, sum, count, last)) return undefined;
    if (count === 1 && firstTime === lastTime) {
      if (lastTime > s.latestTime) s.rememberNewest(lastTime, sum);
      else s.rememberRecent(lastTime, sum);
    }
    if (firstTime < this.firstTime) this.firstTime = firstTime;
    let totals = s.totals;
    if (totals === undefined) {
      totals = this.totals.get(s.currency);
      if (totals === undefined) {
        totals = new DayRing(this.historyDays, 16);
        this.totals.set(s.currency, totals);
      }
      s.totals = totals;
    }
    totals.addAggregate(day, firstTime, lastTime, sum, count, last);
    if (lastTime >= s.latestTime) {
      const run = s.run!;
      if (s.latestTime === -Infinity) {
        run.sum += last;
        run.count += 1;
      } else {
        run.sum += last - s.latestValue;
        this.runningUpdates++;
      }
      s.latestValue = last;
      s.latestTime = lastTime;
      if (lastTime > this.maxLatestTime) this.maxLatestTime = lastTime;
    }
    return s;
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
      for (let d = first; d <= lastDay; d++) {
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
    for (let d = first; d <= lastDay; d++) {
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
      for (let d = firstDay; d < endDay; d++) {
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
    for (let d = firstDay; d < endDay; d++) {
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
    const s = new SeriesState(key, Object.freeze(own), currency, this.historyDays);
    this.series.set(key, s);
    this.list.push(s);
    let run = this.running.get(currency);
    if (run === undefined) {
      run = { sum: 0, count: 0 };
      this.running.set(currency, run);
    }
    s.run = run;
    return s;
  }

  /** Re-adds the running sums from scratch so rounding errors of many updates cannot build up. */
  private recomputeRunning(): void {
    for (const run of this.running.values()) {
      run.sum = 0;
      run.count = 0;
    }
    for (const s of this.list) {
      if (s.latestTime === -Infinity) continue;
      const run = this.running.get(s.currency)!;
      run.sum += s.latestValue;
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
