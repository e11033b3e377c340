import { checkMetricsConfig } from './metrics-config-checks';
import type { KpiDefinition } from './kpi-schema';
import { kpiSchema } from './kpi-schema';

function kpi(id: string, extra: Partial<Record<string, unknown>> = {}): KpiDefinition {
  return kpiSchema.parse({
    id,
    name: id,
    unit: 'USD',
    category: 'financial',
    description: id,
    source: extra.formula === undefined ? 'erp' : 'derived',
    cadence: '1d',
    kind: 'stock',
    ...extra,
  });
}

function problems(kpis: KpiDefinition[]): string[] {
  const out: string[] = [];
  checkMetricsConfig({ kpis }, (path, message) => out.push(`${path.join('.')}: ${message}`));
  return out;
}

describe('checkMetricsConfig', () => {
  it('accepts derived KPIs built on other derived KPIs in any order', () => {
    expect(
      problems([
        kpi('runway', { formula: 'burn > 0 ? cash / burn : 99' }),
        kpi('burn', { formula: '-sum(flow, "30d")' }),
        kpi('cash'),
        kpi('flow', { kind: 'flow' }),
        kpi('diamond', { formula: 'runway + burn' }),
      ]),
    ).toEqual([]);
  });

  it('reports a KPI that depends on itself', () => {
    expect(problems([kpi('a', { formula: 'a + 1' })])).toEqual(['kpis.0.formula: formula dependency cycle: a → a']);
  });

  it('reports a longer cycle once, starting at its first KPI in the file', () => {
    expect(
      problems([
        kpi('x'),
        kpi('c', { formula: 'a * 2' }),
        kpi('a', { formula: 'b + x' }),
        kpi('b', { formula: 'c - 1' }),
        kpi('d', { formula: 'a' }),
      ]),
    ).toEqual(['kpis.1.formula: formula dependency cycle: c → a → b → c']);
  });

  it('reports unknown KPIs and syntax errors in formulas', () => {
    const out = problems([kpi('a', { formula: 'latest(b) + c' }), kpi('b'), kpi('d', { formula: 'sum(b, ' })]);
    expect(out[0]).toBe('kpis.0.formula: formula references unknown KPI "c"');
    expect(out[1]).toMatch(/^kpis\.2\.formula: formula does not parse: /);
    expect(out).toHaveLength(2);
  });

  it('reports includes that name an unknown KPI or the KPI itself', () => {
    expect(problems([kpi('cash'), kpi('assets', { includes: ['cash', 'receivables', 'assets'] })])).toEqual([
      'kpis.1.includes.1: includes unknown KPI "receivables"',
      'kpis.1.includes.2: KPI "assets" cannot include itself',
    ]);
  });

  it('reports a duplicate id at the second definition', () => {
    expect(problems([kpi('a'), kpi('b'), kpi('a')])).toEqual(['kpis.2.id: duplicate KPI id "a" (first defined at kpis[0])']);
  });

  it('requires fx_rate with a pair dimension for currency conversion', () => {
    const balance = kpi('bank_balance', { dimensions: ['account', 'currency'], currencyDimension: 'currency' });
    expect(problems([balance, kpi('fx_rate', { kind: 'rate', dimensions: ['pair'] })])).toEqual([]);
    expect(problems([balance])).toEqual([
      'kpis.0.currencyDimension: KPI "bank_balance" converts currencies, which needs a KPI "fx_rate" with a "pair" dimension (e.g. pair=EURUSD); none is defined',
    ]);
  });
});
