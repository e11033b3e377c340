import { createHash } from 'node:crypto';
import type { KpiDefinition } from '../../config/kpi-schema';
import type { MetricsConfig } from '../../config/metrics-config-schema';
import type { RuleDefinition } from '../../config/rule-schema';
import type { RuleBinding } from './rule-kind';

/** The id of `kpi.rules[index]`: its own `id`, else `<type>-<index>`. */
export function ruleIdOf(rule: RuleDefinition, index: number): string {
  return rule.id ?? `${rule.type}-${index}`;
}

/**
 * Every rule of every KPI of the config, in file order, with its id, key and version. The version
 * hashes the rule, the KPI fields evaluation and summaries read, and the company calendar: when it
 * is unchanged after a reload, the rule's evaluator (and its per-series state) is kept.
 */
export function bindRules(metrics: MetricsConfig, ruleFile: string): RuleBinding[] {
  const calendar = { timezone: metrics.company.timezone, weekStartsOn: metrics.company.weekStartsOn };
  const out: RuleBinding[] = [];
  for (const kpi of metrics.kpis) {
    kpi.rules.forEach((rule, index) => {
      const ruleId = ruleIdOf(rule, index);
      out.push({
        kpi,
        rule,
        ruleId,
        index,
        key: `${kpi.id}/${ruleId}`,
        version: ruleVersion(rule, kpi, calendar),
        ruleFile,
      });
    });
  }
  return out;
}

function ruleVersion(rule: RuleDefinition, kpi: KpiDefinition, calendar: object): string {
  const evaluationFields = {
    name: kpi.name,
    unit: kpi.unit,
    decimals: kpi.decimals,
    source: kpi.source,
    kind: kpi.kind,
    cadence: kpi.cadence,
    dimensions: kpi.dimensions,
    rollups: kpi.rollups,
    formula: kpi.formula,
    target: kpi.target,
    budget: kpi.budget,
  };
  const text = canonicalJson({ rule, kpi: evaluationFields, calendar });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted at every level (undefined members left out), for hashing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
