import type { KpiDefinition, Period } from './kpi-schema';
import type { RuleDefinition } from './rule-schema';
import { tryDurationMs } from './scalar-schemas';

/**
 * Checks of one KPI definition that need more than one field: currency dimension, derived KPIs,
 * threshold order, and each rule (and each rule override) against the KPI it belongs to.
 * Checks that need other KPIs (unique ids, formula references, fx rates) are in
 * `metrics-config-checks.ts`.
 */

/** Records a problem at `path`, relative to the KPI. */
export type ReportProblem = (path: (string | number)[], message: string) => void;

/** Fewest points of history an anomaly rule should learn from. */
const MIN_ANOMALY_HISTORY_POINTS = 10;

const WINDOW_PERIOD: Record<'day' | 'week' | 'month_to_date', Period> = {
  day: 'daily',
  week: 'weekly',
  month_to_date: 'monthly',
};

/** Checks one parsed KPI definition; reports every problem found. */
export function checkKpi(kpi: KpiDefinition, report: ReportProblem): void {
  checkDimensions(kpi, report);
  checkDerived(kpi, report);
  checkThresholds(kpi, report);
  checkRules(kpi, report);
}

function checkDimensions(kpi: KpiDefinition, report: ReportProblem): void {
  const seen = new Set<string>();
  kpi.dimensions.forEach((dim, i) => {
    if (seen.has(dim)) report(['dimensions', i], `dimension "${dim}" is listed twice`);
    seen.add(dim);
  });
  if (kpi.currencyDimension !== undefined && !kpi.dimensions.includes(kpi.currencyDimension)) {
    report(
      ['currencyDimension'],
      `currencyDimension "${kpi.currencyDimension}" must be one of the KPI's dimensions (${listOrNone(kpi.dimensions)})`,
    );
  }
}

function checkDerived(kpi: KpiDefinition, report: ReportProblem): void {
  if (kpi.formula !== undefined && kpi.source !== 'derived') {
    report(['source'], `a KPI with a formula has source "derived" (got "${kpi.source}")`);
  }
  if (kpi.source === 'derived' && kpi.formula === undefined) {
    report(['formula'], 'a derived KPI needs a formula, e.g. "latest(accounts_receivable) / sum(revenue, \\"90d\\") * 90"');
  }
  if (kpi.formula !== undefined && kpi.dimensions.length > 0) {
    report(['dimensions'], 'a KPI with a formula has no dimensions: the formula computes one total');
  }
}

function checkThresholds(kpi: KpiDefinition, report: ReportProblem): void {
  const critical = kpi.thresholds?.critical;
  const warning = kpi.thresholds?.warning;
  if (!critical || !warning) return;
  if (critical.below !== undefined && warning.below !== undefined && warning.below < critical.below) {
    report(
      ['thresholds', 'warning', 'below'],
      `warning.below (${warning.below}) must be at or above critical.below (${critical.below}): the warning comes first as the value falls`,
    );
  }
  if (critical.above !== undefined && warning.above !== undefined && warning.above > critical.above) {
    report(
      ['thresholds', 'warning', 'above'],
      `warning.above (${warning.above}) must be at or below critical.above (${critical.above}): the warning comes first as the value rises`,
    );
  }
}

function checkRules(kpi: KpiDefinition, report: ReportProblem): void {
  const ruleIds = new Map<string, number>();
  kpi.rules.forEach((rule, i) => {
    const at = (path: (string | number)[], message: string) => report(['rules', i, ...path], message);
    if (rule.id !== undefined) {
      const first = ruleIds.get(rule.id);
      if (first !== undefined) at(['id'], `rule id "${rule.id}" is already used by rules[${first}] of this KPI`);
      else ruleIds.set(rule.id, i);
    }
    const baseProblems = new Set<string>();
    checkRuleAgainstKpi(rule, kpi, (path, message) => {
      baseProblems.add(message);
      at(path, message);
    });
    (rule.overrides ?? []).forEach((override, j) => {
      const overrideAt = (path: (string | number)[], message: string) => at(['overrides', j, ...path], message);
      checkOverrideMatch(override.match, kpi, (path, message) => overrideAt(['match', ...path], message));
      const { match: _match, ...params } = override;
      const merged = { ...rule, ...params } as RuleDefinition;
      checkRuleAgainstKpi(merged, kpi, (path, message) => {
        if (!baseProblems.has(message)) overrideAt(path, message);
      });
    });
  });
}

