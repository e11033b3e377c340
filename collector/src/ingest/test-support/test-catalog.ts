import type { IngestibleKpi, KpiLookup } from '../validate-point';

/** A small KPI catalog for ingest tests (not the repository's metrics_config.json). */
export const TEST_KPIS: Readonly<Record<string, IngestibleKpi>> = {
  revenue: { dimensions: ['region', 'product'] },
  bank_balance: { dimensions: ['account', 'bank', 'currency'] },
  headcount: { dimensions: ['department'] },
  ebitda: { dimensions: [] },
  cash_position: { dimensions: [], formula: 'latest(bank_balance)' },
};

export const testCatalog: KpiLookup = (kpiId) => (Object.hasOwn(TEST_KPIS, kpiId) ? TEST_KPIS[kpiId] : undefined);

/** 2026-11-24T10:00:00Z, the tests' "now". */
export const TEST_NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
