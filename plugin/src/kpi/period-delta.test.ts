import { formatDeltaRatio, periodDelta } from './period-delta';

describe('periodDelta', () => {
  it('gives the absolute and relative change', () => {
    expect(periodDelta(110, 100, 'higher_is_better')).toEqual({ absolute: 10, ratio: 0.1, tone: 'good' });
  });

  it('relates the change to the size of a negative comparison', () => {
    expect(periodDelta(-50, -100, 'higher_is_better')).toEqual({ absolute: 50, ratio: 0.5, tone: 'good' });
  });

  it('has no ratio against zero', () => {
    expect(periodDelta(5, 0, 'higher_is_better')).toEqual({ absolute: 5, ratio: undefined, tone: 'good' });
  });

  it.each([
    ['higher_is_better', 90, 100, undefined, 'bad'],
    ['lower_is_better', 90, 100, undefined, 'good'],
    ['lower_is_better', 110, 100, undefined, 'bad'],
    ['target_is_best', 98, 90, 100, 'good'],
    ['target_is_best', 120, 105, 100, 'bad'],
    ['target_is_best', 95, 105, 100, 'neutral'],
    ['target_is_best', 95, 90, undefined, 'neutral'],
    ['higher_is_better', 100, 100, undefined, 'neutral'],
  ] as const)('%s: %s against %s (target %s) is %s', (direction, value, comparison, target, tone) => {
    expect(periodDelta(value, comparison, direction, target)?.tone).toBe(tone);
  });

  it('is undefined when a number is missing or not finite', () => {
    expect(periodDelta(undefined, 1, 'higher_is_better')).toBeUndefined();
    expect(periodDelta(1, undefined, 'higher_is_better')).toBeUndefined();
    expect(periodDelta(Number.NaN, 1, 'higher_is_better')).toBeUndefined();
  });
});

describe('formatDeltaRatio', () => {
  it.each([
    [0.042, '+4.2 %'],
    [-0.008, '−0.8 %'],
    [0, '±0 %'],
    [0.00004, '±0 %'],
    [1.5, '+150.0 %'],
  ])('%s → %s', (ratio, text) => {
    expect(formatDeltaRatio(ratio)).toBe(text);
  });
});
