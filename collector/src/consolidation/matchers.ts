import type { Alert } from '../alerting/alert-model';
import type { MatchOperator, Matcher } from '../config/consolidation-schema';

/**
 * Label matchers as Alertmanager has them (`=`, `!=`, `=~`, `!~`), compiled once. Regular
 * expressions match the whole value (anchored); a label the alert does not carry reads as "".
 */

export type { Matcher, MatchOperator };

/** A matcher ready to test label sets. */
export interface CompiledMatcher {
  readonly matcher: Matcher;
  matches(labels: Readonly<Record<string, string>>): boolean;
}

/**
 * Compiles one matcher. Throws `Error` naming the pattern when a regular expression does not
 * compile (configuration and API input are validated before, so this is a programming error).
 */
export function compileMatcher(matcher: Matcher): CompiledMatcher {
  const { name, op, value } = matcher;
  switch (op) {
    case '=':
      return { matcher, matches: (labels) => (labels[name] ?? '') === value };
    case '!=':
      return { matcher, matches: (labels) => (labels[name] ?? '') !== value };
    case '=~':
    case '!~': {
      const re = new RegExp(`^(?:${value})$`, 'u');
      const want = op === '=~';
      return { matcher, matches: (labels) => re.test(labels[name] ?? '') === want };
    }
  }
}

/** Every matcher must match (an empty list matches everything). */
export function compileMatchers(matchers: readonly Matcher[]): (labels: Readonly<Record<string, string>>) => boolean {
  const compiled = matchers.map(compileMatcher);
  return (labels) => compiled.every((m) => m.matches(labels));
}

/**
 * The labels matchers, grouping and routing see for an alert: its series tags, its labels, then
 * the alert's own fields under fixed names (`kpi`, `rule`, `severity`, `category`, `class`,
 * `origin`, `state`), which win over a label of the same name.
 */
export function alertLabels(alert: Alert): Readonly<Record<string, string>> {
  // Alerts are immutable values: their labels are computed once (muting asks for them often).
  let labels = labelCache.get(alert);
  if (labels === undefined) {
    labels = computeLabels(alert);
    labelCache.set(alert, labels);
  }
  return labels;
}

const labelCache = new WeakMap<Alert, Readonly<Record<string, string>>>();

function computeLabels(alert: Alert): Readonly<Record<string, string>> {
  return {
    ...alert.series,
    ...alert.labels,
    kpi: alert.kpi,
    rule: alert.ruleId,
    severity: alert.severity,
    category: alert.category,
    class: alert.alertClass,
    origin: alert.origin,
    state: alert.state,
  };
}

/** "kpi=\"revenue\", region=\"emea\"" — matchers as people read them (logs, API). */
export function formatMatchers(matchers: readonly Matcher[]): string {
  return matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ');
}
