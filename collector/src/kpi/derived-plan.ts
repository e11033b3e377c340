import { durationMs, type KpiDefinition } from '../config/kpi-schema';
import { ErrorCodes, FinmonError } from '../core/errors';
import { DAY_MS, type CompanyCalendar } from './company-calendar';
import { parseFormula, type Formula } from './formula';
import { FX_RATE_KPI } from './fx-rates';

/** A derived KPI ready to evaluate. */
export interface DerivedKpi {
  readonly id: string;
  readonly formula: Formula;
  readonly cadenceMs: number;
  /** Position in dependency order: a KPI's inputs always have smaller ranks. */
  readonly rank: number;
  /**
   * Every KPI it reads, directly or through other derived KPIs (raw and derived), plus `fx_rate`
   * when one of them converts currencies.
   */
  readonly inputs: ReadonlySet<string>;
}

/**
 * Compiles every derived KPI's formula and puts them in dependency order (depth-first topological
 * sort). Throws `FinmonError(CONFIG_INVALID)` naming the KPI for a bad formula, a reference to an
 * unknown KPI or a cycle (with its path).
 */
export function planDerivedKpis(kpis: readonly KpiDefinition[]): DerivedKpi[] {
  const byId = new Map(kpis.map((k) => [k.id, k]));
  const formulas = new Map<string, Formula>();
  for (const k of kpis) {
    if (k.formula === undefined) continue;
    let formula: Formula;
    try {
      formula = parseFormula(k.formula);
    } catch (err) {
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, `kpis.${k.id}.formula: ${(err as Error).message}`, 400, false, {
        cause: err,
      });
    }
    for (const dep of formula.dependencies) {
      if (!byId.has(dep)) {
        throw new FinmonError(
          ErrorCodes.CONFIG_INVALID,
          `kpis.${k.id}.formula: references unknown KPI "${dep}"`,
          400,
        );
      }
    }
    formulas.set(k.id, formula);
  }

  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id].join(' → ');
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, `kpis.${id}.formula: dependency cycle ${cycle}`, 400);
    }
    state.set(id, 'visiting');
    for (const dep of formulas.get(id)?.dependencies ?? []) {
      if (formulas.has(dep)) visit(dep, [...path, id]);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of formulas.keys()) visit(id, []);

  const inputs = new Map<string, Set<string>>();
  return order.map((id, rank) => {
    const formula = formulas.get(id)!;
    const all = new Set<string>();
    for (const dep of formula.dependencies) {
      all.add(dep);
      for (const t of inputs.get(dep) ?? []) all.add(t);
      // A new exchange rate changes the reporting-currency total of a currency KPI.
      if (byId.get(dep)?.currencyDimension !== undefined && byId.has(FX_RATE_KPI)) all.add(FX_RATE_KPI);
    }
    inputs.set(id, all);
    return { id, formula, cadenceMs: durationMs(byId.get(id)!.cadence), rank, inputs: all };
  });
}

/**
 * Cadence boundaries b with lo < b ≤ hi, oldest first, at most `max` (the newest ones are kept).
 * Cadences of whole days step over local midnights in the company time zone (a 7-day cadence over
 * week starts, n days over days whose ordinal is a multiple of n); shorter cadences step over
 * multiples of the cadence since the epoch.
 */
export function cadenceBoundaries(
  cadenceMs: number,
  lo: number,
  hi: number,
  calendar: CompanyCalendar,
  max: number,
): number[] {
  const out: number[] = [];
  if (!(hi > lo)) return out;
  if (cadenceMs % DAY_MS !== 0) {
    let b = Math.floor(hi / cadenceMs) * cadenceMs;
    while (b > lo && out.length < max) {
      out.push(b);
      b -= cadenceMs;
    }
    return out.reverse();
  }
  const n = cadenceMs / DAY_MS;
  let d = calendar.dayOf(hi);
  d = n === 7 ? calendar.weekOf(d) : d - (((d % n) + n) % n);
  for (; out.length < max; d -= n) {
    const b = calendar.dayStart(d);
    if (b <= lo) break;
    if (b <= hi) out.push(b);
  }
  return out.reverse();
}
