import seedrandom from 'seedrandom';
import { SnapshotError } from './novelty-snapshot';
import { logScaledLikelihood, StreamingLikelihood } from './streaming-likelihood';

const options = { averagingWindow: 10, historyWindow: 500, learningPeriod: 50, minStdev: 0.0173 };

describe('StreamingLikelihood', () => {
  it('answers 0.5 while learning', () => {
    const l = new StreamingLikelihood(options);
    for (let i = 0; i < 50; i++) expect(l.update(i % 2)).toBe(0.5);
  });

  it('stays unremarkable on a stream of steady noise', () => {
    const rng = seedrandom('steady');
    const l = new StreamingLikelihood(options);
    let max = 0;
    for (let i = 0; i < 2000; i++) {
      const x = l.update(0.1 * rng());
      if (i > 100) max = Math.max(max, x);
    }
    expect(max).toBeLessThan(0.9999);
  });

  it('rises towards 1 when the raw scores rise and stay up', () => {
    const rng = seedrandom('rise');
    const l = new StreamingLikelihood(options);
    for (let i = 0; i < 400; i++) l.update(0.1 * rng());
    let last = 0;
    for (let i = 0; i < 10; i++) last = l.update(1);
    expect(last).toBeGreaterThan(0.99999);
    expect(logScaledLikelihood(last)).toBeGreaterThan(0.5);
  });

  it('gives the same answers as recomputing mean and variance from scratch (no drift)', () => {
    const rng = seedrandom('drift');
    const small = { averagingWindow: 3, historyWindow: 40, learningPeriod: 5, minStdev: 0.001 };
    const l = new StreamingLikelihood(small);
    const raws: number[] = [];
    const averages: number[] = [];
    for (let i = 0; i < 500; i++) {
      const raw = rng() < 0.05 ? 1 : 0.2 * rng();
      raws.push(raw);
      const got = l.update(raw);
      const recent = raws.slice(-3);
      const average = recent.reduce((a, b) => a + b, 0) / recent.length;
      if (i >= 5 && averages.length >= 11) {
        const h = averages.slice(-40);
        const mean = h.reduce((a, b) => a + b, 0) / h.length;
        const sd = Math.max(Math.sqrt(h.reduce((a, b) => a + (b - mean) ** 2, 0) / h.length), 0.001);
        if (average > mean) expect(got).toBeCloseTo(1 - 0.5 * erfcReference((average - mean) / (sd * Math.SQRT2)), 5);
        else expect(got).toBeLessThanOrEqual(0.5);
      }
      averages.push(average);
    }
  });

  it('refuses windows that are not positive integers', () => {
    expect(() => new StreamingLikelihood({ ...options, historyWindow: 0 })).toThrow(/historyWindow/);
    expect(() => new StreamingLikelihood({ ...options, averagingWindow: 2.5 })).toThrow(/averagingWindow/);
  });
});

describe('logScaledLikelihood', () => {
  it('maps 0.5 to about 0.03, 0.99999 to 0.5 and 1 to 1', () => {
    expect(logScaledLikelihood(0.5)).toBeCloseTo(0.0301, 3);
    expect(logScaledLikelihood(0.99999)).toBeCloseTo(0.5, 3);
    expect(logScaledLikelihood(1)).toBeCloseTo(1, 6);
  });
});

/** erfc by its series/continued fraction to double precision, independent of the module's approximation. */
function erfcReference(x: number): number {
  if (x < 0) return 2 - erfcReference(-x);
  if (x < 2) {
    let sum = x;
    let term = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}

describe('StreamingLikelihood snapshot', () => {
  const raws = (() => {
    const rng = seedrandom('likelihood-snapshot');
    return Array.from({ length: 1600 }, (_, i) => (i % 400 === 399 ? 1 : rng() * 0.3));
  })();

  it.each([5, 120, 777])('restored after %i scores goes on exactly as the original (running sums included)', (cut) => {
    const whole = new StreamingLikelihood(options);
    const expected = raws.map((r) => whole.update(r));
    const first = new StreamingLikelihood(options);
    const before = raws.slice(0, cut).map((r) => first.update(r));
    const restored = StreamingLikelihood.restore(JSON.parse(JSON.stringify(first.snapshot())), options);
    expect([...before, ...raws.slice(cut).map((r) => restored.update(r))]).toEqual(expected);
  });

  it('throws a SnapshotError for other windows or a malformed snapshot', () => {
    const l = new StreamingLikelihood(options);
    raws.slice(0, 30).forEach((r) => l.update(r));
    const good = l.snapshot();
    expect(() => StreamingLikelihood.restore(good, { ...options, historyWindow: 499 })).toThrow(SnapshotError);
    expect(() => StreamingLikelihood.restore({ ...good, recentSum: null }, options)).toThrow(SnapshotError);
    expect(() => StreamingLikelihood.restore({ ...good, recent: new Array(11).fill(0) }, options)).toThrow(SnapshotError);
  });
});
