import type { MetricsConfig } from '../../config/metrics-config-schema';
import type { RuleDefinition, RuleType } from '../../config/rule-schema';

/**
 * The "plain threshold setup" the fatigue benchmark compares with: the configuration's static,
 * covenant, variance, trend and nodata rules with their thresholds, but no `for` durations and no
 * hysteresis (`recoverAt` removed, also from overrides). Anomaly, forecast and milestone rules are
 * left out: a plain setup has none. What such a setup does without consolidation (every firing is
 * a page) is counted by the replay.
 */

export const PLAIN_RULE_TYPES: ReadonlySet<RuleType> = new Set<RuleType>(['static', 'covenant', 'variance', 'trend', 'nodata']);

/** The rule without `for` and `recoverAt`, in itself and in its overrides. */
export function plainRule(rule: RuleDefinition): RuleDefinition {
  const strip = (o: Record<string, unknown>): Record<string, unknown> => {
    const { for: _for, recoverAt: _recoverAt, ...rest } = o;
    return rest;
  };
  const base = strip(rule as unknown as Record<string, unknown>);
  const overrides = (rule as { overrides?: Record<string, unknown>[] }).overrides;
  if (overrides !== undefined) base.overrides = overrides.map(strip);
  return base as unknown as RuleDefinition;
}

/** The plain threshold configuration of `metrics` (a new object; `metrics` is not changed). */
export function plainThresholdMetrics(metrics: MetricsConfig): MetricsConfig {
  return {
    ...metrics,
    kpis: metrics.kpis.map((kpi) => ({
      ...kpi,
      rules: (kpi.rules ?? []).filter((r) => PLAIN_RULE_TYPES.has(r.type)).map(plainRule),
    })),
  };
}
