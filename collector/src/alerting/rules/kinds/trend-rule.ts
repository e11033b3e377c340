import type { KpiDefinition } from '../../../config/kpi-schema';
import type { RuleOfType } from '../../../config/rule-schema';
import { durationMs } from '../../../config/scalar-schemas';
import { comparisonWords, formatPct, formatValue, seriesName } from '../../alert-text';
import { OwnSeriesEvaluator } from '../own-series-evaluator';
import type { ConditionSignal, EffectiveRuleOf, RuleBinding, RuleKind, SignalSink } from '../rule-kind';
import { finiteOr, isRecord, SeriesTable, type SeriesEntry } from '../series-table';

/**
 * trend: the last window against the window before it, e.g. burn rate up 30% week over week.
 *
 * Each series keeps a ring of 2·N time buckets (N = window ÷ cadence, at most TREND_MAX_BUCKETS;
 * bucket = window ÷ N), so memory per series is fixed (≤ 48 buckets × 5 numbers) and windows
 * slide by a bucket. The last window is the N buckets ending with the newest point's bucket, the
 * previous window the N before. A window's value follows the KPI (see `trendAggregation`): raw
 * flow = sum, derived flow and rate = mean, stock = its last value (its level now against its
 * level a window ago).
 *
 * The comparison needs data in both windows (sums: in at least half of each window's buckets, so
 * a partly filled window does not look like a drop), a previous value ≠ 0 and, with `minBase`,
 * |previous| ≥ minBase; otherwise the series keeps its state. change = (last − previous) / |previous|.
 */

/** Most buckets per window: bounds memory per series and the cost of a comparison. */
export const TREND_MAX_BUCKETS = 24;

type Rule = EffectiveRuleOf<'trend'>;

/** A ring of 2N buckets in one Float64Array: ids | sum | count | last | lastTime, 2N each. */
interface TrendState {
  ring: Float64Array;
  /** The newest bucket index seen; -Infinity before the first point. */
  maxB: number;
  active: boolean | undefined;
}

const ID = 0;
const SUM = 1;
const CNT = 2;
const LAST = 3;
const LAST_T = 4;

function emptyRing(slots: number): Float64Array {
  const ring = new Float64Array(slots * 5);
  ring.fill(NaN, 0, slots);
  ring.fill(-Infinity, LAST_T * slots, 5 * slots);
  return ring;
}

/** The window geometry of a rule on a KPI: buckets per window and bucket length. */
export function trendGeometry(windowMs: number, cadenceMs: number): { buckets: number; bucketMs: number } {
  const buckets = Math.min(TREND_MAX_BUCKETS, Math.max(1, Math.round(windowMs / cadenceMs)));
  return { buckets, bucketMs: windowMs / buckets };
}

/**
 * How a window is summarised: a raw flow's amounts add up (sum); a derived flow (already a
 * running total such as a 30-day burn) and a rate average (mean); a stock's level is its last value.
 */
export function trendAggregation(kpi: Pick<KpiDefinition, 'kind' | 'formula'>): 'sum' | 'mean' | 'last' {
  if (kpi.kind === 'stock') return 'last';
  return kpi.kind === 'flow' && kpi.formula === undefined ? 'sum' : 'mean';
}

interface WindowValue {
  value: number;
  covered: number;
}

class TrendEvaluator extends OwnSeriesEvaluator<TrendState, Rule> {
  private readonly n: number;
  private readonly bucketMs: number;
  private readonly windowMs: number;
  private readonly aggregation: 'sum' | 'mean' | 'last';
  private readonly a: WindowValue = { value: 0, covered: 0 };
  private readonly b: WindowValue = { value: 0, covered: 0 };

  constructor(private readonly binding: RuleBinding<RuleOfType<'trend'>>) {
    const windowMs = durationMs(binding.rule.window);
    const geometry = trendGeometry(windowMs, durationMs(binding.kpi.cadence));
    const slots = 2 * geometry.buckets;
    super(new SeriesTable<TrendState, Rule>(binding.rule, {
      initial: () => ({ ring: emptyRing(slots), maxB: -Infinity, active: undefined }),
      encode: (s) => ({
        ring: Array.from(s.ring, (x) => (Number.isFinite(x) ? x : null)),
        maxB: Number.isFinite(s.maxB) ? s.maxB : null,
        active: s.active ?? null,
      }),
      decode: (json) => {
        if (!isRecord(json) || !Array.isArray(json.ring) || json.ring.length !== slots * 5) return undefined;
        const ring = emptyRing(slots);
        json.ring.forEach((x, i) => {
          if (typeof x === 'number' && Number.isFinite(x)) ring[i] = x;
        });
        return { ring, maxB: finiteOr(json.maxB, -Infinity), active: typeof json.active === 'boolean' ? json.active : undefined };
      },
    }));
    this.windowMs = windowMs;
    this.aggregation = trendAggregation(binding.kpi);
    this.n = geometry.buckets;
    this.bucketMs = geometry.bucketMs;
  }

