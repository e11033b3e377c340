import { DateTime } from 'luxon';
import { kpiSchema } from '../config/kpi-schema';
import { CompanyCalendar } from './company-calendar';
import { FxRates } from './fx-rates';
import { KpiState } from './kpi-state';

const NY = 'America/New_York';
const ny = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toMillis();
const cal = new CompanyCalendar(NY);

function setup() {
  const fx = new KpiState(
    kpiSchema.parse({
      id: 'fx_rate',
      name: 'FX',
      unit: 'rate',
      category: 'market',
      description: 'exchange rates',
      source: 'market',
      cadence: '1h',
      kind: 'rate',
      dimensions: ['pair'],
    }),
    cal,
  );
  const warnings: string[] = [];
  const rates = new FxRates('USD', () => fx, cal, (m) => warnings.push(m));
  const add = (pair: string, iso: string, v: number) => fx.add({ pair }, ny(iso), v, cal.dayOf(ny(iso)));
  return { rates, warnings, add };
}

describe('FxRates', () => {
  it('converts the reporting currency at 1 without needing a rate', () => {
    const { rates, warnings } = setup();
    expect(rates.rate('bank_balance', 'USD', 0)).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('uses the latest <CCY><REPORTING> rate at or before the evaluation time', () => {
    const { rates, add } = setup();
    add('EURUSD', '2025-06-09T16:00', 1.08);
    add('EURUSD', '2025-06-10T10:00', 1.1);
    add('EURUSD', '2025-06-10T14:00', 1.12);
    expect(rates.rate('k', 'EUR', ny('2025-06-10T15:00'))).toBe(1.12);
    expect(rates.rate('k', 'EUR', ny('2025-06-09T20:00'))).toBe(1.08);
    // Within a day only the day's last rate is kept: before it, the previous day's close is used.
    expect(rates.rate('k', 'EUR', ny('2025-06-10T12:00'))).toBe(1.08);
  });

  it('gives NaN and a warning naming the KPI, the pair and the time when a rate is missing', () => {
    const { rates, warnings, add } = setup();
    add('EURUSD', '2025-06-10T10:00', 1.1);
    expect(rates.rate('bank_balance', 'SGD', Date.UTC(2025, 5, 10))).toBeNaN();
    expect(rates.rate('bank_balance', 'EUR', ny('2025-06-01T00:00'))).toBeNaN(); // before the first EUR rate
    expect(warnings).toEqual([
      'bank_balance: no fx_rate pair=SGDUSD at or before 2025-06-10T00:00:00.000Z; series in SGD are left out of the USD total',
      'bank_balance: no fx_rate pair=EURUSD at or before 2025-06-01T04:00:00.000Z; series in EUR are left out of the USD total',
    ]);
  });

  it('refuses a series without a currency tag', () => {
    const { rates, warnings } = setup();
    expect(rates.rate('bank_balance', '', 0)).toBeNaN();
    expect(warnings[0]).toMatch(/bank_balance: a series has no currency tag/);
  });

  it('gives NaN when there is no fx_rate KPI at all', () => {
    const warnings: string[] = [];
    const rates = new FxRates('USD', () => undefined, cal, (m) => warnings.push(m));
    expect(rates.rate('k', 'EUR', 0)).toBeNaN();
    expect(warnings).toHaveLength(1);
  });
});
