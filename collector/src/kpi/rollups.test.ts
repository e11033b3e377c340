import { DateTime } from 'luxon';
import { kpiSchema, type KpiDefinition } from '../config/kpi-schema';
import { CompanyCalendar } from './company-calendar';
import { KpiState, type CurrencyRates, type SeriesState } from './kpi-state';
import { pctChange, rollupMeasurement, rollupPoints } from './rollups';

const NY = 'America/New_York';
const ny = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toMillis();
const cal = new CompanyCalendar(NY);
const usd: CurrencyRates = { rate: () => 1 };

function state(kind: 'stock' | 'flow' | 'rate', extra: Partial<KpiDefinition> = {}): KpiState {
  const def = kpiSchema.parse({
    id: 'k',
    name: 'k',
    unit: 'USD',
    category: 'financial',
    description: 'k',
    source: 'erp',
    cadence: '1d',
    kind,
    dimensions: ['site'],
    rollups: ['daily'],
    ...extra,
  });
  return new KpiState(def, cal);
}

/** Adds points and returns the touched days of the last one, as the engine collects them. */
function feed(ks: KpiState, points: [string, string, number][]): Map<number, Set<SeriesState>> {
  const touched = new Map<number, Set<SeriesState>>();
  for (const [site, iso, v] of points) {
    const day = cal.dayOf(ny(iso));
    const s = ks.add({ site }, ny(iso), v, day)!;
    touched.clear();
    touched.set(day, new Set([s]));
  }
  return touched;
}

describe('rollupPoints', () => {
  it('compares a stock with the previous day carried forward when that day had no point', () => {
    const ks = state('stock');
    const touched = feed(ks, [
      ['a', '2025-06-08T17:00', 100],
      ['b', '2025-06-10T17:00', 50],
      ['a', '2025-06-11T17:00', 120],
    ]);
    const [total, series] = rollupPoints(ks, touched, { calendar: cal, fx: usd, now: ny('2025-06-12T00:00') });
    // 11 June: a 120 + b 50 = 170; 10 June: a 100 (from 8 June) + b 50 = 150 → +13.3 %
    expect(total).toMatchObject({ kpi: 'rollup_daily', value: 170, time: ny('2025-06-11T00:00') });
    expect(total!.fields).toEqual({ previous: 150, change_pct: expect.closeTo((20 / 150) * 100, 9) });
    expect(series).toMatchObject({ value: 120, tags: { site: 'a', kpi: 'k', scope: 'series' }, fields: { previous: 100, change_pct: 20 } });
  });

  it('averages a rate over the period and never projects it', () => {
    const ks = state('rate');
    const touched = feed(ks, [
      ['a', '2025-06-11T09:00', 99],
      ['a', '2025-06-11T10:00', 97],
    ]);
    const [total] = rollupPoints(ks, touched, { calendar: cal, fx: usd, now: ny('2025-06-11T12:00') });
    expect(total!.value).toBe(98);
    expect(total!.fields).toEqual({});
  });

  it('gives variance without a percentage against a zero target', () => {
    const ks = state('flow', { target: { daily: 0 } });
    const touched = feed(ks, [['a', '2025-06-11T09:00', 5]]);
    const [total] = rollupPoints(ks, touched, { calendar: cal, fx: usd, now: ny('2025-06-12T00:00') });
    expect(total!.fields).toEqual({ target: 0, variance_target: 5 });
  });

  it('names measurements after the period', () => {
    expect(rollupMeasurement('weekly')).toBe('rollup_weekly');
  });
});

describe('pctChange', () => {
  it.each([
    [110, 100, 10],
    [90, 100, -10],
    [-50, -100, 50], // relative to |base|: from −100 to −50 is an improvement
    [1, 0, undefined],
    [1, NaN, undefined],
  ])('%d from %d → %s', (value, base, expected) => {
    if (expected === undefined) expect(pctChange(value, base)).toBeUndefined();
    else expect(pctChange(value, base)).toBeCloseTo(expected, 12);
  });
});
