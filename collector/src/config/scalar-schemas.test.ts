import {
  cronExpressionProblem,
  durationMs,
  durationSchema,
  timeOfDayMinutes,
  timeOfDaySchema,
  timeZoneSchema,
  tryDurationMs,
  tryTimeOfDayMinutes,
} from './scalar-schemas';

describe('durations', () => {
  it.each([
    ['250ms', 250],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['90d', 7_776_000_000],
    ['13w', 7_862_400_000],
  ])('%s is %i ms', (text, ms) => {
    expect(durationSchema.safeParse(text).success).toBe(true);
    expect(durationMs(text)).toBe(ms);
    expect(tryDurationMs(text)).toBe(ms);
  });

  it.each(['0m', '15', '1.5h', '15 m', '1y', '-1d', ''])('rejects %j', (text) => {
    expect(durationSchema.safeParse(text).success).toBe(false);
    expect(tryDurationMs(text)).toBeUndefined();
    expect(() => durationMs(text)).toThrow(`not a duration: "${text}"`);
  });
});

describe('time zones', () => {
  it.each(['America/New_York', 'Europe/London', 'Asia/Singapore', 'UTC'])('accepts %s', (zone) => {
    expect(timeZoneSchema.safeParse(zone).success).toBe(true);
  });

  it('rejects a name that is not an IANA zone, naming it', () => {
    const result = timeZoneSchema.safeParse('Eastern Time');
    expect(result.error?.issues[0]?.message).toBe('"Eastern Time" is not an IANA time zone; expected e.g. "America/New_York" or "Europe/London"');
  });
});

describe('times of day', () => {
  it.each([
    ['00:00', 0],
    ['07:30', 450],
    ['23:59', 1439],
  ])('%s is minute %i', (text, minutes) => {
    expect(timeOfDaySchema.safeParse(text).success).toBe(true);
    expect(timeOfDayMinutes(text)).toBe(minutes);
  });

  it.each(['24:00', '7:30', '07:60', '0730'])('rejects %j', (text) => {
    expect(timeOfDaySchema.safeParse(text).success).toBe(false);
    expect(tryTimeOfDayMinutes(text)).toBeUndefined();
  });
});

describe('cronExpressionProblem', () => {
  it.each(['0 7 * * 1-5', '*/15 * * * *', '0 8 * * MON', '0 0 7 * * 1-5'])('accepts %j', (cron) => {
    expect(cronExpressionProblem(cron)).toBeUndefined();
  });

  it.each([
    ['0 7 *', '"0 7 *" has 3 fields; expected a cron expression with 5 fields (minute hour day month weekday), e.g. "0 7 * * 1-5"'],
    ['61 7 * * *', '"61 7 * * *" is not a valid cron expression ('],
    ['0 25 * * *', '"0 25 * * *" is not a valid cron expression ('],
  ])('rejects %j', (cron, message) => {
    expect(cronExpressionProblem(cron)).toContain(message);
  });
});
