import { rateLimitDecision } from './rate-limit';

describe('rateLimitDecision', () => {
  const limit = { max: 3, perMs: 100 };

  it.each([
    ['nothing sent yet', [], 50, { admit: true }],
    ['fewer than max in the window', [10, 20], 50, { admit: true }],
    ['max in the window: waits for the oldest to leave', [10, 20, 30], 50, { admit: false, freeAt: 110 }],
    ['admissions outside the window do not count', [-60, 10, 20], 50, { admit: true }],
    ['unsorted input', [30, 10, 20], 50, { admit: false, freeAt: 110 }],
    ['more than max (a fold counted): the slot frees when enough have left', [10, 20, 30, 40], 50, { admit: false, freeAt: 120 }],
    ['a time exactly one window ago has left', [0, 20, 30], 100, { admit: true }],
  ])('%s', (_, admitted, now, expected) => {
    expect(rateLimitDecision(admitted, limit, now)).toEqual(expected);
  });
});
