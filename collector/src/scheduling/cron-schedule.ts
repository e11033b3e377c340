import { CronExpressionParser } from 'cron-parser';
import { ErrorCodes, FinmonError } from '../core/errors';

/**
 * The first time strictly after `afterMs` (epoch ms) that matches the cron expression `schedule`
 * (five fields, or six with seconds first) read in time zone `timezone` (default UTC), or null if
 * there is none. Throws `FinmonError(CONFIG_INVALID)` naming `owner` when the expression is invalid.
 * @example nextFireTime('*\/5 * * * * *', Date.UTC(2024, 0, 1), 'clock') // Date.UTC(2024, 0, 1, 0, 0, 5)
 */
export function nextFireTime(schedule: string, afterMs: number, owner: string, timezone = 'UTC'): number | null {
  const expression = parseSchedule(schedule, owner, timezone, afterMs);
  if (!expression.hasNext()) return null;
  return expression.next().getTime();
}

/** Throws `FinmonError(CONFIG_INVALID)` naming `owner` unless `schedule` is a valid cron expression. */
export function assertCronSchedule(schedule: string, owner: string, timezone = 'UTC'): void {
  parseSchedule(schedule, owner, timezone, 0);
}

function parseSchedule(schedule: string, owner: string, timezone: string, currentMs: number) {
  if (typeof schedule !== 'string' || schedule.trim() === '') {
    throw new FinmonError(ErrorCodes.CONFIG_INVALID, `${owner}: schedule must be a cron expression, got ${JSON.stringify(schedule)}`);
  }
  const fields = schedule.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    throw new FinmonError(
      ErrorCodes.CONFIG_INVALID,
      `${owner}: schedule "${schedule}" has ${fields} fields; expected 5, or 6 with seconds first`,
    );
  }
  try {
    return CronExpressionParser.parse(schedule, { currentDate: new Date(currentMs), tz: timezone });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FinmonError(
      ErrorCodes.CONFIG_INVALID,
      `${owner}: schedule "${schedule}" is not a valid cron expression (${reason}); expected 5 fields, or 6 with seconds first`,
      500,
      false,
      { cause: error },
    );
  }
}
