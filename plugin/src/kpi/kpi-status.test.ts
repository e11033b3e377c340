import {
  statusFromBounds,
  statusFromTarget,
  statusFromThresholdColor,
  statusLabel,
  targetAttainment,
} from './kpi-status';

describe('targetAttainment', () => {
  it.each([
    ['higher is better, on target', 100, 100, 'higher_is_better', 1],
    ['higher is better, beating', 120, 100, 'higher_is_better', 1.2],
    ['higher is better, short', 80, 100, 'higher_is_better', 0.8],
    ['higher is better, negative target, value better', -50, -100, 'higher_is_better', 1.5],
    ['lower is better, under target', 50, 100, 'lower_is_better', 2],
    ['lower is better, over target', 125, 100, 'lower_is_better', 0.8],
    ['target is best, exact', 100, 100, 'target_is_best', 1],
    ['target is best, 10 % above', 110, 100, 'target_is_best', 0.9],
    ['target is best, 10 % below', 90, 100, 'target_is_best', 0.9],
  ] as const)('%s', (_name, value, target, direction, expected) => {
    expect(targetAttainment(value, target, direction)).toBeCloseTo(expected, 10);
  });

  it('counts a zero or negative value as fully attaining a positive lower-is-better target', () => {
    expect(targetAttainment(0, 100, 'lower_is_better')).toBe(Number.POSITIVE_INFINITY);
  });

  it('has no attainment for a zero target or non-finite numbers', () => {
    expect(targetAttainment(5, 0, 'higher_is_better')).toBeUndefined();
    expect(targetAttainment(Number.NaN, 10, 'higher_is_better')).toBeUndefined();
    expect(targetAttainment(5, Number.POSITIVE_INFINITY, 'lower_is_better')).toBeUndefined();
  });
});

describe('statusFromTarget', () => {
  it.each([
    [100, 'ok'],
    [95, 'ok'],
    [94.9, 'warning'],
    [85, 'warning'],
    [84.9, 'critical'],
  ] as const)('higher is better, value %s of target 100 → %s', (value, status) => {
    expect(statusFromTarget(value, 100, 'higher_is_better')).toBe(status);
  });

  it('uses the limits it is given', () => {
    expect(statusFromTarget(90, 100, 'higher_is_better', { warnRatio: 0.9, critRatio: 0.5 })).toBe('ok');
    expect(statusFromTarget(40, 100, 'higher_is_better', { warnRatio: 0.9, critRatio: 0.5 })).toBe('critical');
  });

  it('is unknown without a usable target', () => {
    expect(statusFromTarget(10, 0, 'higher_is_better')).toBe('unknown');
  });
});

describe('statusFromBounds', () => {
  const cash = { critical: { below: 4_000_000 }, warning: { below: 6_000_000 } };
  const dso = { critical: { above: 70 }, warning: { above: 55 } };

  it.each([
    [cash, 3_999_999, 'critical'],
    [cash, 4_000_000, 'warning'],
    [cash, 5_999_999, 'warning'],
    [cash, 6_000_000, 'ok'],
    [dso, 70.1, 'critical'],
    [dso, 70, 'warning'],
    [dso, 55, 'ok'],
  ] as const)('%j at %s → %s', (thresholds, value, status) => {
    expect(statusFromBounds(value, thresholds)).toBe(status);
  });

  it('checks both sides of a band', () => {
    const band = { critical: { below: 1, above: 10 } };
    expect(statusFromBounds(0.5, band)).toBe('critical');
    expect(statusFromBounds(11, band)).toBe('critical');
    expect(statusFromBounds(5, band)).toBe('ok');
  });

  it('is unknown without thresholds or with a non-finite value', () => {
    expect(statusFromBounds(5, undefined)).toBe('unknown');
    expect(statusFromBounds(5, {})).toBe('unknown');
    expect(statusFromBounds(Number.NaN, cash)).toBe('unknown');
  });
});

describe('statusFromThresholdColor', () => {
  it.each([
    ['red', 'critical'],
    ['dark-red', 'critical'],
    ['semi-dark-orange', 'warning'],
    ['yellow', 'warning'],
    ['green', 'ok'],
    ['blue', 'unknown'],
    ['#73BF69', 'unknown'],
  ] as const)('%s → %s', (color, status) => {
    expect(statusFromThresholdColor(color)).toBe(status);
  });
});

it('labels every status in words', () => {
  expect(['ok', 'warning', 'critical', 'unknown'].map((s) => statusLabel(s as never))).toEqual([
    'On track',
    'Needs attention',
    'Off track',
    'No target',
  ]);
});
