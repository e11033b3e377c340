import { DateTime } from 'luxon';
import type { Period } from '../config/kpi-schema';
import { ErrorCodes, FinmonError } from '../core/errors';

/** Milliseconds in 24 hours (not a calendar day: those can be 23 or 25 hours long). */
export const DAY_MS = 86_400_000;

/**
 * Days, weeks and months in the company time zone, as integers:
 * - a day is its local-date ordinal (days since 1970-01-01 of the local calendar date);
 * - a week is the ordinal of its first day (weeks start on `weekStartsOn`);
 * - a month is `year * 12 + (month - 1)`.
 *
 * Calendar arithmetic on ordinals is pure integer math (Hinnant's civil-date algorithms). Only the
 * epoch-ms instant of a local midnight needs the time-zone database (luxon); those instants are
 * cached, and `dayOf` keeps the current day's [start, end) so a run of points on the same day
 * costs two comparisons each.
 */
export class CompanyCalendar {
  private hotStart = 0;
  private hotEnd = -1;
  private hotDay = 0;
  /** UTC offset (ms) at the start of the hot day; guesses the day of a point outside it. */
  private hotOffset = 0;
  private readonly startCache = new Map<number, number>();

  constructor(
    readonly zone: string,
    readonly weekStartsOn: 'monday' | 'sunday' = 'monday',
  ) {
    if (!DateTime.fromMillis(0, { zone }).isValid) {
      throw new FinmonError(
        ErrorCodes.CONFIG_INVALID,
        `company.timezone "${zone}" is not an IANA time zone such as "America/New_York"`,
        400,
      );
    }
  }

  /** The local day (ordinal) containing epoch-ms `t`. O(1); cached per day. */
  dayOf(t: number): number {
    if (t >= this.hotStart && t < this.hotEnd) return this.hotDay;
    const guess = Math.floor((t + this.hotOffset) / DAY_MS);
    for (const d of [guess, guess - 1, guess + 1]) {
      const start = this.dayStart(d);
      const end = this.dayStart(d + 1);
      if (t >= start && t < end) return this.setHot(d, start, end);
    }
    const local = DateTime.fromMillis(t, { zone: this.zone });
    const d = daysFromCivil(local.year, local.month, local.day);
    return this.setHot(d, this.dayStart(d), this.dayStart(d + 1));
  }

  /** Epoch ms of the local midnight that starts day `d` (first valid instant if midnight is skipped). */
  dayStart(d: number): number {
    const cached = this.startCache.get(d);
    if (cached !== undefined) return cached;
    const { year, month, day } = civilFromDays(d);
    const ms = DateTime.fromObject({ year, month, day }, { zone: this.zone }).toMillis();
    if (this.startCache.size > 8192) this.startCache.clear();
    this.startCache.set(d, ms);
    return ms;
  }

  /** The ordinal of the first day of the week containing day `d`. */
  weekOf(d: number): number {
    // 1970-01-01 (ordinal 0) was a Thursday.
    const sinceStart = this.weekStartsOn === 'monday' ? mod(d + 3, 7) : mod(d + 4, 7);
    return d - sinceStart;
  }

  /** The month key (`year * 12 + month - 1`) of day `d`. */
  monthOf(d: number): number {
    const { year, month } = civilFromDays(d);
    return year * 12 + month - 1;
  }

  /** The key of the period of kind `period` containing day `d`. */
  periodOf(period: Period, d: number): number {
    if (period === 'daily') return d;
    if (period === 'weekly') return this.weekOf(d);
    return this.monthOf(d);
  }

  /** First day (ordinal) of a period and the first day after it. */
  periodDays(period: Period, key: number): { first: number; end: number } {
    if (period === 'daily') return { first: key, end: key + 1 };
    if (period === 'weekly') return { first: key, end: key + 7 };
    const year = Math.floor(key / 12);
    const month = key - year * 12 + 1;
    const first = daysFromCivil(year, month, 1);
    const end = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
    return { first, end };
  }

  /** The period just before `key`. */
  previousPeriod(period: Period, key: number): number {
    if (period === 'daily') return key - 1;
    if (period === 'weekly') return key - 7;
    return key - 1;
  }

  /**
   * The same period a year earlier: the same calendar date (29 Feb → 28 Feb), the week 52 weeks
   * earlier (same weekday alignment), the same month of the previous year.
   */
  lastYearPeriod(period: Period, key: number): number {
    if (period === 'weekly') return key - 364;
    if (period === 'monthly') return key - 12;
    const { year, month, day } = civilFromDays(key);
    return daysFromCivil(year - 1, month, Math.min(day, daysInMonth(year - 1, month)));
  }

  private setHot(d: number, start: number, end: number): number {
    this.hotDay = d;
    this.hotStart = start;
    this.hotEnd = end;
    this.hotOffset = d * DAY_MS - start;
    return d;
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible algorithms"). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The calendar date of a day ordinal (inverse of `daysFromCivil`). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysInMonth(year: number, month: number): number {
  const next = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
  return next - daysFromCivil(year, month, 1);
}
