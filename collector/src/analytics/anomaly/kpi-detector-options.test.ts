import { seasonsFor, windowFor } from './kpi-detector-options';

const M15 = 15 * 60_000;
const DAY = 86_400_000;

describe('KPI detector options', () => {
  it.each([
    ['none', DAY, []],
    ['daily', 5 * 60_000, [{ periodMs: DAY, buckets: 24 }]],
    ['weekly', M15, [{ periodMs: 7 * DAY, buckets: 168 }]],
    ['weekly', DAY, [{ periodMs: 7 * DAY, buckets: 7 }]],
  ] as const)('seasonality %s at cadence %d → %j', (seasonality, cadence, seasons) => {
    expect(seasonsFor(seasonality, cadence)).toEqual(seasons);
  });

  it.each([
    ['none', DAY, 28],
    ['none', M15, 96],
    ['weekly', DAY, 28],
    ['weekly', M15, 672],
    ['daily', 5 * 60_000, 288],
    ['daily', 60_000, 1024],
  ] as const)('window for %s at cadence %d is %d points (whole seasons, 28..1024)', (seasonality, cadence, window) => {
    expect(windowFor(seasonality, cadence)).toBe(window);
  });
});
