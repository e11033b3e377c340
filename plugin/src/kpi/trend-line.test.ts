import { fitTrend } from './trend-line';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

describe('fitTrend', () => {
  it('recovers an exact line from epoch-sized times', () => {
    const points = [0, 1, 2, 3, 4].map((d) => ({ t: T0 + d * DAY, v: 1000 + 25 * d }));
    const trend = fitTrend(points)!;
    expect(trend.slope * DAY).toBeCloseTo(25, 8);
    expect(trend.at(T0)).toBeCloseTo(1000, 6);
    expect(trend.at(T0 + 10 * DAY)).toBeCloseTo(1250, 6);
  });

  it('fits the least-squares line through noisy points', () => {
    // y = 2x + 1 with residuals +1, −1, −1, +1 → the fit stays 2x + 1
    const points = [
      { t: T0, v: 2 },
      { t: T0 + DAY, v: 2 },
      { t: T0 + 2 * DAY, v: 4 },
      { t: T0 + 3 * DAY, v: 8 },
    ];
    const trend = fitTrend(points)!;
    expect(trend.slope * DAY).toBeCloseTo(2, 10);
    expect(trend.at(T0)).toBeCloseTo(1, 10);
  });

  it('skips non-finite points', () => {
    const trend = fitTrend([
      { t: T0, v: 1 },
      { t: T0 + DAY, v: Number.NaN },
      { t: T0 + 2 * DAY, v: 3 },
    ])!;
    expect(trend.slope * DAY).toBeCloseTo(1, 10);
  });

  it('has no trend with fewer than two points or a single time', () => {
    expect(fitTrend([])).toBeUndefined();
    expect(fitTrend([{ t: T0, v: 1 }])).toBeUndefined();
    expect(
      fitTrend([
        { t: T0, v: 1 },
        { t: T0, v: 2 },
      ])
    ).toBeUndefined();
  });
});
