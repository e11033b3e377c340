import type { MetricsConfig } from '../config/metrics-config-schema';
import type { Clock } from '../core/clock';
import { pointAt, type Point } from '../core/point';
import { isPointColumns, type PointColumns, type PointsInput, type SeriesSpace } from '../ingest/point-columns';
import { CompanyCalendar } from './company-calendar';
import { DEFAULT_HISTORY_DAYS } from './day-ring';
import { cadenceBoundaries, planDerivedKpis, type DerivedKpi } from './derived-plan';
import type { FormulaDataSource } from './formula';
import { FX_RATE_KPI, FxRates } from './fx-rates';
import { KpiState, type SeriesState } from './kpi-state';
import { rollupPoints } from './rollups';

export interface KpiEngineOptions {
  readonly config: MetricsConfig;
  /**
   * Decides which period is the current, incomplete one (for `projected`). Without a clock the
   * newest point time seen stands for "now", so replays and backfills behave like live data.
   */
  readonly clock?: Clock;
  /** Days of per-day history kept per series (default 420: 365-day windows plus last year's month). */
  readonly historyDays?: number;
  /** Most cadence evaluations of one derived KPI in one call (the newest are kept; default 50,000). */
  readonly maxEvaluationsPerCall?: number;
  /**
   * `per-call` (default): each `ingest` returns the rollups of the periods it touched.
   * `deferred`: `ingest` returns none; touched periods accumulate until `flushRollups()`, so a
   * live stream writes each period's rollup once per flush instead of once per request.
   */
  readonly rollups?: 'per-call' | 'deferred';
  /**
   * When true, `sum(k, W)` and `avg(k, W)` give no value until k's history reaches back W (so a
   * 365-day ratio is not computed from 100 days). Default false.
   */
  readonly requireFullWindows?: boolean;
}

export interface IngestResult {
  /** Values of derived KPIs computed in this call (tags {}), oldest first. */
  readonly derived: Point[];
  /** rollup_daily / rollup_weekly / rollup_monthly points for the periods this call touched (none when deferred). */
  readonly rollups: Point[];
  /** What was left out and why (missing exchange rates, unknown KPIs, too-old points, …), deduplicated. */
  readonly warnings: string[];
}

/**
 * Stored history of one series for `KpiEngine.restoreHistory`: one point (count 1,
 * firstTime = lastTime = its time) or an aggregate of several points of one local day.
 */
export interface HistoryBucket {
  readonly kpi: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Epoch ms at or before the first value it stands for. */
  readonly firstTime: number;
  /** Epoch ms of the last value it stands for (or a bound after it, for an aggregate); same local day as firstTime. */
  readonly lastTime: number;
  /** Sum of the values. */
  readonly sum: number;
  /** Number of values (≥ 1). */
  readonly count: number;
  /** The value at lastTime (the newest of the values). */
  readonly last: number;
}

/** What `restoreHistory` did. */
export interface RestoreResult {
  /** Buckets applied (the others are named in `warnings`). */
  readonly applied: number;
  /** Unknown KPIs, non-finite or empty buckets, days older than the history kept; deduplicated. */
  readonly warnings: string[];
}

export interface KpiSnapshotEntry {
  readonly kpi: string;
  /** The KPI's current total (reporting currency for currency KPIs). */
  readonly value: number;
  /** Time of the newest value behind it (epoch ms). */
  readonly time: number;
  readonly unit: string;
}

interface Evaluation {
  readonly time: number;
  readonly kpi: DerivedKpi;
}

/**
 * The KPI engine: keeps per-KPI, per-series state in memory, computes derived KPIs and rollups.
 * Pure: no I/O; time comes from the points (and, for "now", from the optional clock).
 *
 * `ingest` applies the points in time order (sorting a copy only when the call is out of order).
 * Derived KPIs are evaluated, in dependency order, at each boundary of their cadence crossed by
 * the times of their (transitive) inputs in the call — including a boundary between the previous
 * evaluation and this call when it is less than one cadence step before the call's first input —
 * and at the newest input time. An evaluation at time b sees every point with time ≤ b of the call
 * and everything ingested before. Derived values enter the state like any point.
 */
