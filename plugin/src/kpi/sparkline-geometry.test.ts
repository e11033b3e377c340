import { sparklinePaths } from './sparkline-geometry';
import { fitTrend } from './trend-line';

const series = [
  { t: 0, v: 0 },
  { t: 10, v: 10 },
  { t: 20, v: 5 },
];

describe('sparklinePaths', () => {
  it('scales the series into the box with the padding kept free', () => {
    const paths = sparklinePaths({ series, width: 20, height: 12, padding: 1 });
    expect(paths.line).toBe('M 0 11 L 10 1 L 20 6');
    expect(paths.last).toEqual({ x: 20, y: 6 });
    expect(paths.band).toBe('');
    expect(paths.forecast).toBe('');
  });

  it('extends time and values to the forecast band and joins the forecast to the last point', () => {
    const paths = sparklinePaths({
      series,
      forecast: [
        { t: 30, mid: 5, lo: 0, hi: 20 },
        { t: 40, mid: 5, lo: -10, hi: 20 },
      ],
      width: 40,
      height: 30,
      padding: 0,
    });
    // values span −10…20 (30 units over 30 px), times 0…40 over 40 px
    expect(paths.line).toBe('M 0 20 L 10 10 L 20 15');
    expect(paths.band).toBe('M 30 0 L 40 0 L 40 30 L 30 20 Z');
    expect(paths.forecast).toBe('M 20 15 L 30 15 L 40 15');
  });

  it('draws the trend across the observed range', () => {
    const trend = fitTrend(series)!;
    const paths = sparklinePaths({ series, trend, width: 20, height: 12, padding: 1 });
    expect(paths.trend).toMatch(/^M 0 [\d.]+ L 20 [\d.]+$/);
  });

  it('draws a flat series in the middle and nothing for no data', () => {
    const flat = sparklinePaths({
      series: [
        { t: 0, v: 3 },
        { t: 1, v: 3 },
      ],
      width: 10,
      height: 10,
      padding: 0,
    });
    expect(flat.line).toBe('M 0 5 L 10 5');
    expect(sparklinePaths({ series: [], width: 10, height: 10 })).toEqual({
      line: '',
      trend: '',
      band: '',
      forecast: '',
    });
    expect(sparklinePaths({ series, width: 0, height: 10 }).line).toBe('');
  });

  it('skips non-finite values', () => {
    const paths = sparklinePaths({
      series: [
        { t: 0, v: 1 },
        { t: 1, v: Number.NaN },
        { t: 2, v: 3 },
      ],
      width: 2,
      height: 10,
      padding: 0,
    });
    expect(paths.line).toBe('M 0 10 L 2 0');
  });
});
