import type { KpiDefinition, Period } from '../../../config/kpi-schema';
import type { RuleOfType } from '../../../config/rule-schema';
import type { Point } from '../../../core/point';
import { civilFromDays } from '../../../kpi/company-calendar';
import { formatValue, seriesName } from '../../alert-text';
import { VALUE_INPUT, type ConditionSignal, type EffectiveRuleOf, type RuleBinding, type RuleEnvironment, type RuleEvaluator, type RuleKind, type SignalSink } from '../rule-kind';
import { finiteOr, isRecord, SeriesTable, type SeriesEntry } from '../series-table';

/**
 * milestone (information): announces a value passing a mark — an event that fires once and
 * resolves by itself (the lifecycle holds it briefly, see EVENT_HOLD_MS).
 *
 * - Flow KPIs (`period` month/quarter/year): the company-wide period-to-date total passes a mark;
 *   each mark is announced at most once per period and direction. The total is built from the
 *   `scope=total` rollups: monthly rollups (one per month, summed over the quarter or year), else
 *   daily rollups; a flow without either adds up its raw points.
 * - Stocks and rates: the level crosses a mark. A KPI with dimensions and rollups is judged on its
 *   company-wide total (the finest rollup's `scope=total` value: headcount 450 across departments);
 *   otherwise each series on its own values.
 *
 * When one point passes several marks, only the furthest is announced (the others are counted as
 * passed). Crossing back re-arms a mark only once the value is MILESTONE_REARM_FRACTION beyond it,
 * so a level hovering at a mark is announced once. The first value a rule sees sets the position
 * without an announcement (marks passed before finmon watched are not news).
 */

/** A passed mark re-arms once the value is back this fraction of |mark| on the other side. */
export const MILESTONE_REARM_FRACTION = 0.01;

type Rule = EffectiveRuleOf<'milestone'>;

/** Where a milestone's value comes from. */
export interface MilestoneSource {
  readonly input: string;
  /** total: the `scope=total` rollup as one KPI-wide value; series: each series' own values; sum: raw flow points added up. */
  readonly mode: 'total' | 'series' | 'sum';
}

const PERIOD_ORDER: readonly Period[] = ['daily', 'weekly', 'monthly'];

/** The input a milestone rule reads for its KPI (see the module comment). */
export function milestoneSource(kpi: Pick<KpiDefinition, 'kind' | 'rollups' | 'dimensions'>, period: Rule['period']): MilestoneSource {
  if (kpi.kind === 'flow' && period !== undefined) {
    if (kpi.rollups.includes('monthly')) return { input: 'rollup_monthly', mode: 'total' };
    if (kpi.rollups.includes('daily')) return { input: 'rollup_daily', mode: 'total' };
    return { input: VALUE_INPUT, mode: 'sum' };
  }
  const finest = PERIOD_ORDER.find((p) => kpi.rollups.includes(p));
  if (kpi.dimensions.length > 0 && finest !== undefined) return { input: `rollup_${finest}`, mode: 'total' };
  return { input: VALUE_INPUT, mode: 'series' };
}

interface MilestoneState {
  /** Per mark: 1 at or above, 0 below, -1 not known yet. */
  pos: number[];
  /** Flows: the milestone period (month, quarter or year key) being totalled. */
  period: number | undefined;
  /** Flows: totals of the parts (months, days, or 'sum' for raw points) of the period. */
  parts: Record<string, number>;
  /** Flows: marks announced this period, as `u<index>` / `d<index>`. */
  fired: string[];
  /** Newest point time (levels). */
  t: number;
}

class MilestoneEvaluator implements RuleEvaluator {
  readonly inputs: readonly string[];
  readonly series: SeriesTable<MilestoneState, Rule>;
  private readonly source: MilestoneSource;
  private readonly rule: RuleOfType<'milestone'>;

  constructor(
    private readonly binding: RuleBinding<RuleOfType<'milestone'>>,
    private readonly env: RuleEnvironment,
  ) {
    this.rule = binding.rule;
    this.source = milestoneSource(binding.kpi, binding.rule.period);
    this.inputs = [this.source.input];
    const marks = binding.rule.marks.length;
    this.series = new SeriesTable<MilestoneState, Rule>(binding.rule, {
      initial: () => ({ pos: new Array<number>(marks).fill(-1), period: undefined, parts: {}, fired: [], t: -Infinity }),
      encode: (s) => ({ ...s, period: s.period ?? null, t: Number.isFinite(s.t) ? s.t : null }),
      decode: (json) => {
        if (!isRecord(json) || !Array.isArray(json.pos) || json.pos.length !== marks) return undefined;
        const parts: Record<string, number> = {};
        if (isRecord(json.parts)) for (const [k, v] of Object.entries(json.parts)) if (typeof v === 'number') parts[k] = v;
        return {
          pos: json.pos.map((p) => (p === 0 || p === 1 ? p : -1)),
          period: finiteOr(json.period, undefined),
          parts,
          fired: Array.isArray(json.fired) ? json.fired.filter((f): f is string => typeof f === 'string') : [],
          t: finiteOr(json.t, -Infinity),
        };
      },
    });
  }

