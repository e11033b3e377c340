import { DateTime, IANAZone } from 'luxon';

/**
 * The company calendar in America/New_York: local days (with their exact epoch bounds across DST),
 * US bank holidays (Federal Reserve), NYSE holidays, business and trading days, payroll dates and
 * period ends. A day is identified by its index: days since 1970-01-01 in the local calendar.
 */

export const COMPANY_ZONE = 'America/New_York';

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

export interface CalendarDay {
  /** Days since 1970-01-01 in the local calendar. */
  readonly index: number;
  readonly year: number;
  /** 1 … 12 */
  readonly month: number;
  /** 1 … 31 */
  readonly day: number;
  /** 1 = Monday … 7 = Sunday */
  readonly weekday: number;
  /** Local midnight, epoch ms. */
  readonly startMs: number;
  /** The next local midnight, epoch ms (23 or 25 hours later on DST days). */
  readonly endMs: number;
  /** yyyy-mm-dd */
  readonly iso: string;
}

/** Index of the local day with the given date. */
export function dayIndexOfDate(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** Index of the local (New York) day containing `timeMs`. */
export function dayIndexOf(timeMs: number): number {
  const dt = DateTime.fromMillis(timeMs, { zone: COMPANY_ZONE });
  return dayIndexOfDate(dt.year, dt.month, dt.day);
}

const zone = IANAZone.create(COMPANY_ZONE);

/**
 * Local midnight of a day. New York changes offset at 02:00 local, so midnight carries the offset in
 * force at the previous UTC midnight (19:00/20:00 local the evening before).
 */
function localMidnight(index: number): number {
  const utcMidnight = index * MS_PER_DAY;
  return utcMidnight - zone.offset(utcMidnight) * 60_000;
}

const dayCache = new Map<number, CalendarDay>();
const DAY_CACHE_LIMIT = 20_000;

/** The calendar day with the given index (memoized). */
export function calendarDay(index: number): CalendarDay {
  const cached = dayCache.get(index);
  if (cached) return cached;
  const d = new Date(index * MS_PER_DAY);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  const startMs = localMidnight(index);
  const endMs = localMidnight(index + 1);
  const result: CalendarDay = Object.freeze({
    index,
    year,
    month,
    day,
    weekday: ((((index + 3) % 7) + 7) % 7) + 1,
    startMs,
    endMs,
    iso: d.toISOString().slice(0, 10),
  });
  if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear();
  dayCache.set(index, result);
  return result;
}

/** Epoch ms of a local wall-clock time on `day` (times inside a DST gap move forward, as luxon does). */
export function localTimeMs(day: CalendarDay, hour: number, minute = 0): number {
  if (day.endMs - day.startMs === MS_PER_DAY) return day.startMs + hour * MS_PER_HOUR + minute * 60_000;
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone: COMPANY_ZONE }).toMillis();
}

/** Local hour of day (fractional) of `timeMs`, which must lie on `day`. */
export function localHour(day: CalendarDay, timeMs: number): number {
  const elapsed = (timeMs - day.startMs) / MS_PER_HOUR;
  if (day.endMs - day.startMs === MS_PER_DAY) return elapsed;
  // DST day: the clock jumps at 02:00 local (forward one hour in spring, back one hour in autumn).
  const shift = 24 - (day.endMs - day.startMs) / MS_PER_HOUR;
  return elapsed >= 2 ? elapsed + shift : elapsed;
}

function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = dayIndexOfDate(year, month, 1);
  const firstWeekday = calendarWeekday(first);
  return first + ((weekday - firstWeekday + 7) % 7) + (n - 1) * 7;
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const last = dayIndexOfDate(year, month + 1, 1) - 1;
  return last - ((calendarWeekday(last) - weekday + 7) % 7);
}

function calendarWeekday(index: number): number {
  return ((((index + 3) % 7) + 7) % 7) + 1;
}

/** Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher) as a day index. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayIndexOfDate(year, month, day);
}

const bankHolidayCache = new Map<number, ReadonlySet<number>>();
const nyseHolidayCache = new Map<number, ReadonlySet<number>>();

/**
 * US bank holidays of a year (Federal Reserve schedule): a holiday on Sunday is observed on Monday,
 * one on Saturday is not observed.
 */