function checkOverrideMatch(match: Record<string, string>, kpi: KpiDefinition, report: ReportProblem): void {
  for (const dim of Object.keys(match)) {
    if (kpi.dimensions.includes(dim)) continue;
    report(
      [dim],
      kpi.dimensions.length === 0
        ? `"${dim}" is not a dimension of KPI "${kpi.id}", which has no dimensions (overrides need a dimension to match)`
        : `"${dim}" is not a dimension of KPI "${kpi.id}" (its dimensions: ${kpi.dimensions.join(', ')})`,
    );
  }
}

/** Checks of a rule that depend on the KPI: kind, cadence, targets and budgets. */
function checkRuleAgainstKpi(rule: RuleDefinition, kpi: KpiDefinition, report: ReportProblem): void {
  const cadenceMs = tryDurationMs(kpi.cadence);
  /** True when `duration` is shorter than the cadence; false when either is malformed (reported elsewhere). */
  const shorterThanCadence = (duration: string): boolean => {
    const ms = tryDurationMs(duration);
    return ms !== undefined && cadenceMs !== undefined && ms < cadenceMs;
  };
  switch (rule.type) {
    case 'variance': {
      const period = WINDOW_PERIOD[rule.window];
      const reference = rule.against === 'target' ? kpi.target : kpi.budget;
      if (reference?.[period] === undefined) {
        report(
          ['against'],
          `KPI "${kpi.id}" has no ${rule.against}.${period}; a variance rule against ${rule.against} over ${rule.window} needs it`,
        );
      }
      if (rule.projected && kpi.kind !== 'flow') {
        report(['projected'], `projected applies to flow KPIs (a total that grows through the period); "${kpi.id}" is a ${kpi.kind}`);
      }
      break;
    }
    case 'trend':
      if (shorterThanCadence(rule.window)) {
        report(['window'], `window (${rule.window}) is shorter than the KPI's cadence (${kpi.cadence}): a window must hold at least one point`);
      }
      break;
    case 'nodata':
      if (shorterThanCadence(rule.expectedEvery)) {
        report(
          ['expectedEvery'],
          `expectedEvery (${rule.expectedEvery}) is shorter than the KPI's cadence (${kpi.cadence}): the rule would fire between two regular points`,
        );
      }
      break;
    case 'milestone':
      if (kpi.kind === 'flow' && rule.period === undefined) {
        report(['period'], `a milestone on flow KPI "${kpi.id}" compares the period-to-date total with the marks: give period "month", "quarter" or "year"`);
      }
      if (kpi.kind !== 'flow' && rule.period !== undefined) {
        report(['period'], `period applies to flow KPIs only; "${kpi.id}" is a ${kpi.kind}, whose value itself crosses the marks`);
      }
      break;
    case 'anomaly':
      const minHistory = tryDurationMs(rule.minHistory);
      if (minHistory !== undefined && cadenceMs !== undefined && minHistory < MIN_ANOMALY_HISTORY_POINTS * cadenceMs) {
        report(
          ['minHistory'],
          `minHistory (${rule.minHistory}) holds fewer than ${MIN_ANOMALY_HISTORY_POINTS} points at the KPI's cadence (${kpi.cadence})`,
        );
      }
      break;
    case 'forecast':
      if (shorterThanCadence(rule.horizon)) {
        report(['horizon'], `horizon (${rule.horizon}) is shorter than the KPI's cadence (${kpi.cadence})`);
      }
      break;
    case 'static':
    case 'covenant':
      break;
  }
}

function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? 'it has none' : items.join(', ');
}