  onPoint(point: Point, input: string, now: number, emit: SignalSink): SeriesEntry | undefined {
    const mode = this.source.mode;
    if (mode === 'total' && point.tags.scope !== 'total') return undefined;
    const entry = mode === 'series' ? this.series.forPoint(point, input, now) : this.series.obtain('', {}, now);
    const flow = this.rule.period !== undefined && this.binding.kpi.kind === 'flow';
    const value = flow ? this.periodToDate(entry.state, point, input) : this.level(entry.state, point);
    this.series.touch(entry);
    if (value !== undefined) this.cross(entry, value, flow, emit);
    return entry as SeriesEntry;
  }

  /** A level's new value, or undefined for a point older than the newest. */
  private level(s: MilestoneState, point: Point): number | undefined {
    if (point.time < s.t) return undefined;
    s.t = point.time;
    return point.value;
  }

  /** Adds a point to the period-to-date total; undefined for a point of an earlier period. */
  private periodToDate(s: MilestoneState, point: Point, input: string): number | undefined {
    const cal = this.env.calendar;
    const day = cal.dayOf(point.time);
    const month = cal.monthOf(day);
    const period = this.rule.period === 'year' ? Math.floor(month / 12) : this.rule.period === 'quarter' ? Math.floor(month / 3) : month;
    if (s.period !== undefined && period < s.period) return undefined;
    if (s.period !== undefined && period > s.period) {
      // A new period starts from zero: marks are measured from there.
      s.parts = {};
      s.fired = [];
      s.pos = s.pos.map((_, i) => (0 >= this.rule.marks[i]! ? 1 : 0));
    }
    s.period = period;
    if (input === VALUE_INPUT) s.parts.sum = (s.parts.sum ?? 0) + point.value;
    else s.parts[input === 'rollup_monthly' ? `m${month}` : `d${day}`] = point.value;
    let total = 0;
    for (const v of Object.values(s.parts)) total += v;
    return total;
  }

  private cross(entry: SeriesEntry<MilestoneState, Rule>, value: number, flow: boolean, emit: SignalSink): void {
    const s = entry.state;
    const marks = this.rule.marks;
    const crossing = this.rule.crossing;
    let up = -1;
    let down = -1;
    const passed: number[] = [];
    for (let i = 0; i < marks.length; i++) {
      const mark = marks[i]!;
      if (s.pos[i] === -1) {
        s.pos[i] = value >= mark ? 1 : 0;
      } else if (s.pos[i] === 0 && value >= mark) {
        s.pos[i] = 1;
        if (crossing !== 'down' && !(flow && s.fired.includes(`u${i}`))) {
          if (flow) s.fired.push(`u${i}`);
          up = i;
          passed.push(mark);
        }
      } else if (s.pos[i] === 1 && value < mark - Math.abs(mark) * MILESTONE_REARM_FRACTION) {
        s.pos[i] = 0;
        if (crossing !== 'up' && !(flow && s.fired.includes(`d${i}`))) {
          if (flow) s.fired.push(`d${i}`);
          if (down === -1) down = i;
          passed.push(mark);
        }
      }
    }
    if (up >= 0) emit(entry as SeriesEntry, this.signal(entry, value, up, 'up', passed, flow));
    if (down >= 0) emit(entry as SeriesEntry, this.signal(entry, value, down, 'down', passed, flow));
  }

  private signal(
    entry: SeriesEntry<MilestoneState, Rule>,
    value: number,
    index: number,
    direction: 'up' | 'down',
    passed: readonly number[],
    flow: boolean,
  ): ConditionSignal {
    const kpi = this.binding.kpi;
    const mark = this.rule.marks[index]!;
    const name = seriesName(kpi, entry.tags);
    let summary: string;
    const details: Record<string, string | number | boolean> = { mark, direction, marksPassed: passed.join(',') };
    if (flow) {
      const label = this.periodLabel(entry.state.period ?? 0);
      const toDate = `${this.rule.period} to date`;
      summary =
        direction === 'up'
          ? `${name} passed ${formatValue(mark, kpi, entry.tags)} for ${label} (${formatValue(value, kpi, entry.tags)} ${toDate})`
          : `${name} fell below ${formatValue(mark, kpi, entry.tags)} for ${label} (${formatValue(value, kpi, entry.tags)} ${toDate})`;
      details.period = label;
      details.periodToDate = value;
    } else {
      summary =
        direction === 'up'
          ? `${name} rose to ${formatValue(mark, kpi, entry.tags)} or more (${formatValue(value, kpi, entry.tags)})`
          : `${name} fell below ${formatValue(mark, kpi, entry.tags)} (${formatValue(value, kpi, entry.tags)})`;
    }
    return {
      active: true,
      event: true,
      severity: entry.rule.severity,
      summary,
      value,
      threshold: mark,
      variant: { mark: String(mark) },
      details,
    };
  }

  /** "2025-03", "2025-Q1" or "2025" for a period key. */
  private periodLabel(period: number): string {
    if (this.rule.period === 'year') return String(period);
    if (this.rule.period === 'quarter') return `${Math.floor(period / 4)}-Q${(period % 4) + 1}`;
    const { year, month } = civilFromDays(this.env.calendar.periodDays('monthly', period).first);
    return `${year}-${String(month).padStart(2, '0')}`;
  }
}

export const milestoneRuleKind: RuleKind<'milestone'> = {
  type: 'milestone',
  create: (binding, env) => new MilestoneEvaluator(binding, env),
};
