import { DateTime } from 'luxon';
import { timeOfDayMinutes } from '../config/scalar-schemas';

/** Quiet hours as notification_settings.yaml gives them: "HH:MM" wall-clock times. */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
}

/**
 * When the quiet hours around `now` end, in epoch ms, or undefined when `now` is outside them.
 * The window is read in `timezone` on the wall clock and may wrap midnight (22:00–07:00); start ==
 * end means no quiet hours. On a daylight-saving change the end is taken on that day's clock
 * (a skipped wall time moves forward, as luxon does). O(1).
 * @example quietHoursEnd(Date.UTC(2025, 0, 15, 4), 'America/New_York', { start: '22:00', end: '07:00' })
 *   // Date.UTC(2025, 0, 15, 12): 23:00 in New York is quiet until 07:00 (12:00 UTC)
 */
export function quietHoursEnd(now: number, timezone: string, quiet: QuietHours): number | undefined {
  const start = timeOfDayMinutes(quiet.start);
  const end = timeOfDayMinutes(quiet.end);
  if (start === end) return undefined;
  const local = DateTime.fromMillis(now, { zone: timezone });
  const minute = local.hour * 60 + local.minute;
  const endOn = (day: DateTime) =>
    day.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 }).toMillis();
  if (start < end) {
    return minute >= start && minute < end ? endOn(local) : undefined;
  }
  if (minute >= start) return endOn(local.plus({ days: 1 }));
  if (minute < end) return endOn(local);
  return undefined;
}
