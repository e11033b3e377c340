import type { KpiDefinition } from '../config/kpi-schema';
import { durationMs } from '../config/scalar-schemas';
import { planDerivedKpis } from '../kpi/derived-plan';

/**
 * What finance KPIs have to do with each other, from metrics_config.json: which raw sources a
 * KPI's data comes from (a derived KPI: the sources of everything it reads) and which KPIs are
 * inputs of one derived KPI (or parts of one KPI, see `includes`). Inhibition (a failed source
 * mutes what is derived from its data) and correlation (inputs of one derived KPI firing together
 * are one incident) ask these questions.
 */
export interface KpiRelations {
  /** Raw sources of the KPI's data (`bank`, `erp`…); empty for a KPI the catalog does not know. */
  sourcesOf(kpi: string): ReadonlySet<string>;
  /** Whether `kpi` reads `input`, directly or through other derived KPIs. */
  isDerivedFrom(kpi: string, input: string): boolean;
  /**
   * Whether both KPIs are the same, or one derived KPI reads both, or one reads the other — where
   * a KPI that `includes` others (ledger current assets include cash) reads them too.
   */
  shareDerivation(a: string, b: string): boolean;
  knows(kpi: string): boolean;
  /** How often the KPI gets a new value (its `cadence`), in ms; undefined for an unknown KPI. */
  cadenceMs(kpi: string): number | undefined;
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Builds the relations of a validated KPI catalog.
 * @throws FinmonError CONFIG_INVALID for a bad formula (see `planDerivedKpis`); validated
 *   configurations never have one.
 */
export function kpiRelationsFromCatalog(kpis: readonly KpiDefinition[]): KpiRelations {
  const derived = planDerivedKpis(kpis);
  const inputs = new Map<string, ReadonlySet<string>>(derived.map((d) => [d.id, d.inputs]));
  const sources = new Map<string, Set<string>>();
  for (const k of kpis) if (k.formula === undefined) sources.set(k.id, new Set([k.source]));
  for (const d of derived) {
    const own = new Set<string>();
    for (const input of d.inputs) for (const s of sources.get(input) ?? []) own.add(s);
    sources.set(d.id, own);
  }
  // Families: a KPI with everything it reads (formula inputs, and what it or they include). Two
  // KPIs in one family share a derivation.
  const parts = new Map(kpis.map((k) => [k.id, k.includes ?? []]));
  const reads = new Map<string, ReadonlySet<string>>();
  const readsOf = (id: string, visiting: Set<string>): ReadonlySet<string> => {
    const known = reads.get(id);
    if (known !== undefined) return known;
    const all = new Set<string>(inputs.get(id) ?? []);
    if (visiting.has(id)) return all; // an includes cycle: what is read so far
    visiting.add(id);
    for (const reader of [id, ...(inputs.get(id) ?? [])]) {
      for (const part of parts.get(reader) ?? []) {
        all.add(part);
        for (const x of readsOf(part, visiting)) all.add(x);
      }
    }
    visiting.delete(id);
    all.delete(id);
    reads.set(id, all);
    return all;
  };
  const familiesOf = new Map<string, number[]>();
  kpis.forEach((k, i) => {
    const family = readsOf(k.id, new Set());
    if (family.size === 0) return;
    for (const member of [k.id, ...family]) familiesOf.set(member, [...(familiesOf.get(member) ?? []), i]);
  });
  const known = new Set(kpis.map((k) => k.id));
  const cadences = new Map(kpis.map((k) => [k.id, durationMs(k.cadence)]));
  return {
    sourcesOf: (kpi) => sources.get(kpi) ?? EMPTY,
    isDerivedFrom: (kpi, input) => inputs.get(kpi)?.has(input) ?? false,
    shareDerivation(a, b) {
      if (a === b) return known.has(a);
      const fa = familiesOf.get(a);
      const fb = familiesOf.get(b);
      return fa !== undefined && fb !== undefined && fa.some((f) => fb.includes(f));
    },
    knows: (kpi) => known.has(kpi),
    cadenceMs: (kpi) => cadences.get(kpi),
  };
}

/** Relations of an empty catalog: nothing is related (tests, or before the metrics config loads). */
export const NO_KPI_RELATIONS: KpiRelations = {
  sourcesOf: () => EMPTY,
  isDerivedFrom: () => false,
  shareDerivation: () => false,
  knows: () => false,
  cadenceMs: () => undefined,
};