export function bankHolidays(year: number): ReadonlySet<number> {
  const cached = bankHolidayCache.get(year);
  if (cached) return cached;
  const fixed = [
    dayIndexOfDate(year, 1, 1),
    dayIndexOfDate(year, 6, 19),
    dayIndexOfDate(year, 7, 4),
    dayIndexOfDate(year, 11, 11),
    dayIndexOfDate(year, 12, 25),
  ].map((d) => (calendarWeekday(d) === 7 ? d + 1 : d));
  const floating = [
    nthWeekday(year, 1, 1, 3), // Martin Luther King Jr. Day
    nthWeekday(year, 2, 1, 3), // Washington's Birthday
    lastWeekday(year, 5, 1), // Memorial Day
    nthWeekday(year, 9, 1, 1), // Labor Day
    nthWeekday(year, 10, 1, 2), // Columbus Day
    nthWeekday(year, 11, 4, 4), // Thanksgiving
  ];
  const set = new Set([...fixed, ...floating].filter((d) => calendarWeekday(d) <= 5));
  bankHolidayCache.set(year, set);
  return set;
}

/**
 * NYSE full-day holidays of a year: Saturday holidays are observed on Friday (except New Year's Day),
 * Sunday holidays on Monday; includes Good Friday; Juneteenth from 2022.
 */
export function nyseHolidays(year: number): ReadonlySet<number> {
  const cached = nyseHolidayCache.get(year);
  if (cached) return cached;
  const observe = (d: number, allowFriday = true): number | undefined => {
    const w = calendarWeekday(d);
    if (w === 6) return allowFriday ? d - 1 : undefined;
    if (w === 7) return d + 1;
    return d;
  };
  const days: (number | undefined)[] = [
    observe(dayIndexOfDate(year, 1, 1), false),
    nthWeekday(year, 1, 1, 3),
    nthWeekday(year, 2, 1, 3),
    easterSunday(year) - 2,
    lastWeekday(year, 5, 1),
    year >= 2022 ? observe(dayIndexOfDate(year, 6, 19)) : undefined,
    observe(dayIndexOfDate(year, 7, 4)),
    nthWeekday(year, 9, 1, 1),
    nthWeekday(year, 11, 4, 4),
    observe(dayIndexOfDate(year, 12, 25)),
  ];
  // New Year's Day of the next year falling on a Saturday is not observed on Dec 31.
  const set = new Set(days.filter((d): d is number => d !== undefined));
  nyseHolidayCache.set(year, set);
  return set;
}

/** A weekday that is not a US bank holiday. */
export function isBusinessDay(index: number): boolean {
  if (calendarWeekday(index) > 5) return false;
  return !bankHolidays(calendarDay(index).year).has(index);
}

/** A weekday on which the NYSE is open. */
export function isTradingDay(index: number): boolean {
  if (calendarWeekday(index) > 5) return false;
  return !nyseHolidays(calendarDay(index).year).has(index);
}

/** The first business day on or after `index`. */
export function businessDayOnOrAfter(index: number): number {
  let d = index;
  while (!isBusinessDay(d)) d++;
  return d;
}

/** The last business day on or before `index`. */
export function businessDayOnOrBefore(index: number): number {
  let d = index;
  while (!isBusinessDay(d)) d--;
  return d;
}

/** The business day `n` business days after `index` (n ≥ 1). */
export function addBusinessDays(index: number, n: number): number {
  let d = index;
  for (let k = 0; k < n; k++) d = businessDayOnOrAfter(d + 1);
  return d;
}

/** The last business day of the given month. */
export function lastBusinessDayOfMonth(year: number, month: number): number {
  return businessDayOnOrBefore(dayIndexOfDate(year, month + 1, 1) - 1);
}

/** The n-th business day (1-based) of the given month. */
export function nthBusinessDayOfMonth(year: number, month: number, n: number): number {
  return addBusinessDays(dayIndexOfDate(year, month, 1) - 1, n);
}

/** Pay dates: the 15th (or the business day before) and the last business day of each month. */
export function isPayrollDay(index: number): boolean {
  const { year, month } = calendarDay(index);
  return index === businessDayOnOrBefore(dayIndexOfDate(year, month, 15)) || index === lastBusinessDayOfMonth(year, month);
}

/** The first pay date strictly after `index`. */
export function nextPayrollDay(index: number): number {
  let d = index + 1;
  while (!isPayrollDay(d)) d++;
  return d;
}

/** The last pay date on or before `index`. */
export function previousPayrollDay(index: number): number {
  let d = index;
  while (!isPayrollDay(d)) d--;
  return d;
}

/** Business days of the same month after `index` (0 on the month's last business day). */
export function businessDaysLeftInMonth(index: number): number {
  const { year, month } = calendarDay(index);
  const last = lastBusinessDayOfMonth(year, month);
  let n = 0;
  for (let d = index + 1; d <= last; d++) if (isBusinessDay(d)) n++;
  return n;
}

/** True when `index` is the last calendar day of a quarter (Mar 31, Jun 30, Sep 30, Dec 31). */
export function isQuarterEnd(index: number): boolean {
  const { month } = calendarDay(index);
  return month % 3 === 0 && calendarDay(index + 1).month !== month;
}
