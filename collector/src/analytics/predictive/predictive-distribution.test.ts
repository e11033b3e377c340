import { crossingProbability, intervalAt, normalCdf, stepProbability, toDistribution, KPI_FORECASTER } from './predictive-distribution';

describe('predictive distribution', () => {
  it.each([
    [0, 0.5],
    [1.959964, 0.975],
    [-1, 0.158655],
    [-5, 2.8665e-7],
  ])('normalCdf(%d) = %d', (x, p) => {
    expect(normalCdf(x)).toBeCloseTo(p, 6);
  });

  it('recovers σ from a 95 % interval and gives other levels from it', () => {
    const d = toDistribution({ mean: [100], lower: [100 - 1.959964 * 10], upper: [100 + 1.959964 * 10], level: 95, method: 'x' });
    expect(d.sigma[0]).toBeCloseTo(10, 5);
    const i80 = intervalAt(d, 0, 80);
    expect(i80.lo).toBeCloseTo(100 - 12.8155, 3);
    expect(i80.hi).toBeCloseTo(100 + 12.8155, 3);
  });

  it('crossing probability = the largest marginal, hand-computed', () => {
    // steps: μ 10, 8, 6 and σ 1, 2, 3; threshold 5 below → Φ(−5), Φ(−1.5), Φ(−1/3)
    const c = crossingProbability({ mean: [10, 8, 6], sigma: [1, 2, 3], method: 'm' }, 5, 'below', 0.3);
    expect(c.perStep[0]).toBeCloseTo(2.8665e-7, 9);
    expect(c.perStep[1]).toBeCloseTo(0.0668072, 6);
    expect(c.perStep[2]).toBeCloseTo(0.3694413, 6);
    expect(c.probability).toBeCloseTo(0.3694413, 6);
    expect(c.likeliestStep).toBe(2);
    expect(c.firstStep).toBe(2);
    const above = crossingProbability({ mean: [10, 8, 6], sigma: [1, 2, 3], method: 'm' }, 11, 'above', 0.5);
    expect(above.probability).toBeCloseTo(1 - 0.8413447, 6);
    expect(above.firstStep).toBeUndefined();
  });

  it('treats a zero σ as certain', () => {
    expect(stepProbability(4, 0, 5, 'below')).toBe(1);
    expect(stepProbability(6, 0, 5, 'below')).toBe(0);
    expect(stepProbability(6, 0, 5, 'above')).toBe(1);
  });

  it('the KPI forecaster follows a declining series down with widening intervals', () => {
    const series = Array.from({ length: 120 }, (_, i) => 9_000_000 - 40_000 * i + (i % 3) * 10_000);
    const d = toDistribution(KPI_FORECASTER.forecast(series, 30, 95));
    expect(d.mean[29]!).toBeLessThan(d.mean[0]!);
    expect(d.sigma[29]!).toBeGreaterThan(d.sigma[0]!);
    expect(d.method).toMatch(/^median\(ses,holt-damped,theta\)$/);
  });
});