export class KpiEngine {
  private config!: MetricsConfig;
  private calendar!: CompanyCalendar;
  private states = new Map<string, KpiState>();
  private derived: DerivedKpi[] = [];
  private readonly lastEvaluation = new Map<string, number>();
  private readonly clock: Clock | undefined;
  private readonly historyDays: number;
  private readonly maxEvaluations: number;
  private fx!: FxRates;
  private callId = 0;
  /** Generation of the touched set: per call, or per flush when rollups are deferred. */
  private touchGeneration = 0;
  private readonly deferRollups: boolean;
  private highWater = -Infinity;
  private warnings = new Set<string>();
  private touchedStates: KpiState[] = [];
  private touched = new Map<KpiState, Map<number, Set<SeriesState>>>();
  /**
   * Series ids of the last columns' space, resolved: KPI state (null: not configured) and the
   * series' row in it (-1: not resolved yet).
   */
  private columnSpace: SeriesSpace | undefined;
  private kpiById: (KpiState | null | undefined)[] = [];
  private rowById: number[] = [];
  private readonly source: FormulaDataSource = {
    latest: (kpi, asOf) => this.states.get(kpi)?.latestTotal(asOf, this.fx) ?? NaN,
    sum: (kpi, windowMs, asOf) => {
      const ks = this.states.get(kpi);
      if (ks === undefined || (this.requireFullWindows && !ks.covers(asOf - windowMs))) return NaN;
      return ks.windowSum(windowMs, asOf, this.fx);
    },
    avg: (kpi, windowMs, asOf) => {
      const ks = this.states.get(kpi);
      if (ks === undefined || (this.requireFullWindows && !ks.covers(asOf - windowMs))) return NaN;
      return ks.windowAvg(windowMs, asOf, this.fx);
    },
  };
  private readonly requireFullWindows: boolean;

  constructor(options: KpiEngineOptions) {
    this.clock = options.clock;
    this.historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
    this.maxEvaluations = options.maxEvaluationsPerCall ?? 50_000;
    this.deferRollups = options.rollups === 'deferred';
    this.requireFullWindows = options.requireFullWindows ?? false;
    this.reconfigure(options.config);
  }

  /**
   * Switches to a new configuration. State is kept for KPIs that still exist with the same kind,
   * dimensions, currency dimension and derivation; it is all dropped when the company time zone or
   * week start changes (day buckets would be misaligned). Throws `FinmonError(CONFIG_INVALID)`
   * (bad formula, unknown KPI in a formula, dependency cycle, bad time zone) and then changes nothing.
   */
  reconfigure(config: MetricsConfig): void {
    const derived = planDerivedKpis(config.kpis);
    const sameCalendar =
      this.calendar !== undefined &&
      this.calendar.zone === config.company.timezone &&
      this.calendar.weekStartsOn === config.company.weekStartsOn;
    const calendar = sameCalendar ? this.calendar : new CompanyCalendar(config.company.timezone, config.company.weekStartsOn);
    const states = new Map<string, KpiState>();
    for (const def of config.kpis) {
      const old = sameCalendar ? this.states.get(def.id) : undefined;
      if (old && old.compatibleWith(def)) {
        old.redefine(def);
        states.set(def.id, old);
      } else {
        states.set(def.id, new KpiState(def, calendar, this.historyDays));
      }
    }
    for (const id of [...this.lastEvaluation.keys()]) {
      if (!derived.some((d) => d.id === id) || !sameCalendar) this.lastEvaluation.delete(id);
    }
    this.config = config;
    this.calendar = calendar;
    this.states = states;
    this.columnSpace = undefined;
    this.kpiById = [];
    this.rowById = [];
    this.resetTouched();
    this.derived = derived;
    this.fx = new FxRates(config.company.reportingCurrency, () => this.states.get(FX_RATE_KPI), calendar, (m) =>
      this.warnings.add(m),
    );
  }

