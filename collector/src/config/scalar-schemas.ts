import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * Small value schemas shared by metrics_config.json and notification_settings.yaml: durations,
 * identifiers, severities, time zones, times of day and cron expressions. Each carries the message
 * a person editing the file needs ("a duration such as …").
 */

/** A duration such as `15m`, `1h`, `1d`, `1w`, `90d`. */
export const durationSchema = z
  .string()
  .regex(/^[1-9][0-9]*(ms|s|m|h|d|w)$/, 'a duration such as "15m", "1h", "1d" or "1w"');

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds in a duration string validated by `durationSchema`. Throws on anything else. */
export function durationMs(duration: string): number {
  const m = /^([1-9][0-9]*)(ms|s|m|h|d|w)$/.exec(duration);
  if (!m) throw new Error(`not a duration: "${duration}" (expected e.g. "15m", "1h", "1d")`);
  return Number(m[1]) * (DURATION_UNITS_MS[m[2]!] as number);
}

/**
 * Milliseconds of a duration, or undefined when the text is not one. Cross-field checks use it:
 * they also run when a field failed its own format check, and must not report twice or throw.
 */
export function tryDurationMs(duration: string): number | undefined {
  return /^[1-9][0-9]*(ms|s|m|h|d|w)$/.test(duration) ? durationMs(duration) : undefined;
}

export const kpiIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a KPI id: lower-case letters, digits and "_", starting with a letter');

export const dimensionNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,31}$/, 'a dimension name: lower-case letters, digits and "_"');

/** Ids of things a config refers to by name: rules, recipients, roles, schedules, policies. */
export const referenceIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'an id: lower-case letters, digits, "_", "-" or ".", e.g. "cash-critical"');

export const severitySchema = z.enum(['critical', 'warning', 'info']);
export type Severity = z.infer<typeof severitySchema>;

/** Severities from most to least severe; index 0 is the most severe. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'warning', 'info'];

/** An IANA time zone name such as "America/New_York", checked against the runtime's zone data. */
export const timeZoneSchema = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), {
    error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone; expected e.g. "America/New_York" or "Europe/London"`,
  });

/** A wall-clock time "HH:MM" (24-hour). */
export const timeOfDaySchema = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time of day "HH:MM" (24-hour), e.g. "07:30"');

/** Minutes after midnight of a "HH:MM" string validated by `timeOfDaySchema`. */
export function timeOfDayMinutes(time: string): number {
  const m = /^([0-9]{2}):([0-9]{2})$/.exec(time);
  if (!m) throw new Error(`not a time of day: "${time}" (expected "HH:MM")`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Minutes after midnight, or undefined when the text is not "HH:MM" (see `tryDurationMs`). */
export function tryTimeOfDayMinutes(time: string): number | undefined {
  return /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(time) ? timeOfDayMinutes(time) : undefined;
}

export const weekdaySchema = z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);
export type Weekday = z.infer<typeof weekdaySchema>;

/**
 * Why a cron expression is unusable, or undefined when it is fine: 5 fields (minute hour day month
 * weekday) or 6 (with seconds first), each field checked by cron-parser.
 */
export function cronExpressionProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `"${expression}" has ${fields.length} fields; expected a cron expression with 5 fields (minute hour day month weekday), e.g. "0 7 * * 1-5"`;
  }
  try {
    CronExpressionParser.parse(expression);
    return undefined;
  } catch (err) {
    return `"${expression}" is not a valid cron expression (${(err as Error).message}); expected e.g. "0 7 * * 1-5"`;
  }
}

export const cronExpressionSchema = z.string().superRefine((expression, ctx) => {
  const problem = cronExpressionProblem(expression);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
