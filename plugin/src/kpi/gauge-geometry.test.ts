import { angleAt, arcPath, fractionOf, gaugeScale, niceCeil, polar, thresholdSegments } from './gauge-geometry';

describe('fractionOf', () => {
  it.each([
    [50, 0, 100, 0.5],
    [-10, 0, 100, 0],
    [150, 0, 100, 1],
    [5, 10, 10, 0],
    [Number.NaN, 0, 1, 0],
  ])('%s on %s…%s → %s', (value, min, max, expected) => {
    expect(fractionOf(value, min, max)).toBe(expected);
  });
});

describe('angles and points', () => {
  it('spans 240° from −120° to +120°', () => {
    expect(angleAt(0)).toBe(-120);
    expect(angleAt(0.5)).toBe(0);
    expect(angleAt(1)).toBe(120);
  });

  it('puts 0° at 12 o’clock and 90° at 3 o’clock', () => {
    const c = { x: 100, y: 100 };
    expect(polar(c, 10, 0).x).toBeCloseTo(100);
    expect(polar(c, 10, 0).y).toBeCloseTo(90);
    expect(polar(c, 10, 90).x).toBeCloseTo(110);
    expect(polar(c, 10, 90).y).toBeCloseTo(100);
  });
});

describe('arcPath', () => {
  const c = { x: 100, y: 100 };
  it('draws the whole gauge as one large arc', () => {
    expect(arcPath(c, 80, 0, 1)).toBe('M 30.72 140 A 80 80 0 1 1 169.28 140');
  });

  it('uses a small arc up to 180°', () => {
    expect(arcPath(c, 80, 0, 0.5)).toBe('M 30.72 140 A 80 80 0 0 1 100 20');
  });

  it('orders reversed fractions and draws nothing for an empty arc', () => {
    expect(arcPath(c, 80, 0.5, 0)).toBe(arcPath(c, 80, 0, 0.5));
    expect(arcPath(c, 80, 0.3, 0.3)).toBe('');
  });
});

describe('niceCeil', () => {
  it.each([
    [0, 0],
    [0.7, 1],
    [1, 1],
    [1.2, 2],
    [2.2, 2.5],
    [3, 5],
    [7_200_000, 10_000_000],
    [198_000, 200_000],
    [-7, -10],
  ])('%s → %s', (v, nice) => {
    expect(niceCeil(v)).toBeCloseTo(nice, 10);
  });
});

describe('gaugeScale', () => {
  it('starts at 0 and ends at a nice number above value, target and steps', () => {
    expect(gaugeScale({ value: 150_000, target: 165_000 })).toEqual({ min: 0, max: 200_000 });
    expect(
      gaugeScale({
        value: 3_000_000,
        steps: [
          { value: Number.NEGATIVE_INFINITY, color: 'red' },
          { value: 6_000_000, color: 'green' },
        ],
      })
    ).toEqual({ min: 0, max: 10_000_000 });
  });

  it('takes min and max from the field config when set', () => {
    expect(gaugeScale({ value: 99.95, min: 99, max: 100 })).toEqual({ min: 99, max: 100 });
  });

  it('reaches below zero for negative values', () => {
    expect(gaugeScale({ value: -230_000, target: 100_000 })).toEqual({ min: -500_000, max: 200_000 });
  });

  it('never returns an empty scale', () => {
    expect(gaugeScale({ value: 0 })).toEqual({ min: 0, max: 1 });
    const inverted = gaugeScale({ value: 5, min: 10, max: 10 });
    expect(inverted.max).toBeGreaterThan(inverted.min);
  });
});

describe('thresholdSegments', () => {
  it('maps steps to coloured fractions of the scale', () => {
    const steps = [
      { value: Number.NEGATIVE_INFINITY, color: 'red' },
      { value: 4, color: 'orange' },
      { value: 6, color: 'green' },
    ];
    expect(thresholdSegments(steps, 0, 10)).toEqual([
      { from: 0, to: 0.4, color: 'red' },
      { from: 0.4, to: 0.6, color: 'orange' },
      { from: 0.6, to: 1, color: 'green' },
    ]);
  });

  it('drops steps outside the scale', () => {
    const steps = [
      { value: Number.NEGATIVE_INFINITY, color: 'red' },
      { value: 50, color: 'green' },
    ];
    expect(thresholdSegments(steps, 60, 100)).toEqual([{ from: 0, to: 1, color: 'green' }]);
  });
});