  /**
   * Applies points (any order; late points update their day buckets), evaluates the derived KPIs
   * their times call for and returns those values, the rollups of the touched periods and warnings.
   * Points may come as `Point`s or in columns (same outcome; columns skip the per-point series
   * lookup by tags). O(points) (plus a sort when out of order) + O(evaluations × formula cost) +
   * O(touched periods).
   */
  ingest(points: PointsInput): IngestResult {
    if (isPointColumns(points)) return this.ingestColumns(points);
    this.callId++;
    this.warnings = new Set();
    if (!this.deferRollups) this.resetTouched();
    const derivedOut: Point[] = [];

    let ordered = points;
    for (let i = 1; i < points.length; i++) {
      if (points[i]!.time < points[i - 1]!.time) {
        ordered = [...points].sort((a, b) => a.time - b.time);
        break;
      }
    }

    const call = this.callId;
    const resolved: (KpiState | undefined)[] = new Array(ordered.length);
    for (let i = 0; i < ordered.length; i++) {
      const p = ordered[i]!;
      const ks = this.states.get(p.kpi);
      resolved[i] = ks;
      if (ks === undefined) continue;
      if (ks.callStamp !== call) {
        ks.callStamp = call;
        ks.callMin = p.time;
      }
      ks.callMax = p.time;
    }

    const evaluations = this.scheduleEvaluations();
    let e = 0;
    for (let i = 0; i < ordered.length; i++) {
      const p = ordered[i]!;
      while (e < evaluations.length && evaluations[e]!.time < p.time) this.evaluate(evaluations[e++]!, derivedOut);
      this.apply(p, resolved[i]);
    }
    while (e < evaluations.length) this.evaluate(evaluations[e++]!, derivedOut);

    const rollups = this.deferRollups ? [] : this.touchedRollups();
    return { derived: derivedOut, rollups, warnings: [...this.warnings] };
  }

  /** `ingest` for columns: the same steps, with series resolved once per id of the columns' space. */
  private ingestColumns(batch: PointColumns): IngestResult {
    this.callId++;
    this.warnings = new Set();
    if (!this.deferRollups) this.resetTouched();
    const derivedOut: Point[] = [];
    if (batch.space !== this.columnSpace) {
      this.columnSpace = batch.space;
      this.kpiById = [];
      this.rowById = [];
    }
    const n = batch.length;
    const ids = batch.ids;
    const times = batch.times;
    const values = batch.values;
    let order: Int32Array | undefined;
    for (let i = 1; i < n; i++) {
      if (times[i]! < times[i - 1]!) {
        order = timeOrder(times, n);
        break;
      }
    }

    const call = this.callId;
    for (let k = 0; k < n; k++) {
      const i = order === undefined ? k : order[k]!;
      const ks = this.kpiOfId(batch.space, ids[i]!);
      if (ks === null) continue;
      const time = times[i]!;
      if (ks.callStamp !== call) {
        ks.callStamp = call;
        ks.callMin = time;
      }
      ks.callMax = time;
    }

    const evaluations = this.scheduleEvaluations();
    const kpiById = this.kpiById;
    const rowById = this.rowById;
    let e = 0;
    for (let k = 0; k < n; k++) {
      const i = order === undefined ? k : order[k]!;
      const time = times[i]!;
      while (e < evaluations.length && evaluations[e]!.time < time) this.evaluate(evaluations[e++]!, derivedOut);
      const id = ids[i]!;
      const ks = kpiById[id]!;
      if (ks === null) {
        this.warnings.add(`${batch.space.identity(id).kpi}: not a KPI of the configuration; its points are ignored`);
        continue;
      }
      let row = rowById[id]!;
      if (row < 0) {
        row = ks.seriesFor(batch.space.identity(id).tags).row;
        rowById[id] = row;
      }
      const value = values[i]!;
      if (!Number.isFinite(value) || !Number.isFinite(time)) {
        this.warnings.add(`${ks.def.id}: ignored a point with a non-finite value or time`);
        continue;
      }
      const day = this.calendar.dayOf(time);
      this.touch(ks, ks.addToRow(row, time, value, day) ? row : -1, time, day);
    }
    while (e < evaluations.length) this.evaluate(evaluations[e++]!, derivedOut);

    const rollups = this.deferRollups ? [] : this.touchedRollups();
    return { derived: derivedOut, rollups, warnings: [...this.warnings] };
  }

