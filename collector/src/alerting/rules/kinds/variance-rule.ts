import { DateTime } from 'luxon';
import type { Period } from '../../../config/kpi-schema';
import type { RuleOfType } from '../../../config/rule-schema';
import type { Point } from '../../../core/point';
import { formatPct, formatValue, seriesName } from '../../alert-text';
import type { ConditionSignal, EffectiveRuleOf, RuleBinding, RuleEnvironment, RuleEvaluator, RuleKind, SignalSink } from '../rule-kind';
import { finiteOr, isRecord, SeriesTable, type SeriesEntry } from '../series-table';

/**
 * variance: the KPI's actual against its target or budget, from the company-wide (`scope=total`)
 * rollup points of the window's period (day → rollup_daily, week → rollup_weekly,
 * month_to_date → rollup_monthly; the goal is the rollup's `target`/`budget` field, else the KPI's).
 *
 * When a period is evaluated:
 * - a complete period (now at or past its end): its final value against the full goal — checked
 *   when the next period's first rollup arrives or on the first tick after the end; the verdict
 *   stands until the next one;
 * - the period in progress, on each rollup point, once VARIANCE_MIN_ELAPSED_FRACTION of it has
 *   passed (earlier projections swing too much): with `projected`, the end-of-period projection
 *   (the rollup's `projected`, else value ÷ elapsed fraction) against the goal; month_to_date
 *   without `projected`, the month so far against the goal pro rata (flows; other kinds compare
 *   with the goal itself); day and week without `projected` wait for the period's end.
 *
 * Deviation = actual − goal, in the KPI's unit and in percent of |goal|. `direction` under fires
 * below the goal, over above it, either both ways; with `pct` and `absolute`, both must be exceeded.
 */

/** Share of a period that must have passed before an in-progress period is judged. */
export const VARIANCE_MIN_ELAPSED_FRACTION = 0.2;

type Rule = EffectiveRuleOf<'variance'>;

const WINDOW_PERIOD: Record<Rule['window'], Period> = { day: 'daily', week: 'weekly', month_to_date: 'monthly' };
const WINDOW_WORD: Record<Rule['window'], string> = { day: 'day', week: 'week', month_to_date: 'month' };

interface VarianceState {
  /** The latest period seen: start and end (epoch ms), its value, projection and goal. */
  start: number | undefined;
  end: number;
  value: number;
  projected: number | undefined;
  goal: number | undefined;
  /** The complete period's verdict has been given. */
  final: boolean;
  active: boolean | undefined;
}

const codec = {
  initial: (): VarianceState => ({ start: undefined, end: 0, value: 0, projected: undefined, goal: undefined, final: false, active: undefined }),
  encode: (s: VarianceState) => ({ ...s, start: s.start ?? null, projected: s.projected ?? null, goal: s.goal ?? null, active: s.active ?? null }),
  decode: (json: unknown): VarianceState | undefined => {
    if (!isRecord(json)) return undefined;
    const start = finiteOr(json.start, undefined);
    return {
      start,
      end: finiteOr(json.end, 0),
      value: finiteOr(json.value, 0),
      projected: finiteOr(json.projected, undefined),
      goal: finiteOr(json.goal, undefined),
      final: json.final === true,
      active: typeof json.active === 'boolean' ? json.active : undefined,
    };
  },
};

/** The outcome of comparing an actual with its goal. */
export interface VarianceVerdict {
  readonly active: boolean;
  readonly deviation: number;
  /** Deviation in percent of |goal|; undefined when the goal is 0. */
  readonly deviationPct: number | undefined;
}

/** Compares `actual` with `goal` under the rule's direction and limits. */
export function varianceVerdict(rule: Pick<Rule, 'direction' | 'pct' | 'absolute'>, actual: number, goal: number): VarianceVerdict {
  const deviation = actual - goal;
  const deviationPct = goal === 0 ? undefined : (deviation / Math.abs(goal)) * 100;
  const sideOk = rule.direction === 'under' ? deviation < 0 : rule.direction === 'over' ? deviation > 0 : deviation !== 0;
  const pctOk = rule.pct === undefined || (deviationPct !== undefined && Math.abs(deviationPct) >= rule.pct);
  const absOk = rule.absolute === undefined || Math.abs(deviation) >= rule.absolute;
  return { active: sideOk && pctOk && absOk, deviation, deviationPct };
}

class VarianceEvaluator implements RuleEvaluator {
  readonly inputs: readonly string[];
  readonly series: SeriesTable<VarianceState, Rule>;
  private readonly period: Period;

  constructor(
    private readonly binding: RuleBinding<RuleOfType<'variance'>>,
    private readonly env: RuleEnvironment,
  ) {
    this.series = new SeriesTable<VarianceState, Rule>(binding.rule, codec);
    this.period = WINDOW_PERIOD[binding.rule.window];
    this.inputs = [`rollup_${this.period}`];
  }

