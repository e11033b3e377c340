import { combineForecasts, createCombination } from './combination';
import type { Forecast, Forecaster } from './forecast-result';

const f = (method: string, mean: number[], spread = 1): Forecast => ({
  mean,
  lower: mean.map((m) => m - spread),
  upper: mean.map((m) => m + spread),
  level: 95,
  method,
});

describe('combineForecasts', () => {
  it('takes step-wise medians of means and bounds', () => {
    const c = combineForecasts([f('a', [1, 10]), f('b(x=1)', [2, 30], 3), f('c', [9, 20])], 'median');
    expect(c.mean).toEqual([2, 20]);
    expect(c.lower).toEqual([0, 19]);
    expect(c.upper).toEqual([5, 21]);
    expect(c.method).toBe('median(a,b,c)');
  });

  it('takes means, and medians of an even count average the middle pair', () => {
    expect(combineForecasts([f('a', [1]), f('b', [2]), f('c', [6])], 'mean').mean).toEqual([3]);
    expect(combineForecasts([f('a', [1]), f('b', [2]), f('c', [6]), f('d', [10])], 'median').mean).toEqual([4]);
  });

  it('rejects no members and members of different horizons', () => {
    expect(() => combineForecasts([], 'mean')).toThrow(/no member/);
    expect(() => combineForecasts([f('a', [1]), f('b', [1, 2])], 'mean')).toThrow(/horizon/);
  });
});

describe('createCombination', () => {
  const constant = (name: string, value: number): Forecaster => ({ name, forecast: (_s, h) => f(name, new Array(h).fill(value)) });
  const failing: Forecaster = { name: 'broken', forecast: () => { throw new Error('boom'); } };

  it('leaves a failing member out and reports who took part', () => {
    const c = createCombination([constant('a', 1), failing, constant('b', 3)], 'mean').forecast([1, 2], 2);
    expect(c.mean).toEqual([2, 2]);
    expect(c.method).toBe('mean(a,b)');
  });

  it('throws when every member fails, or on bad input', () => {
    expect(() => createCombination([failing]).forecast([1], 1)).toThrow(/every member failed.*boom/);
    expect(() => createCombination([constant('a', 1)]).forecast([], 1)).toThrow(/series is empty/);
  });
});
