import type { RuleOfType } from '../../../config/rule-schema';
import { formatPct, formatValue, seriesName } from '../../alert-text';
import { OwnSeriesEvaluator } from '../own-series-evaluator';
import type { ConditionSignal, EffectiveRuleOf, RuleBinding, RuleKind, SignalSink } from '../rule-kind';
import { finiteOr, isRecord, SeriesTable, type SeriesEntry } from '../series-table';

/**
 * covenant: a lender's limit on a ratio. `<=` holds while value ≤ limit (leverage), `>=` while
 * value ≥ limit (coverage, liquidity). With `headroomPct`, a warning fires once the value is
 * within that percentage of the limit (measured on |limit|), before the breach; the breach itself
 * has the rule's severity (critical). Warning and breach are one alert whose severity changes.
 */

type Rule = EffectiveRuleOf<'covenant'>;

/** 0 complies, 1 within the headroom, 2 breached. */
type Level = 0 | 1 | 2;

interface CovenantState {
  level: Level | undefined;
  t: number;
}

const codec = {
  initial: (): CovenantState => ({ level: undefined, t: -Infinity }),
  encode: (s: CovenantState) => ({ l: s.level ?? null, t: Number.isFinite(s.t) ? s.t : null }),
  decode: (json: unknown): CovenantState | undefined =>
    isRecord(json)
      ? { level: json.l === 0 || json.l === 1 || json.l === 2 ? json.l : undefined, t: finiteOr(json.t, -Infinity) }
      : undefined,
};

/** Remaining headroom in percent of |limit|: positive while the covenant holds, negative when breached. */
export function covenantHeadroomPct(rule: Pick<Rule, 'limit' | 'comparison'>, value: number): number {
  const scale = Math.abs(rule.limit) || 1;
  return rule.comparison === '<=' ? ((rule.limit - value) / scale) * 100 : ((value - rule.limit) / scale) * 100;
}

/** The covenant level of a value: breached, within the headroom, or complying. */
export function covenantLevel(rule: Pick<Rule, 'limit' | 'comparison' | 'headroomPct'>, value: number): Level {
  const headroom = covenantHeadroomPct(rule, value);
  if (headroom < 0) return 2;
  if (rule.headroomPct !== undefined && headroom < rule.headroomPct) return 1;
  return 0;
}

class CovenantEvaluator extends OwnSeriesEvaluator<CovenantState, Rule> {
  constructor(private readonly binding: RuleBinding<RuleOfType<'covenant'>>) {
    super(new SeriesTable<CovenantState, Rule>(binding.rule, codec));
  }

  onValue(entry: SeriesEntry<CovenantState, Rule>, time: number, value: number, _now: number, emit: SignalSink): void {
    const state = entry.state;
    if (time < state.t) return;
    state.t = time;
    const was = state.level;
    const level = covenantLevel(entry.rule, value);
    state.level = level;
    this.series.touch(entry);
    if (level > 0 || (was !== undefined && was > 0) || (was === undefined && emit.hasAlerts())) emit(entry as SeriesEntry, this.signal(entry, value, level));
  }

  private signal(entry: SeriesEntry<CovenantState, Rule>, value: number, level: Level): ConditionSignal {
    const rule = entry.rule;
    const kpi = this.binding.kpi;
    const name = seriesName(kpi, entry.tags);
    const headroom = covenantHeadroomPct(rule, value);
    const bound = `${rule.comparison === '<=' ? 'at or below' : 'at or above'} ${formatValue(rule.limit, kpi, entry.tags)}`;
    const source = rule.agreement === undefined ? '' : `; ${rule.agreement}`;
    let summary: string;
    if (level === 2) summary = `${name} ${formatValue(value, kpi, entry.tags)} breaches its covenant (must stay ${bound}${source})`;
    else if (level === 1)
      summary = `${name} ${formatValue(value, kpi, entry.tags)} is within ${formatPct(rule.headroomPct ?? 0)} of its covenant limit ${formatValue(rule.limit, kpi, entry.tags)} (headroom ${formatPct(headroom)})`;
    else summary = `${name} ${formatValue(value, kpi, entry.tags)} complies with its covenant (${bound}, headroom ${formatPct(headroom)})`;
    return {
      active: level > 0,
      severity: level === 1 ? 'warning' : rule.severity,
      summary,
      value,
      threshold: rule.limit,
      details: {
        limit: rule.limit,
        comparison: rule.comparison,
        headroomPct: Math.round(headroom * 100) / 100,
        breached: level === 2,
        ...(rule.headroomPct === undefined ? {} : { warnWithinPct: rule.headroomPct }),
        ...(rule.agreement === undefined ? {} : { agreement: rule.agreement }),
      },
    };
  }
}

export const covenantRuleKind: RuleKind<'covenant'> = {
  type: 'covenant',
  create: (binding) => new CovenantEvaluator(binding),
};