  onPoint(point: Point, input: string, now: number, emit: SignalSink): SeriesEntry | undefined {
    if (point.tags.scope !== 'total') return undefined;
    const entry = this.series.forPoint(point, input, now);
    const s = entry.state;
    if (s.start !== undefined && point.time < s.start) return entry as SeriesEntry;
    if (s.start !== undefined && point.time > s.start && !s.final) this.judge(entry, now, emit, true);
    if (s.start !== point.time) {
      s.start = point.time;
      s.end = this.periodEnd(point.time);
      s.final = false;
    }
    s.value = point.value;
    const projected = point.fields?.projected;
    s.projected = typeof projected === 'number' && Number.isFinite(projected) ? projected : undefined;
    const goalField = point.fields?.[this.binding.rule.against];
    const goal = typeof goalField === 'number' && Number.isFinite(goalField) ? goalField : this.binding.kpi[this.binding.rule.against]?.[this.period];
    s.goal = goal;
    this.series.touch(entry);
    this.judge(entry, now, emit, now >= s.end);
    return entry as SeriesEntry;
  }

  onTick(now: number, emit: SignalSink): void {
    for (const entry of this.series.entries()) {
      const s = entry.state;
      if (s.start !== undefined && !s.final && now >= s.end) this.judge(entry, now, emit, true);
    }
  }

  nextDueAt(): number | undefined {
    let due: number | undefined;
    for (const entry of this.series.entries()) {
      const s = entry.state;
      if (s.start !== undefined && !s.final && (due === undefined || s.end < due)) due = s.end;
    }
    return due;
  }

  private periodEnd(start: number): number {
    const cal = this.env.calendar;
    const day = cal.dayOf(start);
    const { end } = cal.periodDays(this.period, cal.periodOf(this.period, day));
    return cal.dayStart(end);
  }

  /** Gives the verdict on the entry's period: final (complete) or in progress. */
  private judge(entry: SeriesEntry<VarianceState, Rule>, now: number, emit: SignalSink, complete: boolean): void {
    const s = entry.state;
    const rule = entry.rule;
    if (s.start === undefined || s.goal === undefined) return;
    const flow = this.binding.kpi.kind === 'flow';
    let actual = s.value;
    let goal = s.goal;
    let basis: 'final' | 'projected' | 'pro_rata' | 'to_date';
    const elapsed = Math.min(1, Math.max(0, (now - s.start) / (s.end - s.start)));
    if (complete) {
      basis = 'final';
      s.final = true;
      this.series.touch(entry);
    } else {
      if (!rule.projected && rule.window !== 'month_to_date') return;
      if (elapsed < VARIANCE_MIN_ELAPSED_FRACTION) return;
      if (rule.projected && flow) {
        basis = 'projected';
        actual = s.projected ?? s.value / elapsed;
      } else if (flow) {
        basis = 'pro_rata';
        goal = s.goal * elapsed;
      } else {
        basis = 'to_date';
      }
    }
    const verdict = varianceVerdict(rule, actual, goal);
    const was = s.active;
    s.active = verdict.active;
    this.series.touch(entry);
    if (verdict.active || was === true || (was === undefined && emit.hasAlerts())) emit(entry as SeriesEntry, this.signal(entry, verdict, actual, goal, basis, elapsed));
  }

  private signal(
    entry: SeriesEntry<VarianceState, Rule>,
    verdict: VarianceVerdict,
    actual: number,
    goal: number,
    basis: 'final' | 'projected' | 'pro_rata' | 'to_date',
    elapsed: number,
  ): ConditionSignal {
    const rule = entry.rule;
    const kpi = this.binding.kpi;
    const name = seriesName(kpi, entry.tags);
    const unit = WINDOW_WORD[rule.window];
    const periodStart = DateTime.fromMillis(entry.state.start ?? 0, { zone: this.env.calendar.zone }).toISODate() ?? '';
    const side = verdict.deviation < 0 ? 'under' : 'over';
    const dev = verdict.deviationPct === undefined ? formatValue(Math.abs(verdict.deviation), kpi) : formatPct(Math.abs(verdict.deviationPct));
    const goalText = `${rule.against} ${formatValue(goal, kpi)}`;
    let what: string;
    if (basis === 'final') what = `${name} for the ${unit} of ${periodStart} was ${formatValue(actual, kpi)}`;
    else if (basis === 'projected') what = `${name} projects ${formatValue(actual, kpi)} for the ${unit}`;
    else if (basis === 'pro_rata') what = `${name} ${unit} to date is ${formatValue(actual, kpi)}`;
    else what = `${name} is ${formatValue(actual, kpi)}`;
    const limit = [rule.pct === undefined ? '' : formatPct(rule.pct), rule.absolute === undefined ? '' : formatValue(rule.absolute, kpi)]
      .filter((x) => x !== '')
      .join(' and ');
    const summary = verdict.active
      ? `${what}, ${dev} ${side} ${goalText}${basis === 'pro_rata' ? ' (pro rata)' : ''}`
      : `${what}, within ${limit} of ${goalText} (${dev} ${side})`;
    return {
      active: verdict.active,
      severity: rule.severity,
      summary,
      value: actual,
      threshold: goal,
      details: {
        against: rule.against,
        window: rule.window,
        basis,
        periodStart,
        elapsedPct: Math.round(elapsed * 1000) / 10,
        actual,
        goal,
        variance: verdict.deviation,
        ...(verdict.deviationPct === undefined ? {} : { variancePct: Math.round(verdict.deviationPct * 100) / 100 }),
        direction: rule.direction,
      },
    };
  }
}

export const varianceRuleKind: RuleKind<'variance'> = {
  type: 'variance',
  create: (binding, env) => new VarianceEvaluator(binding, env),
};
