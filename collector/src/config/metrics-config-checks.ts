import { FinmonError } from '../core/errors';
import { formulaDependencies } from '../kpi/formula';
import type { ReportProblem } from './kpi-checks';
import type { KpiDefinition } from './kpi-schema';

/**
 * Checks of metrics_config.json that span KPIs: unique ids, formulas (they parse, name only known
 * KPIs, and no KPI depends on itself through other formulas), `includes` (known KPIs other than
 * the KPI itself) and currency conversion (a KPI with a currencyDimension needs KPI `fx_rate` with
 * a `pair` dimension). Paths are relative to the config.
 */

/** The KPI that holds exchange rates, and its dimension naming the pair ("EURUSD"). */
export const FX_RATE_KPI = 'fx_rate';
export const FX_PAIR_DIMENSION = 'pair';

/** Checks the KPI list of a parsed config; reports every problem found. */
export function checkMetricsConfig(config: { kpis: readonly KpiDefinition[] }, report: ReportProblem): void {
  const firstIndex = checkUniqueIds(config.kpis, report);
  const dependencies = checkFormulas(config.kpis, firstIndex, report);
  checkFormulaCycles(config.kpis, dependencies, firstIndex, report);
  checkIncludes(config.kpis, firstIndex, report);
  checkCurrencyConversion(config.kpis, firstIndex, report);
}

/** `includes` names KPIs of the catalog, never the KPI itself. */
function checkIncludes(kpis: readonly KpiDefinition[], firstIndex: ReadonlyMap<string, number>, report: ReportProblem): void {
  kpis.forEach((kpi, i) => {
    (kpi.includes ?? []).forEach((part, j) => {
      if (part === kpi.id) report(['kpis', i, 'includes', j], `KPI "${kpi.id}" cannot include itself`);
      else if (!firstIndex.has(part)) report(['kpis', i, 'includes', j], `includes unknown KPI "${part}"`);
    });
  });
}

function checkUniqueIds(kpis: readonly KpiDefinition[], report: ReportProblem): Map<string, number> {
  const firstIndex = new Map<string, number>();
  kpis.forEach((kpi, i) => {
    const first = firstIndex.get(kpi.id);
    if (first !== undefined) report(['kpis', i, 'id'], `duplicate KPI id "${kpi.id}" (first defined at kpis[${first}])`);
    else firstIndex.set(kpi.id, i);
  });
  return firstIndex;
}

/** Parses every formula; returns the KPI ids each derived KPI depends on (known ids only). */
function checkFormulas(
  kpis: readonly KpiDefinition[],
  firstIndex: ReadonlyMap<string, number>,
  report: ReportProblem,
): Map<string, string[]> {
  const dependencies = new Map<string, string[]>();
  kpis.forEach((kpi, i) => {
    if (kpi.formula === undefined || firstIndex.get(kpi.id) !== i) return;
    let deps: string[];
    try {
      deps = formulaDependencies(kpi.formula);
    } catch (err) {
      const reason = err instanceof FinmonError ? err.message : String(err);
      report(['kpis', i, 'formula'], `formula does not parse: ${reason}`);
      return;
    }
    const known: string[] = [];
    for (const dep of deps) {
      if (firstIndex.has(dep)) known.push(dep);
      else report(['kpis', i, 'formula'], `formula references unknown KPI "${dep}"`);
    }
    dependencies.set(kpi.id, known);
  });
  return dependencies;
}

/** Reports each dependency cycle once, at the first KPI of the cycle in file order. */
function checkFormulaCycles(
  kpis: readonly KpiDefinition[],
  dependencies: ReadonlyMap<string, string[]>,
  firstIndex: ReadonlyMap<string, number>,
  report: ReportProblem,
): void {
  const done = new Set<string>();
  const reported = new Set<string>();
  const visit = (id: string, stack: string[]): void => {
    const onStack = stack.indexOf(id);
    if (onStack >= 0) {
      const cycle = stack.slice(onStack);
      const key = [...cycle].sort().join(',');
      if (reported.has(key)) return;
      reported.add(key);
      const start = cycle.reduce((a, b) => ((firstIndex.get(a) ?? 0) <= (firstIndex.get(b) ?? 0) ? a : b));
      const from = cycle.indexOf(start);
      const ordered = [...cycle.slice(from), ...cycle.slice(0, from), start];
      report(['kpis', firstIndex.get(start) ?? 0, 'formula'], `formula dependency cycle: ${ordered.join(' → ')}`);
      return;
    }
    if (done.has(id)) return;
    stack.push(id);
    for (const dep of dependencies.get(id) ?? []) visit(dep, stack);
    stack.pop();
    done.add(id);
  };
  for (const kpi of kpis) visit(kpi.id, []);
}

function checkCurrencyConversion(
  kpis: readonly KpiDefinition[],
  firstIndex: ReadonlyMap<string, number>,
  report: ReportProblem,
): void {
  const fxIndex = firstIndex.get(FX_RATE_KPI);
  const fx = fxIndex === undefined ? undefined : kpis[fxIndex];
  kpis.forEach((kpi, i) => {
    if (kpi.currencyDimension === undefined) return;
    if (fx === undefined) {
      report(
        ['kpis', i, 'currencyDimension'],
        `KPI "${kpi.id}" converts currencies, which needs a KPI "${FX_RATE_KPI}" with a "${FX_PAIR_DIMENSION}" dimension (e.g. pair=EURUSD); none is defined`,
      );
    } else if (!fx.dimensions.includes(FX_PAIR_DIMENSION)) {
      report(
        ['kpis', i, 'currencyDimension'],
        `KPI "${kpi.id}" converts currencies with KPI "${FX_RATE_KPI}", which needs a "${FX_PAIR_DIMENSION}" dimension (it has: ${fx.dimensions.join(', ') || 'none'})`,
      );
    }
  });
}