  /** The KPI state of series `id` of `space` (null when its KPI is not configured), cached by id. */
  private kpiOfId(space: SeriesSpace, id: number): KpiState | null {
    const known = this.kpiById[id];
    if (known !== undefined) return known;
    // Keep the arrays dense (ids come in any order), so V8 keeps them as fast arrays.
    while (this.kpiById.length <= id) {
      this.kpiById.push(undefined);
      this.rowById.push(-1);
    }
    const ks = this.states.get(space.identity(id).kpi) ?? null;
    this.kpiById[id] = ks;
    return ks;
  }

  /**
   * Rebuilds state from stored history (e.g. InfluxDB after a restart) without producing output:
   * the buckets enter the KPIs' state — raw and derived KPIs alike — but no derived KPI is
   * evaluated and no period is marked for rollups (their points are already stored). Afterwards,
   * each derived KPI counts as evaluated at the newest time of its inputs, as after live ingestion,
   * so the next `ingest` evaluates at the same cadence boundaries as the engine that saw the data
   * live. Meant for an engine that has not seen this history yet: restoring a bucket twice counts
   * it twice. Any order works (history may come newest first). O(buckets + derived KPIs × inputs).
   */
  restoreHistory(history: readonly HistoryBucket[]): RestoreResult {
    const warnings = new Set<string>();
    let applied = 0;
    for (const b of history) {
      const ks = this.states.get(b.kpi);
      if (ks === undefined) {
        warnings.add(`${b.kpi}: not a KPI of the configuration; its history is ignored`);
        continue;
      }
      if (
        !Number.isFinite(b.sum) ||
        !Number.isFinite(b.last) ||
        !Number.isFinite(b.firstTime) ||
        !Number.isFinite(b.lastTime) ||
        !(b.count >= 1) ||
        b.firstTime > b.lastTime
      ) {
        warnings.add(`${b.kpi}: ignored history with a non-finite value or time, no values, or first time after last time`);
        continue;
      }
      const s = ks.addAggregate(b.tags, this.calendar.dayOf(b.lastTime), b.firstTime, b.lastTime, b.sum, b.count, b.last);
      if (s === undefined) {
        warnings.add(`${b.kpi}: ignored history older than the ${this.historyDays} days kept`);
        continue;
      }
      if (b.lastTime > this.highWater) this.highWater = b.lastTime;
      applied++;
    }
    for (const kpi of this.derived) {
      let newest = this.states.get(kpi.id)!.maxLatestTime;
      for (const input of kpi.inputs) newest = Math.max(newest, this.states.get(input)!.maxLatestTime);
      const last = this.lastEvaluation.get(kpi.id);
      if (newest !== -Infinity && (last === undefined || newest > last)) this.lastEvaluation.set(kpi.id, newest);
    }
    return { applied, warnings: [...warnings] };
  }

  /**
   * Deferred mode: the rollups of every period touched since the last flush, each once, with its
   * value as of now; then starts a new touched set. (In per-call mode there is nothing pending.)
   */
  flushRollups(): Point[] {
    const rollups = this.touchedRollups();
    this.resetTouched();
    return rollups;
  }

  /** Whether deferred rollups are waiting for `flushRollups()`. */
  hasPendingRollups(): boolean {
    return this.touchedStates.length > 0;
  }

  private touchedRollups(): Point[] {
    const now = this.now();
    const rollups: Point[] = [];
    for (const ks of this.touchedStates) {
      const points = rollupPoints(ks, this.touched.get(ks)!, { calendar: this.calendar, fx: this.fx, now });
      for (const p of points) rollups.push(p);
    }
    return rollups;
  }

  private resetTouched(): void {
    this.touchGeneration++;
    this.touchedStates = [];
    this.touched = new Map();
  }

