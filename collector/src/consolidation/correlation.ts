import type { Alert } from '../alerting/alert-model';
import type { CorrelationRelation } from '../config/consolidation-schema';
import type { KpiRelations } from './kpi-relations';

/**
 * Correlation: alerts on related KPIs that fire together belong to one incident. Related means,
 * per configured relation:
 * - same_entity: the same value of an entity tag (account "ops-usd", region "emea"…);
 * - same_source: their data comes from a common raw source (derived KPIs: their inputs' sources);
 * - derived_inputs: one derived KPI reads both (or one reads the other), e.g. revenue and cogs
 *   (gross margin), bank_balance and runway_months.
 * Together means their firing times are at most the window apart. Information alerts never
 * correlate.
 */
export function related(
  a: Alert,
  b: Alert,
  relations: readonly CorrelationRelation[],
  kpis: KpiRelations,
): boolean {
  if (a.alertClass === 'information' || b.alertClass === 'information') return false;
  return relations.some((relation) => {
    switch (relation.kind) {
      case 'same_entity':
        return relation.dimensions.some((d) => a.series[d] !== undefined && a.series[d] === b.series[d]);
      case 'same_source': {
        const categories = relation.categories;
        if (categories !== undefined && !(categories.includes(a.category) && categories.includes(b.category))) return false;
        const sa = sourcesOfAlert(a, kpis);
        return [...sourcesOfAlert(b, kpis)].some((s) => sa.has(s));
      }
      case 'derived_inputs':
        return a.kpi !== b.kpi && kpis.shareDerivation(a.kpi, b.kpi);
    }
  });
}

/** Whether two alerts started firing at most `windowMs` apart. */
export function firedTogether(a: Alert, b: Alert, windowMs: number): boolean {
  return Math.abs(firedAt(a) - firedAt(b)) <= windowMs;
}

export function firedAt(alert: Alert): number {
  return alert.firingAt ?? alert.startsAt;
}

/**
 * The raw sources of an alert's data: its KPI's (see `KpiRelations.sourcesOf`), or for an alert
 * about something the catalog does not know (a source's error streak) its `source` label.
 */
export function sourcesOfAlert(alert: Alert, kpis: KpiRelations): ReadonlySet<string> {
  if (kpis.knows(alert.kpi)) return kpis.sourcesOf(alert.kpi);
  const own = alert.labels['source'];
  return new Set(own === undefined ? [] : [own]);
}
