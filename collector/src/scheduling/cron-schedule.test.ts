import { ErrorCodes, FinmonError } from '../core/errors';
import { assertCronSchedule, nextFireTime } from './cron-schedule';

const T0 = Date.UTC(2024, 0, 15, 12, 0, 0); // a Monday, winter (New York = UTC−5)

describe('nextFireTime', () => {
  it.each<[string, number, string, number]>([
    ['*/5 * * * * *', T0, 'UTC', T0 + 5_000],
    ['*/5 * * * * *', T0 + 4_999, 'UTC', T0 + 5_000],
    ['*/15 * * * *', T0, 'UTC', T0 + 15 * 60_000],
    ['30 9 * * 1-5', T0, 'America/New_York', Date.UTC(2024, 0, 15, 14, 30)],
    ['30 9 * * 1-5', Date.UTC(2024, 0, 19, 15), 'America/New_York', Date.UTC(2024, 0, 22, 14, 30)],
    ['0 0 * * *', T0, 'UTC', Date.UTC(2024, 0, 16)],
  ])('%s after %d in %s is %d (strictly later)', (schedule, after, zone, expected) => {
    expect(nextFireTime(schedule, after, 'test', zone)).toBe(expected);
  });
});

describe('assertCronSchedule', () => {
  it('accepts five- and six-field expressions', () => {
    expect(() => assertCronSchedule('*/15 * * * *', 'x')).not.toThrow();
    expect(() => assertCronSchedule('*/30 * * * * *', 'x')).not.toThrow();
  });

  it.each(['', '*', '*/10 * *', '@daily', 'every minute', '61 * * * * *', '* * * * * * *'])('rejects %j with CONFIG_INVALID naming the owner', (schedule) => {
    let thrown: unknown;
    try {
      assertCronSchedule(schedule, 'pulled source "bank"');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FinmonError);
    expect((thrown as FinmonError).code).toBe(ErrorCodes.CONFIG_INVALID);
    expect((thrown as FinmonError).message).toMatch(/^pulled source "bank": schedule/);
  });
});
