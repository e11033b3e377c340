import { DateTime } from 'luxon';
import type { EscalationPolicy } from '../config/notification-settings-schema';
import { timeOfDayMinutes } from '../config/scalar-schemas';

export type BusinessHours = NonNullable<EscalationPolicy['businessHours']>;
export type LevelWhen = EscalationPolicy['levels'][number]['when'];

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** Whether `now` falls on one of the days, between start (inclusive) and end, in the hours' time zone. */
export function withinBusinessHours(hours: BusinessHours, now: number): boolean {
  const t = DateTime.fromMillis(now, { zone: hours.timezone });
  if (!hours.days.includes(WEEKDAY_NAMES[t.weekday - 1]!)) return false;
  const minute = t.hour * 60 + t.minute;
  return timeOfDayMinutes(hours.start) <= minute && minute < timeOfDayMinutes(hours.end);
}

/**
 * Whether an escalation level applies at `now`: `always`, or inside / outside the policy's business
 * hours. A policy without business hours (the settings checks forbid `when` then) applies always.
 */
export function levelApplies(when: LevelWhen, hours: BusinessHours | undefined, now: number): boolean {
  if (when === 'always' || hours === undefined) return true;
  const inside = withinBusinessHours(hours, now);
  return when === 'business_hours' ? inside : !inside;
}
