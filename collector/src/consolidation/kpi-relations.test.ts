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
