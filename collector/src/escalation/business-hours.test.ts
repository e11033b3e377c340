import { levelApplies, withinBusinessHours, type BusinessHours } from './business-hours';

const london: BusinessHours = {
  timezone: 'Europe/London',
  days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  start: '09:00',
  end: '17:00',
};

describe('withinBusinessHours (London, Monday–Friday 09:00–17:00)', () => {
  it.each([
    ['Monday 09:00 GMT', Date.UTC(2025, 2, 3, 9, 0), true],
    ['Monday 08:59 GMT', Date.UTC(2025, 2, 3, 8, 59), false],
    ['Monday 16:59 GMT', Date.UTC(2025, 2, 3, 16, 59), true],
    ['Monday 17:00 GMT (the end is exclusive)', Date.UTC(2025, 2, 3, 17, 0), false],
    ['Saturday noon', Date.UTC(2025, 2, 8, 12, 0), false],
    ['Tuesday 09:00 BST (08:00 UTC)', Date.UTC(2025, 6, 1, 8, 0), true],
    ['Tuesday 17:00 BST (16:00 UTC)', Date.UTC(2025, 6, 1, 16, 0), false],
    ['Friday 23:30 in New York is Saturday in London', Date.UTC(2025, 2, 8, 4, 30), false],
  ])('%s → %s', (_, now, expected) => {
    expect(withinBusinessHours(london, now)).toBe(expected);
  });
});

describe('levelApplies', () => {
  const inside = Date.UTC(2025, 2, 3, 10, 0);
  const outside = Date.UTC(2025, 2, 3, 20, 0);
  it.each([
    ['always', inside, true],
    ['always', outside, true],
    ['business_hours', inside, true],
    ['business_hours', outside, false],
    ['outside_business_hours', inside, false],
    ['outside_business_hours', outside, true],
  ] as const)('%s at %d → %s', (when, now, expected) => {
    expect(levelApplies(when, london, now)).toBe(expected);
  });

  it('applies always when the policy has no business hours', () => {
    expect(levelApplies('business_hours', undefined, outside)).toBe(true);
  });
});
