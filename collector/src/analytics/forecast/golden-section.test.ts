import { minimizeOnInterval } from './golden-section';

describe('minimizeOnInterval', () => {
  it('finds the minimum of a parabola inside the interval', () => {
    expect(minimizeOnInterval((x) => (x - 0.3) ** 2, 0, 1).x).toBeCloseTo(0.3, 5);
  });

  it('returns the boundary when the function decreases towards it, and the global of two dips', () => {
    expect(minimizeOnInterval((x) => -x, 0, 1).x).toBeGreaterThan(0.9999);
    const twoDips = (x: number) => Math.min((x - 0.2) ** 2 + 0.1, (x - 0.8) ** 2);
    expect(minimizeOnInterval(twoDips, 0, 1).x).toBeCloseTo(0.8, 4);
    expect(() => minimizeOnInterval((x) => x, 1, 1)).toThrow(RangeError);
  });
});
