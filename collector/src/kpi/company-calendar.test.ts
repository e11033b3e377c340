import fc from 'fast-check';
import { DateTime } from 'luxon';
import { ErrorCodes } from '../core/errors';
import { CompanyCalendar, civilFromDays, daysFromCivil } from './company-calendar';

const NY = 'America/New_York';
const ny = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toMillis();
const HOUR = 3_600_000;

describe('CompanyCalendar: days in the company time zone', () => {
  const cal = new CompanyCalendar(NY);

  it('starts a day at local midnight, not UTC midnight', () => {
    const d = daysFromCivil(2025, 6, 10);
    expect(cal.dayOf(ny('2025-06-10T00:00'))).toBe(d);
    expect(cal.dayOf(ny('2025-06-09T23:59:59.999'))).toBe(d - 1);
    expect(cal.dayOf(Date.UTC(2025, 5, 11, 3, 30))).toBe(d); // 23:30 New York
    expect(cal.dayStart(d)).toBe(Date.UTC(2025, 5, 10, 4));
  });

  it('has a 23-hour day when DST starts and a 25-hour day when it ends', () => {
    const spring = daysFromCivil(2025, 3, 9);
    const fall = daysFromCivil(2025, 11, 2);
    expect(cal.dayStart(spring + 1) - cal.dayStart(spring)).toBe(23 * HOUR);
    expect(cal.dayStart(fall + 1) - cal.dayStart(fall)).toBe(25 * HOUR);
    expect(cal.dayOf(ny('2025-03-09T23:30'))).toBe(spring);
    expect(cal.dayOf(ny('2025-03-10T00:00'))).toBe(spring + 1);
    expect(cal.dayOf(ny('2025-11-02T23:59'))).toBe(fall);
  });

  it('agrees with luxon for any instant, whatever order instants come in (property)', () => {
    const cal2 = new CompanyCalendar(NY);
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2031, 0, 1) }), (t) => {
        const local = DateTime.fromMillis(t, { zone: NY });
        const d = cal2.dayOf(t);
        return (
          d === daysFromCivil(local.year, local.month, local.day) && cal2.dayStart(d) <= t && t < cal2.dayStart(d + 1)
        );
      }),
      { seed: 3, numRuns: 2000 },
    );
  });

  it('works for a zone with a half-hour offset', () => {
    const kolkata = new CompanyCalendar('Asia/Kolkata');
    const d = daysFromCivil(2025, 1, 1);
    expect(kolkata.dayStart(d)).toBe(Date.UTC(2024, 11, 31, 18, 30));
    expect(kolkata.dayOf(Date.UTC(2024, 11, 31, 18, 29))).toBe(d - 1);
  });

  it('rejects an unknown time zone', () => {
    expect(() => new CompanyCalendar('Mars/Olympus')).toThrow(expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID }));
  });
});

describe('CompanyCalendar: weeks, months, previous and last-year periods', () => {
  const sunday = daysFromCivil(2025, 6, 15);

  it('starts weeks on Monday or Sunday as configured', () => {
    expect(new CompanyCalendar(NY, 'monday').weekOf(sunday)).toBe(daysFromCivil(2025, 6, 9));
    expect(new CompanyCalendar(NY, 'sunday').weekOf(sunday)).toBe(sunday);
    expect(new CompanyCalendar(NY, 'sunday').weekOf(sunday - 1)).toBe(daysFromCivil(2025, 6, 8));
  });

  it('gives months their days, including leap February', () => {
    const cal = new CompanyCalendar(NY);
    const feb = cal.monthOf(daysFromCivil(2024, 2, 10));
    expect(feb).toBe(2024 * 12 + 1);
    expect(cal.periodDays('monthly', feb)).toEqual({ first: daysFromCivil(2024, 2, 1), end: daysFromCivil(2024, 3, 1) });
    expect(cal.periodDays('monthly', 2024 * 12 + 11)).toEqual({ first: daysFromCivil(2024, 12, 1), end: daysFromCivil(2025, 1, 1) });
  });

  it('finds the previous period and the same period a year earlier', () => {
    const cal = new CompanyCalendar(NY);
    const d = daysFromCivil(2025, 3, 1);
    expect(cal.previousPeriod('daily', d)).toBe(d - 1);
    expect(cal.previousPeriod('weekly', cal.weekOf(d))).toBe(cal.weekOf(d) - 7);
    expect(cal.previousPeriod('monthly', 2025 * 12)).toBe(2024 * 12 + 11);
    expect(cal.lastYearPeriod('daily', d)).toBe(daysFromCivil(2024, 3, 1));
    expect(cal.lastYearPeriod('daily', daysFromCivil(2024, 2, 29))).toBe(daysFromCivil(2023, 2, 28));
    expect(cal.lastYearPeriod('weekly', cal.weekOf(d))).toBe(cal.weekOf(d) - 364);
    expect(cal.lastYearPeriod('monthly', 2025 * 12 + 2)).toBe(2024 * 12 + 2);
  });

  it('converts between dates and day ordinals both ways (property)', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (d) => {
        const { year, month, day } = civilFromDays(d);
        return daysFromCivil(year, month, day) === d;
      }),
      { seed: 1 },
    );
  });
});
