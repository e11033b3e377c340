import { DateTime } from 'luxon';
import { kpiSchema, type KpiDefinition } from '../config/kpi-schema';
import { ErrorCodes } from '../core/errors';
import { CompanyCalendar } from './company-calendar';
import { cadenceBoundaries, planDerivedKpis } from './derived-plan';

const NY = 'America/New_York';
const ny = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toMillis();

function kpi(id: string, formula?: string, cadence = '1d'): KpiDefinition {
  return kpiSchema.parse({
    id,
    name: id,
    unit: 'USD',
    category: 'financial',
    description: id,
    source: formula ? 'derived' : 'erp',
    cadence,
    kind: 'rate',
    ...(formula ? { formula } : {}),
  });
}

describe('planDerivedKpis', () => {
  it('orders derived KPIs after the derived KPIs they use and collects inputs transitively', () => {
    const plan = planDerivedKpis([
      kpi('runway_months', 'burn_rate > 0 ? cash_position / burn_rate : 99'),
      kpi('bank_balance'),
      kpi('net_cash_flow'),
      kpi('burn_rate', '-sum(net_cash_flow, "30d")'),
      kpi('cash_position', 'latest(bank_balance)', '15m'),
    ]);
    const ids = plan.map((d) => d.id);
    expect(ids.indexOf('runway_months')).toBeGreaterThan(ids.indexOf('burn_rate'));
    expect(ids.indexOf('runway_months')).toBeGreaterThan(ids.indexOf('cash_position'));
    const runway = plan.find((d) => d.id === 'runway_months')!;
    expect([...runway.inputs].sort()).toEqual(['bank_balance', 'burn_rate', 'cash_position', 'net_cash_flow']);
    expect(plan.find((d) => d.id === 'cash_position')!.cadenceMs).toBe(900_000);
    expect(plan.map((d) => d.rank)).toEqual([0, 1, 2]);
  });

  it('counts fx_rate as an input of a KPI that reads a currency KPI', () => {
    const bank = kpiSchema.parse({
      ...kpi('bank_balance'),
      kind: 'stock',
      dimensions: ['currency'],
      currencyDimension: 'currency',
    });
    const plan = planDerivedKpis([bank, kpi('fx_rate'), kpi('cash_position', 'latest(bank_balance)', '15m')]);
    expect([...plan[0]!.inputs].sort()).toEqual(['bank_balance', 'fx_rate']);
  });

  it('rejects a dependency cycle and names its path', () => {
    expect(() => planDerivedKpis([kpi('a', 'b + 1'), kpi('b', 'c * 2'), kpi('c', 'a')])).toThrow(
      expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID, message: expect.stringContaining('a → b → c → a') }),
    );
    expect(() => planDerivedKpis([kpi('a', 'a + 1')])).toThrow(/dependency cycle a → a/);
  });

  it('rejects a formula referencing an unknown KPI, naming the KPI', () => {
    expect(() => planDerivedKpis([kpi('dso', 'latest(accounts_receivable) / sum(revenue, "90d") * 90'), kpi('revenue')])).toThrow(
      expect.objectContaining({
        code: ErrorCodes.CONFIG_INVALID,
        message: 'kpis.dso.formula: references unknown KPI "accounts_receivable"',
      }),
    );
  });

  it('rejects a formula with bad syntax, keeping the formula error and column', () => {
    expect(() => planDerivedKpis([kpi('x', 'revenue.total'), kpi('revenue')])).toThrow(
      /kpis\.x\.formula: invalid formula "revenue.total": member access.*column 8/,
    );
  });
});

describe('cadenceBoundaries', () => {
  const cal = new CompanyCalendar(NY);

  it('steps over multiples of a sub-day cadence, lo exclusive and hi inclusive', () => {
    const lo = ny('2025-06-10T10:00');
    expect(cadenceBoundaries(900_000, lo, ny('2025-06-10T10:45'), cal, 100)).toEqual([
      ny('2025-06-10T10:15'),
      ny('2025-06-10T10:30'),
      ny('2025-06-10T10:45'),
    ]);
    expect(cadenceBoundaries(900_000, lo, lo, cal, 100)).toEqual([]);
  });

  it('steps over local midnights for a daily cadence, across a DST change', () => {
    const b = cadenceBoundaries(86_400_000, ny('2025-03-07T12:00'), ny('2025-03-11T00:00'), cal, 100);
    expect(b).toEqual([ny('2025-03-08T00:00'), ny('2025-03-09T00:00'), ny('2025-03-10T00:00'), ny('2025-03-11T00:00')]);
    expect(b[2]! - b[1]!).toBe(23 * 3_600_000);
  });

  it('steps over week starts for a weekly cadence', () => {
    const b = cadenceBoundaries(7 * 86_400_000, ny('2025-06-01T00:00'), ny('2025-06-20T00:00'), cal, 100);
    expect(b).toEqual([ny('2025-06-02T00:00'), ny('2025-06-09T00:00'), ny('2025-06-16T00:00')]); // Mondays
  });

  it('keeps only the newest boundaries beyond the limit', () => {
    const b = cadenceBoundaries(60_000, 0, 3_600_000, cal, 5);
    expect(b).toEqual([3_360_000, 3_420_000, 3_480_000, 3_540_000, 3_600_000]);
  });
});
