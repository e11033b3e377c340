import seedrandom from 'seedrandom';
import { isSeasonal } from './seasonality-test';

describe('isSeasonal', () => {
  const seasonal = Array.from({ length: 40 }, (_, t) => 100 + [10, -5, 3, -8][t % 4]!);

  it('detects a repeating pattern at its period', () => {
    expect(isSeasonal(seasonal, 4)).toBe(true);
  });

  it('never calls period 1 or a too-short series seasonal', () => {
    expect(isSeasonal(seasonal, 1)).toBe(false);
    expect(isSeasonal(seasonal.slice(0, 11), 4)).toBe(false);
  });

  it('does not flag seeded white noise', () => {
    const rng = seedrandom('white-noise');
    const noise = Array.from({ length: 200 }, () => 100 + rng());
    expect(isSeasonal(noise, 4)).toBe(false);
  });
});
