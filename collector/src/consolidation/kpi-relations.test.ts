import type { KpiDefinition } from '../config/kpi-schema';
import { kpiRelationsFromCatalog, NO_KPI_RELATIONS } from './kpi-relations';
import { exampleKpis } from './test-support/alert-fixtures';

describe('kpiRelationsFromCatalog on the demo company', () => {
  const relations = kpiRelationsFromCatalog(exampleKpis());

  it.each([
    ['bank_balance', ['bank']],
    // Balances in several currencies are converted with fx_rate (market data).
    ['cash_position', ['bank', 'market']],
    ['runway_months', ['bank', 'market']], // cash_position / burn_rate
    ['gross_margin', ['erp']],
    ['revenue_per_employee', ['erp', 'hris']],
    ['churn_rate', ['crm']],
    // The ledger's current assets include cash (`includes`), but their data comes from the ERP.
    ['current_ratio', ['erp']],
    ['unknown_kpi', []],
  ])('%s reads data from %j', (kpi, sources) => {
    expect([...relations.sourcesOf(kpi)].sort()).toEqual(sources);
  });

  it.each([
    ['runway_months', 'bank_balance', true], // through cash_position
    ['cash_position', 'bank_balance', true],
    ['bank_balance', 'cash_position', false],
    ['gross_margin', 'revenue', true],
    ['gross_margin', 'bank_balance', false],
    ['current_ratio', 'cash_position', false], // included, not computed: no inhibition through it
  ])('%s derived from %s: %s', (kpi, input, expected) => {
    expect(relations.isDerivedFrom(kpi, input)).toBe(expected);
  });

  it.each([
    ['revenue', 'cogs', true], // gross_margin reads both
    ['revenue', 'gross_margin', true],
    ['bank_balance', 'runway_months', true],
    ['accounts_receivable', 'revenue', true], // dso
    ['platform_uptime', 'revenue', false],
    ['stock_price', 'interest_rate', false],
    // current_ratio reads current_assets, which include cash_position, which reads bank_balance.
    ['current_ratio', 'bank_balance', true],
    ['current_assets', 'cash_position', true],
    ['current_ratio', 'accounts_payable', true], // current_liabilities include payables
    ['current_ratio', 'revenue', false],
  ])('%s and %s share a derivation: %s', (a, b, expected) => {
    expect(relations.shareDerivation(a, b)).toBe(expected);
    expect(relations.shareDerivation(b, a)).toBe(expected);
  });

  it('knows only catalog KPIs; the empty relations know nothing', () => {
    expect(relations.knows('revenue')).toBe(true);
    expect(relations.knows('bank')).toBe(false);
    expect(NO_KPI_RELATIONS.sourcesOf('revenue').size).toBe(0);
    expect(NO_KPI_RELATIONS.shareDerivation('revenue', 'cogs')).toBe(false);
  });
});

describe('cadenceMs', () => {
  const relations = kpiRelationsFromCatalog(exampleKpis());
  it.each([
    ['bank_balance', 15 * 60_000],
    ['revenue', 86_400_000],
    ['runway_months', 86_400_000],
    ['unknown_kpi', undefined],
  ])('%s gets a value every %s ms', (kpi, ms) => {
    expect(relations.cadenceMs(kpi)).toBe(ms);
  });
  it('is unknown without a catalog', () => {
    expect(NO_KPI_RELATIONS.cadenceMs('revenue')).toBeUndefined();
  });
});

describe('kpiRelationsFromCatalog with includes', () => {
  const kpi = (id: string, extra: Record<string, unknown> = {}) =>
    ({ id, source: 'erp', cadence: '1d', kind: 'stock', dimensions: [], rules: [], ...extra }) as unknown as KpiDefinition;

  it('relates a KPI to what it includes, and what reads it to those parts, through any depth', () => {
    const relations = kpiRelationsFromCatalog([
      kpi('cash', { source: 'bank' }),
      kpi('receivables'),
      kpi('assets', { includes: ['cash', 'receivables'] }),
      kpi('liabilities'),
      kpi('ratio', { source: 'derived', formula: 'latest(assets) / latest(liabilities)' }),
      kpi('other'),
    ]);
    expect(relations.shareDerivation('ratio', 'cash')).toBe(true);
    expect(relations.shareDerivation('cash', 'receivables')).toBe(true); // parts of one KPI
    expect(relations.shareDerivation('ratio', 'other')).toBe(false);
    expect([...relations.sourcesOf('ratio')]).toEqual(['erp']);
    expect(relations.isDerivedFrom('ratio', 'cash')).toBe(false);
  });

  it('survives KPIs that include each other', () => {
    const relations = kpiRelationsFromCatalog([kpi('a', { includes: ['b'] }), kpi('b', { includes: ['a'] }), kpi('c')]);
    expect(relations.shareDerivation('a', 'b')).toBe(true);
    expect(relations.shareDerivation('a', 'c')).toBe(false);
  });
});
