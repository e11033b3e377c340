import seedrandom from 'seedrandom';
import { AnomalyLikelihood, DEFAULT_LIKELIHOOD_OPTIONS, erfc, gaussianTail, logLikelihood } from './anomaly-likelihood';

const SMALL = { ...DEFAULT_LIKELIHOOD_OPTIONS, learningPeriod: 20, estimationSamples: 30, historicWindow: 500, reestimationPeriod: 10 };

function noiseScores(n: number, seed: string, level = 0.1, spread = 0.1): number[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => Math.max(0, level + (rng() - 0.5) * 2 * spread));
}

describe('erfc', () => {
  it('matches tabulated values within 1.2e-7 relative error', () => {
    const table: [number, number][] = [[0, 1], [0.5, 0.4795001222], [1, 0.1572992071], [2, 0.004677734981], [3, 2.209049699e-5], [-1, 1.842700793]];
    for (const [x, want] of table) expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1.2e-7);
  });
});

describe('gaussianTail', () => {
  it('is one half at the mean and the upper tail above it', () => {
    expect(gaussianTail(5, 5, 2)).toBeCloseTo(0.5, 7);
    expect(gaussianTail(9, 5, 2)).toBeCloseTo(0.0227501, 6);
  });

  it('mirrors values below the mean', () => {
    expect(gaussianTail(1, 5, 2)).toBeCloseTo(gaussianTail(9, 5, 2), 12);
  });
});

describe('logLikelihood', () => {
  it('maps likelihoods to the NAB log scale', () => {
    expect(logLikelihood(0.5)).toBeCloseTo(0.0301, 4);
    expect(logLikelihood(0.99999)).toBeCloseTo(0.5, 4);
    expect(logLikelihood(1)).toBeCloseTo(1, 6);
    expect(logLikelihood(0)).toBeCloseTo(0, 6);
  });
});

describe('AnomalyLikelihood', () => {
  it('reports 0.5 through the learning and estimation periods', () => {
    const l = new AnomalyLikelihood(SMALL);
    const out = noiseScores(50, 'learn').map((s) => l.update(s));
    expect(out.every((r) => r.likelihood === 0.5)).toBe(true);
    expect(l.update(0.1).likelihood).not.toBe(0.5);
  });

  it('gives a high likelihood to a sustained rise of the raw scores after a quiet history', () => {
    const l = new AnomalyLikelihood(SMALL);
    noiseScores(300, 'quiet', 0.05, 0.03).forEach((s) => l.update(s));
    const rising = Array.from({ length: 10 }, () => l.update(0.9));
    expect(Math.max(...rising.map((r) => r.logLikelihood))).toBeGreaterThan(0.5);
  });

  it('keeps typical scores of a noisy history unremarkable', () => {
    const l = new AnomalyLikelihood(SMALL);
    const out = noiseScores(400, 'noisy', 0.4, 0.35).map((s) => l.update(s));
    expect(Math.max(...out.slice(100).map((r) => r.logLikelihood))).toBeLessThan(0.4);
  });

  it('averages the raw scores over the short-term window', () => {
    const l = new AnomalyLikelihood({ ...SMALL, averagingWindow: 4 });
    [1, 0, 0, 0].forEach((s) => l.update(s));
    expect(l.update(0).average).toBe(0);
    expect(l.update(1).average).toBe(0.25);
  });

  it('lowers a red likelihood that follows a red one to yellow', () => {
    const l = new AnomalyLikelihood({ ...SMALL, averagingWindow: 1 });
    Array.from({ length: 100 }, () => 0).forEach((s) => l.update(s));
    const first = l.update(1);
    const second = l.update(1);
    expect(first.likelihood).toBeGreaterThan(0.99999);
    expect(second.likelihood).toBeCloseTo(0.999, 9);
  });

  it('gives the same next readings after snapshot and restore', () => {
    const scores = noiseScores(900, 'restore', 0.2, 0.2);
    const l = new AnomalyLikelihood({ ...SMALL, historicWindow: 200 });
    scores.slice(0, 600).forEach((s) => l.update(s));
    const restored = new AnomalyLikelihood(l.options, JSON.parse(JSON.stringify(l.snapshot())));
    for (const s of scores.slice(600)) expect(restored.update(s)).toEqual(l.update(s));
  });

  it('rejects a non-finite score and bad options', () => {
    expect(() => new AnomalyLikelihood(SMALL).update(Number.NaN)).toThrow(/raw score must be finite/);
    expect(() => new AnomalyLikelihood({ ...SMALL, averagingWindow: 0 })).toThrow(/averagingWindow must be a positive integer/);
  });
});
