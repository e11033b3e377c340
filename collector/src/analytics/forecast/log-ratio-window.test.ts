import { logRatioWindow } from './log-ratio-window';

describe('logRatioWindow', () => {
  it('holds log ratios to the last value, repeating the first value before the start', () => {
    const logs = [1, 2, 4].map(Math.log);
    const out = new Float64Array(5);
    expect(logRatioWindow(logs, 2, 5, 10, out)).toBeCloseTo(Math.log(4), 12);
    expect(Array.from(out).map((v) => +v.toFixed(10))).toEqual([1, +Math.log(0.5).toFixed(10), +Math.log(0.25).toFixed(10), +Math.log(0.25).toFixed(10), +Math.log(0.25).toFixed(10)]);
  });

  it('clamps large ratios and rejects an end outside the series', () => {
    const logs = [0, 10];
    const out = new Float64Array(2);
    logRatioWindow(logs, 1, 2, 3, out);
    expect(out[1]).toBe(-3);
    expect(() => logRatioWindow(logs, 2, 2, 3, out)).toThrow(RangeError);
  });
});
