import { FinmonError } from '../../core/errors';
import { trainPooledWindowNet } from './pooled-window-net';
import { seededRandom, standardNormal } from './seeded-random';

/** Series with a period-12 multiplicative season of random phase, random level and 2 % noise. */
function seasonalSet(count: number, length: number, seed: number): number[][] {
  const draw = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const level = 100 + 900 * draw();
    const phase = Math.floor(12 * draw());
    return Array.from({ length }, (_, t) => level * (1 + 0.3 * Math.sin((2 * Math.PI * (t + phase)) / 12)) * (1 + 0.02 * standardNormal(draw)));
  });
}

const meanAbsError = (cases: { actual: number[]; forecast: number[] }[]) =>
  cases.reduce((s, c) => s + c.actual.reduce((e, y, i) => e + Math.abs(y - c.forecast[i]!), 0) / c.actual.length / c.actual[0]!, 0) / cases.length;

describe('trainPooledWindowNet', () => {
  const H = 6;
  const series = seasonalSet(20, 120, 5);
  const histories = series.map((s) => s.slice(0, -H));
  const options = { horizon: H, lookback: 24, hidden: 8, epochs: 2, windowsPerEpoch: 5000 };
  const net = trainPooledWindowNet(histories, options);

  it('learns a seasonal pattern shared by the series and beats the naive forecast on their unseen tails', () => {
    const cases = series.map((s, i) => ({ actual: s.slice(-H), forecast: net.forecaster.forecast(histories[i]!, H).mean }));
    const naive = series.map((s, i) => ({ actual: s.slice(-H), forecast: new Array<number>(H).fill(histories[i]!.at(-1)!) }));
    expect(meanAbsError(cases)).toBeLessThan(0.3 * meanAbsError(naive));
    // one window per last-input index from lookback − 1 to n − 1 − horizon, n = 114 per history
    expect(net.windows).toBe(20 * (114 - H - 24 + 1));
  });

  it('gives the same forecasts for the same seed, an interval around the forecast, and fewer steps on request', () => {
    const again = trainPooledWindowNet(histories, options);
    const f = net.forecaster.forecast(histories[0]!, H, 90);
    expect(again.forecaster.forecast(histories[0]!, H, 90)).toEqual(f);
    f.mean.forEach((m, i) => {
      expect(f.lower[i]!).toBeLessThanOrEqual(m);
      expect(f.upper[i]!).toBeGreaterThanOrEqual(m);
      expect(f.upper[i]! - f.lower[i]!).toBeGreaterThan(0);
    });
    expect(net.forecaster.forecast(histories[0]!, 2, 90).mean).toEqual(f.mean.slice(0, 2));
  });

  it('works linear-only (no hidden units) and leaves out series with values ≤ 0', () => {
    const linear = trainPooledWindowNet([...histories, [1, -2, 3, 4, 5, 6, 7, 8]], { ...options, hidden: 0 });
    expect(linear.skippedSeries).toBe(1);
    const f = linear.forecaster.forecast(histories[1]!, H);
    expect(f.mean.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
  });

  it('rejects a longer horizon than trained, non-positive input, and a set with no usable series', () => {
    expect(() => net.forecaster.forecast(histories[0]!, H + 1)).toThrow(FinmonError);
    expect(() => net.forecaster.forecast([5, 0, 3], 2)).toThrow(/positive/);
    expect(() => trainPooledWindowNet([[1, 2]], options)).toThrow(/no usable series/);
    expect(() => trainPooledWindowNet(histories, { ...options, lookback: 1 })).toThrow(RangeError);
  });
});