  onValue(entry: SeriesEntry<TrendState, Rule>, time: number, value: number, _now: number, emit: SignalSink): void {
    if (!this.add(entry.state, time, value)) return;
    this.series.touch(entry);
    const s = entry.state;
    this.windowValue(s, s.maxB, this.a);
    this.windowValue(s, s.maxB - this.n, this.b);
    const minCovered = this.aggregation === 'sum' ? Math.ceil(this.n / 2) : 1;
    if (this.a.covered < minCovered || this.b.covered < minCovered) return;
    const last = this.a.value;
    const previous = this.b.value;
    const rule = entry.rule;
    if (previous === 0 || (rule.minBase !== undefined && Math.abs(previous) < rule.minBase)) return;
    const changePct = ((last - previous) / Math.abs(previous)) * 100;
    const active = rule.direction === 'up' ? changePct >= rule.changePct : changePct <= -rule.changePct;
    const was = s.active;
    s.active = active;
    if (active || was === true || (was === undefined && emit.hasAlerts())) emit(entry as SeriesEntry, this.signal(entry, last, previous, changePct, active));
  }

  /** Adds a point to the ring; false when it is older than the ring covers. */
  private add(s: TrendState, time: number, value: number): boolean {
    const slots = 2 * this.n;
    const ring = s.ring;
    const b = Math.floor(time / this.bucketMs);
    if (b > s.maxB) {
      for (let k = Math.max(s.maxB + 1, b - slots + 1); k <= b; k++) {
        const slot = mod(k, slots);
        ring[ID * slots + slot] = k;
        ring[SUM * slots + slot] = 0;
        ring[CNT * slots + slot] = 0;
        ring[LAST * slots + slot] = NaN;
        ring[LAST_T * slots + slot] = -Infinity;
      }
      s.maxB = b;
    } else if (b <= s.maxB - slots) {
      return false;
    }
    const slot = mod(b, slots);
    if (ring[ID * slots + slot] !== b) return false;
    ring[SUM * slots + slot] = (ring[SUM * slots + slot] as number) + value;
    ring[CNT * slots + slot] = (ring[CNT * slots + slot] as number) + 1;
    if (time >= (ring[LAST_T * slots + slot] as number)) {
      ring[LAST * slots + slot] = value;
      ring[LAST_T * slots + slot] = time;
    }
    return true;
  }

  /** The window of N buckets ending with bucket `end` (inclusive). */
  private windowValue(s: TrendState, end: number, out: WindowValue): void {
    const slots = 2 * this.n;
    const ring = s.ring;
    let sum = 0;
    let count = 0;
    let covered = 0;
    let last = NaN;
    let lastT = -Infinity;
    for (let k = end - this.n + 1; k <= end; k++) {
      const slot = mod(k, slots);
      const c = ring[CNT * slots + slot] as number;
      if (ring[ID * slots + slot] !== k || c === 0) continue;
      covered++;
      sum += ring[SUM * slots + slot] as number;
      count += c;
      const t = ring[LAST_T * slots + slot] as number;
      if (t > lastT) {
        lastT = t;
        last = ring[LAST * slots + slot] as number;
      }
    }
    out.covered = covered;
    out.value = covered === 0 ? NaN : this.aggregation === 'sum' ? sum : this.aggregation === 'mean' ? sum / count : last;
  }

  private signal(entry: SeriesEntry<TrendState, Rule>, last: number, previous: number, changePct: number, active: boolean): ConditionSignal {
    const rule = entry.rule;
    const kpi = this.binding.kpi;
    const name = seriesName(kpi, entry.tags);
    const moved = changePct >= 0 ? 'up' : 'down';
    const words = comparisonWords(this.windowMs);
    const values = `${formatValue(last, kpi, entry.tags)} vs ${formatValue(previous, kpi, entry.tags)}`;
    const summary = active
      ? `${name} ${moved} ${formatPct(Math.abs(changePct))} ${words} (${values})`
      : `${name} ${moved} ${formatPct(Math.abs(changePct))} ${words}, less than the ${formatPct(rule.changePct)} ${rule.direction === 'up' ? 'rise' : 'fall'} that alerts (${values})`;
    return {
      active,
      severity: rule.severity,
      summary,
      value: last,
      threshold: rule.changePct,
      details: {
        window: rule.window,
        direction: rule.direction,
        changePct: Math.round(changePct * 100) / 100,
        alertAtPct: rule.changePct,
        last,
        previous,
        ...(rule.minBase === undefined ? {} : { minBase: rule.minBase }),
      },
    };
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

export const trendRuleKind: RuleKind<'trend'> = {
  type: 'trend',
  create: (binding) => new TrendEvaluator(binding),
};
