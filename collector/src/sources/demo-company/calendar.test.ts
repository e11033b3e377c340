import {
  addBusinessDays,
  bankHolidays,
  businessDaysLeftInMonth,
  calendarDay,
  dayIndexOf,
  dayIndexOfDate,
  easterSunday,
  isBusinessDay,
  isPayrollDay,
  isQuarterEnd,
  isTradingDay,
  lastBusinessDayOfMonth,
  localHour,
  localTimeMs,
  nextPayrollDay,
  nyseHolidays,
  previousPayrollDay,
} from './calendar';

const idx = dayIndexOfDate;

describe('calendar', () => {
  it('bounds local days at New York midnight, 23 and 25 hours long on DST days', () => {
    const jan = calendarDay(idx(2024, 1, 2));
    expect(new Date(jan.startMs).toISOString()).toBe('2024-01-02T05:00:00.000Z');
    expect(jan.weekday).toBe(2);
    expect(jan.iso).toBe('2024-01-02');
    const spring = calendarDay(idx(2024, 3, 10));
    expect(spring.endMs - spring.startMs).toBe(23 * 3_600_000);
    const autumn = calendarDay(idx(2024, 11, 3));
    expect(autumn.endMs - autumn.startMs).toBe(25 * 3_600_000);
    expect(new Date(calendarDay(idx(2024, 7, 1)).startMs).toISOString()).toBe('2024-07-01T04:00:00.000Z');
  });

  it('maps instants to local days, including the hours before UTC midnight', () => {
    expect(dayIndexOf(Date.UTC(2024, 0, 2, 4, 59))).toBe(idx(2024, 1, 1));
    expect(dayIndexOf(Date.UTC(2024, 0, 2, 5, 0))).toBe(idx(2024, 1, 2));
  });

  it('gives local wall-clock times and hours across DST changes', () => {
    const spring = calendarDay(idx(2024, 3, 10));
    expect(new Date(localTimeMs(spring, 9, 30)).toISOString()).toBe('2024-03-10T13:30:00.000Z');
    expect(localHour(spring, Date.UTC(2024, 2, 10, 6, 30))).toBe(1.5);
    expect(localHour(spring, Date.UTC(2024, 2, 10, 7, 0))).toBe(3);
    const autumn = calendarDay(idx(2024, 11, 3));
    expect(localHour(autumn, Date.UTC(2024, 10, 3, 5, 30))).toBe(1.5);
    expect(localHour(autumn, Date.UTC(2024, 10, 3, 6, 30))).toBe(1.5);
    expect(localHour(autumn, Date.UTC(2024, 10, 3, 8, 0))).toBe(3);
    expect(new Date(localTimeMs(autumn, 16, 0)).toISOString()).toBe('2024-11-03T21:00:00.000Z');
  });

  it('computes Easter Sunday', () => {
    expect(easterSunday(2024)).toBe(idx(2024, 3, 31));
    expect(easterSunday(2025)).toBe(idx(2025, 4, 20));
    expect(easterSunday(2026)).toBe(idx(2026, 4, 5));
  });

  it('knows the 2024 NYSE holidays (Good Friday, Juneteenth) and that Columbus Day is a bank holiday only', () => {
    const nyse = nyseHolidays(2024);
    for (const [m, d] of [[1, 1], [1, 15], [2, 19], [3, 29], [5, 27], [6, 19], [7, 4], [9, 2], [11, 28], [12, 25]] as const) {
      expect(nyse.has(idx(2024, m, d))).toBe(true);
    }
    expect(nyse.size).toBe(10);
    expect(isTradingDay(idx(2024, 3, 29))).toBe(false);
    expect(isBusinessDay(idx(2024, 3, 29))).toBe(true);
    expect(isBusinessDay(idx(2024, 10, 14))).toBe(false);
    expect(isTradingDay(idx(2024, 10, 14))).toBe(true);
    expect(bankHolidays(2024).has(idx(2024, 11, 11))).toBe(true);
  });

  it('observes weekend holidays: NYSE on the Friday before a Saturday, banks not; both on the Monday after a Sunday', () => {
    // 2026-07-04 is a Saturday; 2027-07-04 a Sunday.
    expect(isTradingDay(idx(2026, 7, 3))).toBe(false);
    expect(isBusinessDay(idx(2026, 7, 3))).toBe(true);
    expect(isTradingDay(idx(2027, 7, 5))).toBe(false);
    expect(isBusinessDay(idx(2027, 7, 5))).toBe(false);
    // New Year's Day 2022 was a Saturday: the NYSE stayed open on Friday 2021-12-31.
    expect(isTradingDay(idx(2021, 12, 31))).toBe(true);
  });

  it('pays on the 15th (or the business day before) and on the last business day of the month', () => {
    expect(isPayrollDay(idx(2024, 6, 14))).toBe(true); // the 15th is a Saturday
    expect(isPayrollDay(idx(2024, 6, 15))).toBe(false);
    expect(isPayrollDay(idx(2024, 6, 28))).toBe(true); // the 30th is a Sunday
    expect(isPayrollDay(idx(2024, 5, 15))).toBe(true);
    expect(nextPayrollDay(idx(2024, 6, 14))).toBe(idx(2024, 6, 28));
    expect(previousPayrollDay(idx(2024, 6, 20))).toBe(idx(2024, 6, 14));
    expect(lastBusinessDayOfMonth(2024, 8)).toBe(idx(2024, 8, 30));
  });

  it('counts business days to month end and finds quarter ends', () => {
    expect(businessDaysLeftInMonth(idx(2024, 6, 28))).toBe(0);
    expect(businessDaysLeftInMonth(idx(2024, 6, 26))).toBe(2);
    expect(addBusinessDays(idx(2024, 7, 3), 1)).toBe(idx(2024, 7, 5));
    expect(isQuarterEnd(idx(2024, 9, 30))).toBe(true);
    expect(isQuarterEnd(idx(2024, 10, 31))).toBe(false);
  });
});
