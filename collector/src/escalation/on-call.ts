import { DateTime } from 'luxon';
import type { OnCallSchedule } from '../config/notification-settings-schema';
import { timeOfDayMinutes } from '../config/scalar-schemas';

/**
 * Who is on call in a rotation at a given instant. The first shift starts at the handoff time on
 * `startDate` with the first recipient; a daily rotation hands off every day at `handoffTime`, a
 * weekly one every `handoffDay` (default monday) at `handoffTime` — wall-clock time in the
 * schedule's time zone, so handoffs stay at 09:00 across daylight-saving changes. Before the first
 * shift the first recipient is on call.
 */
export interface OnCallShift {
  readonly recipient: string;
  /** When this shift started (the rotation's start for the first shift). */
  readonly since: number;
  /** The next handoff. */
  readonly until: number;
}

const WEEKDAY_NUMBER = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7 } as const;

export function onCallShift(schedule: OnCallSchedule, now: number): OnCallShift {
  const rotation = schedule.rotation;
  const minutes = timeOfDayMinutes(rotation.handoffTime);
  const at = { hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 };
  const zone = schedule.timezone;
  const start = DateTime.fromISO(rotation.startDate, { zone }).set(at);
  const t = DateTime.fromMillis(now, { zone });
  const people = rotation.recipients;

  // The latest handoff at or before now, and the one after it.
  let last = t.set(at);
  const step = rotation.every === 'daily' ? { days: 1 } : { weeks: 1 };
  if (rotation.every === 'weekly') {
    const day = WEEKDAY_NUMBER[rotation.handoffDay ?? 'monday'];
    last = last.minus({ days: (last.weekday - day + 7) % 7 });
  }
  if (last > t) last = last.minus(step);
  const next = last.plus(step);

  if (t < start) {
    return { recipient: people[0]!, since: start.toMillis(), until: start.toMillis() };
  }
  let shifts: number;
  if (last <= start) {
    shifts = 0;
  } else if (rotation.every === 'daily') {
    shifts = calendarDays(start, last);
  } else {
    // Weekly: the first handoff after the start may come sooner than a week (a start on a Thursday
    // with Monday handoffs).
    const day = WEEKDAY_NUMBER[rotation.handoffDay ?? 'monday'];
    let first = start.plus({ days: (day - start.weekday + 7) % 7 });
    if (first <= start) first = first.plus({ weeks: 1 });
    shifts = 1 + Math.round(calendarDays(first, last) / 7);
  }
  const since = last <= start ? start : last;
  return { recipient: people[shifts % people.length]!, since: since.toMillis(), until: next.toMillis() };
}

/** The recipient on call at `now`. */
export function onCallAt(schedule: OnCallSchedule, now: number): string {
  return onCallShift(schedule, now).recipient;
}

/** Whole calendar days from a's date to b's date (same zone), daylight-saving safe. */
function calendarDays(a: DateTime, b: DateTime): number {
  return Math.round(b.startOf('day').diff(a.startOf('day'), 'days').days);
}
