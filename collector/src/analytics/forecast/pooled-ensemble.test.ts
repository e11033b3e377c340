import { LOCAL_MEAN, trainPooledEnsemble } from './pooled-ensemble';
import { trainPooledWindowNet } from './pooled-window-net';
import { seededRandom, standardNormal } from './seeded-random';

function trendingSet(count: number, length: number, seed: number): number[][] {
  const draw = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const level = 50 + 100 * draw();
    const growth = 0.002 + 0.004 * draw();
    return Array.from({ length }, (_, t) => level * Math.exp(growth * t) * (1 + 0.03 * standardNormal(draw)));
  });
}

describe('trainPooledEnsemble', () => {
  const H = 4;
  const histories = trendingSet(12, 80, 9);
  const nets = [
    { lookback: 12, hidden: 4, epochs: 1, windowsPerEpoch: 2000, seed: 1 },
    { lookback: 20, hidden: 4, epochs: 1, windowsPerEpoch: 2000, seed: 2 },
  ];
  const ensemble = trainPooledEnsemble(histories, H, nets);

  it('is the step-wise median of the pooled nets and the local mean of SES, Theta and damped Holt', () => {
    const y = histories[3]!;
    const members = [
      ...nets.map((o) => trainPooledWindowNet(histories, { ...o, horizon: H }).forecaster.forecast(y, H).mean),
      LOCAL_MEAN.forecast(y, H).mean,
    ];
    const f = ensemble.forecast(y, H);
    f.mean.forEach((v, i) => {
      const sorted = members.map((m) => m[i]!).sort((a, b) => a - b);
      expect(v).toBeCloseTo(sorted[1]!, 9);
    });
    expect(f.method).toMatch(/median\(pooled-window-net/);
  });

  it('falls back to the local mean for a series with values ≤ 0 or a longer horizon than trained', () => {
    const y = [3, -1, 4, 1, 5, 9, 2, 6];
    expect(ensemble.forecast(y, H).mean).toEqual(LOCAL_MEAN.forecast(y, H).mean);
    expect(ensemble.forecast(histories[0]!, H + 2).method).toMatch(/local only/);
  });
});
