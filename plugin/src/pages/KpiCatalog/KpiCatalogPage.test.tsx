import React from 'react';
import { fireEvent, screen, within } from '@testing-library/react';
import type { KpiEntry } from '../../collector/collector-types';
import { FakeCollector } from '../../collector/test-support/fake-collector';
import { renderWithCollector } from '../../collector/test-support/render-with-collector';
import { testIds } from '../../testIds';
import { KpiCatalogPage, kpiMatches } from './KpiCatalogPage';

const cash: KpiEntry = {
  id: 'cash_position',
  name: 'Cash position',
  unit: 'USD',
  category: 'financial',
  description: 'All bank balances converted to USD.',
  source: 'derived',
  dimensions: [],
  cadence: '15m',
  kind: 'stock',
  formula: 'latest(bank_balance)',
  decimals: 0,
  thresholds: { critical: { below: 4_000_000 }, warning: { below: 6_000_000 } },
  rules: [{ type: 'static', id: 'cash-critical', severity: 'critical' }],
  current: { value: 4_500_000, time: new Date().toISOString() },
};
const revenue: KpiEntry = {
  id: 'revenue',
  name: 'Revenue',
  unit: 'USD',
  category: 'financial',
  description: 'Booked revenue by region and product.',
  source: 'erp',
  dimensions: ['region', 'product'],
  cadence: '1h',
  kind: 'flow',
  decimals: 0,
  target: { daily: 165_000, monthly: 5_000_000 },
  current: null,
};

function fake() {
  return new FakeCollector({
    catalog: {
      company: { name: 'Northwind Robotics Inc.', reportingCurrency: 'USD', timezone: 'America/New_York' },
      kpis: [cash, revenue],
    },
  });
}

describe('KpiCatalogPage', () => {
  it('shows each KPI’s definition, formula, targets, thresholds, rules, current value and status', async () => {
    renderWithCollector(fake(), <KpiCatalogPage />);
    const card = await screen.findByTestId(testIds.kpiCatalog.row('cash_position'));
    expect(card).toHaveTextContent('latest(bank_balance)');
    expect(card).toHaveTextContent('$4,500,000');
    expect(card).toHaveTextContent('critical below $4,000,000; warning below $6,000,000');
    expect(card).toHaveTextContent('cash-critical (static, critical)');
    expect(within(card).getByTestId(testIds.kpiCatalog.status('cash_position'))).toHaveTextContent('Needs attention');
    const rev = screen.getByTestId(testIds.kpiCatalog.row('revenue'));
    expect(rev).toHaveTextContent('daily $165,000 · monthly $5,000,000');
    expect(rev).toHaveTextContent('no data yet');
    expect(rev).toHaveTextContent('region, product');
    expect(screen.getByText(/2 of 2 KPIs/)).toBeInTheDocument();
  });

  it('filters by the search text', async () => {
    renderWithCollector(fake(), <KpiCatalogPage />);
    await screen.findByTestId(testIds.kpiCatalog.row('revenue'));
    fireEvent.change(screen.getByTestId(testIds.kpiCatalog.search), { target: { value: 'ERP' } });
    expect(screen.queryByTestId(testIds.kpiCatalog.row('cash_position'))).not.toBeInTheDocument();
    expect(screen.getByTestId(testIds.kpiCatalog.row('revenue'))).toBeInTheDocument();
  });

  it('matches id, name, category, source and description', () => {
    expect(['cash_', 'POSITION', 'financial', 'derived', 'bank balances', ''].every((t) => kpiMatches(cash, t))).toBe(
      true
    );
    expect(kpiMatches(cash, 'churn')).toBe(false);
  });
});
