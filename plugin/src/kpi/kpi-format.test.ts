import { describePerPeriod, describeThresholds, formatKpiValue } from './kpi-format';

describe('formatKpiValue', () => {
  it.each([
    [6_123_456.7, 'USD', 0, '$6,123,457'],
    [1234.5, 'EUR', 2, '€1,234.50'],
    [180_000, 'USD/month', 0, '$180,000/month'],
    [57.25, '%', 1, '57.3 %'],
    [42, 'days', 0, '42 days'],
    [1234, 'count', 0, '1,234'],
    [1.38, 'x', 2, '1.38 x'],
    [0.5, 'ratio', undefined, '0.50 ratio'],
    [1500, 'ms', undefined, '1,500 ms'],
  ])('%s %s (%s decimals) → %s', (value, unit, decimals, text) => {
    expect(formatKpiValue(value, unit, decimals)).toBe(text);
  });

  it('shows a dash for missing or non-finite values', () => {
    expect(formatKpiValue(undefined, 'USD')).toBe('—');
    expect(formatKpiValue(null, 'USD')).toBe('—');
    expect(formatKpiValue(Number.NaN, 'USD')).toBe('—');
  });
});

describe('describePerPeriod', () => {
  it('lists the periods given', () => {
    expect(describePerPeriod({ daily: 165000, monthly: 5_000_000 }, 'USD', 0)).toBe(
      'daily $165,000 · monthly $5,000,000'
    );
    expect(describePerPeriod(undefined, 'USD')).toBeUndefined();
    expect(describePerPeriod({}, 'USD')).toBeUndefined();
  });
});

describe('describeThresholds', () => {
  it('names each level and side', () => {
    expect(describeThresholds({ critical: { below: 4_000_000 }, warning: { below: 6_000_000 } }, 'USD', 0)).toBe(
      'critical below $4,000,000; warning below $6,000,000'
    );
    expect(describeThresholds({ critical: { below: 1, above: 10 } }, 'x', 0)).toBe('critical below 1 x or above 10 x');
    expect(describeThresholds(undefined, 'x')).toBeUndefined();
  });
});
