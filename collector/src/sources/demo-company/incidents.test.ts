import { FinmonError } from '../../core/errors';
import { calendarDay, dayIndexOf, dayIndexOfDate, isBusinessDay, isPayrollDay, localTimeMs } from './calendar';
import { defaultIncidentSpecs, resolveIncidents } from './incidents';
import type { IncidentSpec } from './incidents';

const DAY = 86_400_000;
const START = calendarDay(dayIndexOfDate(2024, 1, 1)).startMs;

describe('incidents', () => {
  it('spreads the default set over the first year after the anchor, on sensible days', () => {
    const effects = resolveIncidents(defaultIncidentSpecs(START), START);
    const records = effects.records;
    expect(records.map((r) => r.id)).toEqual([
      'revenue-shortfall-emea',
      'expense-spike-engineering',
      'outage-api',
      'feed-outage-ops-eur',
      'cash-drop-ops-usd',
      'covenant-squeeze',
    ]);
    for (let i = 1; i < records.length; i++) expect(records[i]!.start).toBeGreaterThan(records[i - 1]!.end);
    expect(records[records.length - 1]!.end).toBeLessThan(START + 366 * DAY);
    const drop = records.find((r) => r.kind === 'cash_drop')!;
    const dropDay = dayIndexOf(drop.start);
    expect(isBusinessDay(dropDay)).toBe(true);
    expect(isPayrollDay(dropDay)).toBe(false);
    const outage = records.find((r) => r.kind === 'outage')!;
    expect(outage.end - outage.start).toBe(2 * 3_600_000);
    expect(outage.start).toBe(localTimeMs(calendarDay(dayIndexOf(outage.start)), 14, 0));
  });

  it('records day-based incidents from local midnight to the midnight after their last day', () => {
    const start = START + 10 * DAY + 5 * 3_600_000;
    const [r] = resolveIncidents([{ kind: 'revenue_shortfall', start, region: 'apac' }], START).records;
    expect(r).toEqual({
      id: 'revenue_shortfall-1',
      kind: 'revenue_shortfall',
      kpis: ['revenue'],
      entity: { region: 'apac' },
      start: START + 10 * DAY,
      end: calendarDay(dayIndexOf(START) + 20).startMs,
      expectedSeverity: 'warning',
      description: expect.stringContaining('40%'),
    });
  });

  it('turns specs into effects on the affected days, series and instants only', () => {
    const d0 = dayIndexOf(START);
    const effects = resolveIncidents(
      [
        { kind: 'revenue_shortfall', start: START + 2 * DAY, region: 'emea', days: 3, depth: 0.5 },
        { kind: 'expense_spike', start: START + 2 * DAY, department: 'sales', factor: 4 },
        { kind: 'data_outage', start: START + DAY + 3_600_000, account: 'ops-gbp' },
        { kind: 'outage', start: START + DAY, service: 'web', durationMs: 600_000 },
        { kind: 'covenant_squeeze', start: START + 30 * DAY, days: 28, revolverDrawUsd: 6e6, recoveryDays: 20 },
      ],
      START,
    );
    expect(effects.revenueFactor(d0 + 2, 'emea')).toBe(0.5);
    expect(effects.revenueFactor(d0 + 5, 'emea')).toBe(1);
    expect(effects.revenueFactor(d0 + 2, 'na')).toBe(1);
    expect(effects.expenseFactor(d0 + 8, 'sales')).toBe(4);
    expect(effects.expenseFactor(d0 + 9, 'sales')).toBe(1);
    expect(effects.feedDown('ops-gbp', START + DAY + 3_600_000)).toBe(true);
    expect(effects.feedDown('ops-gbp', START + DAY + 4 * 3_600_000)).toBe(false);
    expect(effects.feedDown('ops-eur', START + DAY + 3_600_000)).toBe(false);
    expect(effects.serviceDown('web', START + DAY + 300_000)).toBe(true);
    expect(effects.serviceDown('web', START + DAY + 600_000)).toBe(false);
    const events = Array.from({ length: 80 }, (_, k) => effects.revolverEvents(d0 + 30 + k)).flat();
    expect(events.map((e) => Math.round(e.amountUsd))).toEqual([2e6, 2e6, 2e6, -3e6, -3e6]);
    expect(effects.revolverHeld(d0 + 29)).toBe(0);
    expect(Math.round(effects.revolverHeld(d0 + 57))).toBe(6e6);
    expect(Math.round(effects.revolverHeld(d0 + 110))).toBe(0);
    expect(effects.revenueFactor(d0 + 40, 'apac')).toBeCloseTo(0.7);
    expect(effects.hardwareCogsFactor(d0 + 40)).toBeCloseTo(1.6);
    expect(effects.hiringFactor(d0 + 40)).toBe(0.25);
  });

  it.each<[string, IncidentSpec, RegExp]>([
    ['an unknown kind', { kind: 'meteor', start: START } as unknown as IncidentSpec, /incidents\[0\] kind/],
    ['an unknown region', { kind: 'revenue_shortfall', start: START, region: 'mars' } as unknown as IncidentSpec, /incidents\[0\] region/],
    ['a factor of 1 or less', { kind: 'expense_spike', start: START, department: 'sales', factor: 1 }, /incidents\[0\] factor/],
    ['an unknown field', { kind: 'outage', start: START, service: 'api', severity: 'x' } as unknown as IncidentSpec, /incidents\[0\]/],
    ['a start before the history', { kind: 'outage', start: START - 1, service: 'api' }, /incidents\[0\]\.start: .* before the simulated history/],
  ])('rejects %s with a config error naming the incident and field', (_, spec, message) => {
    const attempt = () => resolveIncidents([spec], START);
    expect(attempt).toThrow(FinmonError);
    expect(attempt).toThrow(message);
  });

  it('rejects duplicate ids', () => {
    const spec: IncidentSpec = { kind: 'outage', id: 'x', start: START, service: 'api' };
    expect(() => resolveIncidents([spec, { ...spec }], START)).toThrow(/incidents\[1\]\.id: duplicate id "x"/);
  });
});
