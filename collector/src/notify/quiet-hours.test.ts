import { quietHoursEnd } from './quiet-hours';

const NY = 'America/New_York';
const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

describe('quietHoursEnd', () => {
  const overnight = { start: '22:00', end: '07:00' };

  it.each([
    ['before the start (21:59 NY)', utc(2025, 1, 16, 2, 59), undefined],
    ['at the start (22:00 NY) until 07:00 the next morning', utc(2025, 1, 16, 3, 0), utc(2025, 1, 16, 12, 0)],
    ['just before midnight', utc(2025, 1, 16, 4, 59), utc(2025, 1, 16, 12, 0)],
    ['after midnight (03:00 NY) until 07:00 the same day', utc(2025, 1, 16, 8, 0), utc(2025, 1, 16, 12, 0)],
    ['at the end (07:00 NY) it is over', utc(2025, 1, 16, 12, 0), undefined],
    ['in the afternoon', utc(2025, 1, 16, 19, 0), undefined],
  ])('overnight window 22:00–07:00 in New York: %s', (_, now, expected) => {
    expect(quietHoursEnd(now, NY, overnight)).toBe(expected);
  });

  it('reads a window that does not wrap midnight (12:00–13:30)', () => {
    const lunch = { start: '12:00', end: '13:30' };
    expect(quietHoursEnd(utc(2025, 1, 16, 17, 15), NY, lunch)).toBe(utc(2025, 1, 16, 18, 30));
    expect(quietHoursEnd(utc(2025, 1, 16, 18, 30), NY, lunch)).toBeUndefined();
    expect(quietHoursEnd(utc(2025, 1, 16, 16, 59), NY, lunch)).toBeUndefined();
  });

  it('uses the recipient time zone, not UTC', () => {
    // 23:30 UTC is 23:30 in London (quiet) and 18:30 in New York (not quiet).
    const now = utc(2025, 1, 16, 23, 30);
    expect(quietHoursEnd(now, 'Europe/London', overnight)).toBe(utc(2025, 1, 17, 7, 0));
    expect(quietHoursEnd(now, NY, overnight)).toBeUndefined();
  });

  it('ends at 07:00 local on the morning after a daylight-saving change', () => {
    // 2025-03-09: New York springs forward at 02:00. 23:00 EST on the 8th → 07:00 EDT on the 9th = 11:00 UTC.
    expect(quietHoursEnd(utc(2025, 3, 9, 4, 0), NY, overnight)).toBe(utc(2025, 3, 9, 11, 0));
  });

  it('has no quiet hours when start equals end', () => {
    expect(quietHoursEnd(utc(2025, 1, 16, 3, 0), NY, { start: '22:00', end: '22:00' })).toBeUndefined();
  });
});
