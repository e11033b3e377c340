import { activeStep, thresholdStepsFromBounds } from './threshold-steps';

describe('thresholdStepsFromBounds', () => {
  it('turns "below" thresholds into red → orange → green steps', () => {
    expect(thresholdStepsFromBounds({ critical: { below: 4_000_000 }, warning: { below: 6_000_000 } })).toEqual([
      { value: Number.NEGATIVE_INFINITY, color: 'red' },
      { value: 4_000_000, color: 'orange' },
      { value: 6_000_000, color: 'green' },
    ]);
  });

  it('turns "above" thresholds into green → orange → red steps', () => {
    expect(thresholdStepsFromBounds({ critical: { above: 70 }, warning: { above: 55 } })).toEqual([
      { value: Number.NEGATIVE_INFINITY, color: 'green' },
      { value: 55, color: 'orange' },
      { value: 70, color: 'red' },
    ]);
  });

  it('handles a band with both sides and merges equal neighbours', () => {
    expect(thresholdStepsFromBounds({ critical: { below: 99.5 }, warning: { below: 99.9 } })).toEqual([
      { value: Number.NEGATIVE_INFINITY, color: 'red' },
      { value: 99.5, color: 'orange' },
      { value: 99.9, color: 'green' },
    ]);
    expect(thresholdStepsFromBounds({ critical: { below: 1, above: 10 } })).toEqual([
      { value: Number.NEGATIVE_INFINITY, color: 'red' },
      { value: 1, color: 'green' },
      { value: 10, color: 'red' },
    ]);
  });

  it('gives one green step for a warning-only or empty configuration', () => {
    expect(thresholdStepsFromBounds({ warning: { below: 120_000 } })).toEqual([
      { value: Number.NEGATIVE_INFINITY, color: 'orange' },
      { value: 120_000, color: 'green' },
    ]);
    expect(thresholdStepsFromBounds(undefined)).toEqual([{ value: Number.NEGATIVE_INFINITY, color: 'green' }]);
  });
});

describe('activeStep', () => {
  const steps = [
    { value: Number.NEGATIVE_INFINITY, color: 'red' },
    { value: 10, color: 'orange' },
    { value: 20, color: 'green' },
  ];
  it.each([
    [-100, 'red'],
    [9.99, 'red'],
    [10, 'orange'],
    [19, 'orange'],
    [20, 'green'],
    [1e9, 'green'],
  ])('%s → %s', (value, color) => {
    expect(activeStep(value, steps)?.color).toBe(color);
  });

  it('is undefined without steps', () => {
    expect(activeStep(5, [])).toBeUndefined();
  });
});