  /** The current total of each KPI that has data (for the API). */
  snapshot(): KpiSnapshotEntry[] {
    const out: KpiSnapshotEntry[] = [];
    const saved = this.warnings;
    this.warnings = new Set();
    for (const def of this.config.kpis) {
      const ks = this.states.get(def.id)!;
      if (ks.list.length === 0) continue;
      const value = ks.latestTotal(Math.max(ks.maxLatestTime, this.now()), this.fx);
      if (Number.isFinite(value)) out.push({ kpi: def.id, value, time: ks.maxLatestTime, unit: def.unit });
    }
    this.warnings = saved;
    return out;
  }

  private now(): number {
    return this.clock ? this.clock.now() : this.highWater;
  }

  /** Evaluations of this call, ordered by time and then dependency rank. */
  private scheduleEvaluations(): Evaluation[] {
    const out: Evaluation[] = [];
    const call = this.callId;
    for (const kpi of this.derived) {
      let tmin = Infinity;
      let tmax = -Infinity;
      for (const input of kpi.inputs) {
        const ks = this.states.get(input)!;
        if (ks.callStamp !== call) continue;
        if (ks.callMin < tmin) tmin = ks.callMin;
        if (ks.callMax > tmax) tmax = ks.callMax;
      }
      if (tmax === -Infinity) continue;
      const last = this.lastEvaluation.get(kpi.id);
      const lo = last === undefined || last >= tmin ? tmin - 1 : Math.max(last, tmin - kpi.cadenceMs);
      const bounds = cadenceBoundaries(kpi.cadenceMs, lo, tmax, this.calendar, this.maxEvaluations);
      if (bounds.length === this.maxEvaluations) {
        this.warnings.add(
          `${kpi.id}: more than ${this.maxEvaluations} cadence steps in one call; evaluated the newest ${this.maxEvaluations}`,
        );
      }
      for (const time of bounds) out.push({ time, kpi });
      if (bounds[bounds.length - 1] !== tmax) out.push({ time: tmax, kpi });
    }
    out.sort((a, b) => a.time - b.time || a.kpi.rank - b.kpi.rank);
    return out;
  }

  private evaluate(ev: Evaluation, derivedOut: Point[]): void {
    const { kpi, time } = ev;
    const last = this.lastEvaluation.get(kpi.id);
    if (last === undefined || time > last) this.lastEvaluation.set(kpi.id, time);
    const value = kpi.formula.evaluate(this.source, time);
    if (value === undefined) return;
    const p = pointAt(kpi.id, {}, value, time);
    derivedOut.push(p);
    this.apply(p, this.states.get(kpi.id));
  }

  private apply(p: Point, ks: KpiState | undefined): void {
    if (ks === undefined) {
      this.warnings.add(`${p.kpi}: not a KPI of the configuration; its points are ignored`);
      return;
    }
    if (!Number.isFinite(p.value) || !Number.isFinite(p.time)) {
      this.warnings.add(`${p.kpi}: ignored a point with a non-finite value or time`);
      return;
    }
    const day = this.calendar.dayOf(p.time);
    const s = ks.add(p.tags, p.time, p.value, day);
    this.touch(ks, s === undefined ? -1 : s.row, p.time, day);
  }

  /** Bookkeeping after a value of `ks` at `time` (on `day`) was added to the series in row `row` (-1: refused as too old). */
  private touch(ks: KpiState, row: number, time: number, day: number): void {
    if (row < 0) {
      this.warnings.add(`${ks.def.id}: ignored points older than the ${this.historyDays} days of history kept`);
      return;
    }
    if (time > this.highWater) this.highWater = time;
    if (!ks.hasRollups || !ks.markTouched(row, this.touchGeneration, day)) return;
    let days = this.touched.get(ks);
    if (days === undefined) {
      days = new Map();
      this.touched.set(ks, days);
      this.touchedStates.push(ks);
    }
    let set = days.get(day);
    if (set === undefined) days.set(day, (set = new Set()));
    set.add(ks.list[row]!);
  }
}

/** Indices 0..n-1 ordered by time, ties in index order (a stable sort). */
function timeOrder(times: Float64Array, n: number): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => times[a]! - times[b]! || a - b);
  return Int32Array.from(order);
}
