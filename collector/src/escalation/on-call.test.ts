import type { OnCallSchedule } from '../config/notification-settings-schema';
import { onCallAt, onCallShift } from './on-call';

const people = ['alex', 'jordan', 'sam'];
const schedule = (rotation: Partial<OnCallSchedule['rotation']>, timezone = 'America/New_York'): OnCallSchedule => ({
  id: 's',
  name: 'S',
  timezone,
  rotation: { recipients: people, every: 'weekly', handoffTime: '09:00', handoffDay: 'monday', startDate: '2025-01-06', ...rotation },
});

describe('weekly rotation, Monday 09:00 New York, from Monday 2025-01-06', () => {
  const s = schedule({});
  it.each([
    ['before the first shift: the first recipient', Date.UTC(2025, 0, 6, 13, 59), 'alex'],
    ['the first shift starts', Date.UTC(2025, 0, 6, 14, 0), 'alex'],
    ['one minute before the handoff', Date.UTC(2025, 0, 13, 13, 59), 'alex'],
    ['at the handoff', Date.UTC(2025, 0, 13, 14, 0), 'jordan'],
    ['the third week', Date.UTC(2025, 0, 22, 3, 0), 'sam'],
    ['the rotation wraps', Date.UTC(2025, 0, 27, 14, 0), 'alex'],
    // Daylight saving started on Sunday 2025-03-09: the handoff stays at 09:00 local (13:00 UTC).
    ['a minute before the first handoff in summer time', Date.UTC(2025, 2, 10, 12, 59), 'sam'],
    ['the first handoff in summer time', Date.UTC(2025, 2, 10, 13, 0), 'alex'],
  ])('%s → %s', (_, now, who) => {
    expect(onCallAt(s, now)).toBe(who);
  });

  it('tells when the shift started and when it hands off', () => {
    expect(onCallShift(s, Date.UTC(2025, 0, 15, 12, 0))).toEqual({
      recipient: 'jordan',
      since: Date.UTC(2025, 0, 13, 14, 0),
      until: Date.UTC(2025, 0, 20, 14, 0),
    });
    expect(onCallShift(s, Date.UTC(2025, 2, 5, 12, 0)).until).toBe(Date.UTC(2025, 2, 10, 13, 0));
  });
});

describe('weekly rotation starting on a Thursday', () => {
  const s = schedule({ startDate: '2025-01-09' });
  it.each([
    [Date.UTC(2025, 0, 9, 14, 0), 'alex'],
    [Date.UTC(2025, 0, 12, 20, 0), 'alex'],
    [Date.UTC(2025, 0, 13, 14, 0), 'jordan'], // the first shift was short: up to the first Monday handoff
    [Date.UTC(2025, 0, 20, 14, 0), 'sam'],
  ])('at %d → %s', (now, who) => {
    expect(onCallAt(s, now)).toBe(who);
  });

  it('its first shift runs from the start to the first Monday', () => {
    expect(onCallShift(s, Date.UTC(2025, 0, 10, 0, 0))).toEqual({
      recipient: 'alex',
      since: Date.UTC(2025, 0, 9, 14, 0),
      until: Date.UTC(2025, 0, 13, 14, 0),
    });
  });
});

describe('daily rotation at 08:00 London across the change to summer time', () => {
  const s = schedule({ every: 'daily', handoffTime: '08:00', startDate: '2025-03-28' }, 'Europe/London');
  delete (s.rotation as { handoffDay?: string }).handoffDay;
  it.each([
    [Date.UTC(2025, 2, 28, 8, 0), 'alex'],
    [Date.UTC(2025, 2, 29, 7, 59), 'alex'],
    [Date.UTC(2025, 2, 29, 8, 0), 'jordan'],
    [Date.UTC(2025, 2, 30, 6, 59), 'jordan'], // 07:59 BST
    [Date.UTC(2025, 2, 30, 7, 0), 'sam'], // 08:00 BST
    [Date.UTC(2025, 2, 31, 7, 0), 'alex'],
  ])('at %d → %s', (now, who) => {
    expect(onCallAt(s, now)).toBe(who);
  });
});
