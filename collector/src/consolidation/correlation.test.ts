import type { CorrelationRelation } from '../config/consolidation-schema';
import { DEFAULT_CORRELATION_RELATIONS } from '../config/consolidation-schema';
import { firedTogether, related } from './correlation';
import { kpiRelationsFromCatalog } from './kpi-relations';
import { alert, exampleKpis, MINUTE, T0 } from './test-support/alert-fixtures';

const kpis = kpiRelationsFromCatalog(exampleKpis());

describe('related', () => {
  const relations = DEFAULT_CORRELATION_RELATIONS;
  it.each([
    ['inputs of one derived KPI (gross margin)', alert({ kpi: 'revenue' }), alert({ kpi: 'cogs' }), true],
    ['a KPI and a KPI derived from it', alert({ kpi: 'bank_balance' }), alert({ kpi: 'runway_months' }), true],
    ['the same entity (region)', alert({ kpi: 'expenses', series: { region: 'emea' } }), alert({ kpi: 'churned_customers', series: { region: 'emea' } }), true],
    ['different entities of unrelated KPIs', alert({ kpi: 'platform_uptime', series: { service: 'api' } }), alert({ kpi: 'stock_price', series: { ticker: 'NWR' } }), false],
    ['the same source (erp)', alert({ kpi: 'total_debt' }), alert({ kpi: 'inventory_value' }), true],
    ['a tag that is no entity (currency)', alert({ kpi: 'stock_price', series: { currency: 'USD' } }), alert({ kpi: 'platform_uptime', series: { currency: 'USD' } }), false],
    ['information never correlates', alert({ kpi: 'revenue', severity: 'info' }), alert({ kpi: 'cogs' }), false],
  ])('%s: %s', (_, a, b, expected) => {
    expect(related(a, b, relations, kpis)).toBe(expected);
    expect(related(b, a, relations, kpis)).toBe(expected);
  });

  it('follows only the configured relations', () => {
    const onlyEntity: CorrelationRelation[] = [{ kind: 'same_entity', dimensions: ['account'] }];
    expect(related(alert({ kpi: 'revenue' }), alert({ kpi: 'cogs' }), onlyEntity, kpis)).toBe(false);
    expect(related(alert({ kpi: 'bank_balance', series: { account: 'ops' } }), alert({ kpi: 'net_cash_flow', series: { account: 'ops' } }), onlyEntity, kpis)).toBe(true);
    expect(related(alert({ kpi: 'revenue' }), alert({ kpi: 'cogs' }), [], kpis)).toBe(false);
  });

  it('limits same_source to the categories given', () => {
    const systemOnly: CorrelationRelation[] = [{ kind: 'same_source', categories: ['system'] }];
    const a = alert({ kpi: 'total_debt' });
    const b = alert({ kpi: 'inventory_value' });
    expect(related(a, b, systemOnly, kpis)).toBe(false);
    expect(related({ ...a, category: 'system' }, { ...b, category: 'system' }, systemOnly, kpis)).toBe(true);
  });
});

it.each([
  [0, true],
  [5 * MINUTE, true],
  [5 * MINUTE + 1, false],
  [-5 * MINUTE - 1, false],
])('alerts %d ms apart fire together within 5m: %s', (delta, expected) => {
  expect(firedTogether(alert({ firingAt: T0 }), alert({ firingAt: T0 + delta }), 5 * MINUTE)).toBe(expected);
});
