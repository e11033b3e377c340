import { formatValue, seriesName } from '../../alert-text';
import { OwnSeriesEvaluator } from '../own-series-evaluator';
import type { EffectiveRuleOf, RuleBinding, RuleKind, SignalSink } from '../rule-kind';
import { finiteOr, isRecord, SeriesTable, type SeriesEntry } from '../series-table';
import type { RuleOfType } from '../../../config/rule-schema';

/**
 * static: the value is above (or below) a threshold. Hysteresis: once active, the condition holds
 * until the value is back at or beyond `recoverAt` (default: the threshold itself), so a value
 * hovering at the line does not flap. Points older than the series' newest are ignored.
 */

type Rule = EffectiveRuleOf<'static'>;

interface StaticState {
  /** undefined until the first evaluation (or after a reset): the next point always reports. */
  active: boolean | undefined;
  /** Time of the newest point evaluated. */
  t: number;
}

const codec = {
  initial: (): StaticState => ({ active: undefined, t: -Infinity }),
  encode: (s: StaticState) => ({ a: s.active ?? null, t: Number.isFinite(s.t) ? s.t : null }),
  decode: (json: unknown): StaticState | undefined =>
    isRecord(json) ? { active: typeof json.a === 'boolean' ? json.a : undefined, t: finiteOr(json.t, -Infinity) } : undefined,
};

/** Whether `value` keeps or puts a static rule in alarm, given whether it was active. */
export function staticConditionActive(rule: Pick<Rule, 'above' | 'below' | 'recoverAt'>, value: number, wasActive: boolean): boolean {
  if (rule.above !== undefined) return wasActive ? value > (rule.recoverAt ?? rule.above) : value > rule.above;
  if (rule.below !== undefined) return wasActive ? value < (rule.recoverAt ?? rule.below) : value < rule.below;
  return false;
}

class StaticEvaluator extends OwnSeriesEvaluator<StaticState, Rule> {
  constructor(private readonly binding: RuleBinding<RuleOfType<'static'>>) {
    super(new SeriesTable<StaticState, Rule>(binding.rule, codec));
  }

  onValue(entry: SeriesEntry<StaticState, Rule>, time: number, value: number, _now: number, emit: SignalSink): void {
    const state = entry.state;
    if (time < state.t) return;
    state.t = time;
    const was = state.active;
    const active = staticConditionActive(entry.rule, value, was === true);
    state.active = active;
    this.series.touch(entry);
    if (active || was === true || (was === undefined && emit.hasAlerts())) emit(entry as SeriesEntry, this.signal(entry, value, active));
  }

  private signal(entry: SeriesEntry<StaticState, Rule>, value: number, active: boolean) {
    const rule = entry.rule;
    const kpi = this.binding.kpi;
    const above = rule.above !== undefined;
    const threshold = (above ? rule.above : rule.below) as number;
    const recoverAt = rule.recoverAt ?? threshold;
    const name = seriesName(kpi, entry.tags);
    const v = formatValue(value, kpi, entry.tags);
    let summary: string;
    if (!active) {
      summary = `${name} ${v} recovered (${above ? 'at or below' : 'at or above'} ${formatValue(recoverAt, kpi, entry.tags)})`;
    } else if (above ? value > threshold : value < threshold) {
      summary = `${name} ${v} is ${above ? 'above' : 'below'} ${formatValue(threshold, kpi, entry.tags)}`;
    } else {
      summary = `${name} ${v} has not recovered to ${formatValue(recoverAt, kpi, entry.tags)} yet (alert ${above ? 'above' : 'below'} ${formatValue(threshold, kpi, entry.tags)})`;
    }
    return {
      active,
      severity: rule.severity,
      summary,
      value,
      threshold,
      details: { comparison: above ? 'above' : 'below', threshold, recoverAt },
    };
  }
}

export const staticRuleKind: RuleKind<'static'> = {
  type: 'static',
  create: (binding) => new StaticEvaluator(binding),
};
