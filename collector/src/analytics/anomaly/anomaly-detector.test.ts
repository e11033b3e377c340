import seedrandom from 'seedrandom';
import { FinmonError } from '../../core/errors';
import { AnomalyAssessment, createAnomalyDetector, restoreAnomalyDetector } from './anomaly-detector';
import { DAY_MS } from './robust-seasonal-baseline';

const HOUR = 3_600_000;

function run(values: number[], step = HOUR): AnomalyAssessment[] {
  const d = createAnomalyDetector();
  return values.map((v, i) => d.update(i * step, v));
}

function noisy(n: number, seed: string, f: (i: number) => number = () => 100): number[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, (_, i) => f(i) + (rng() - 0.5) * 4);
}

describe('CombinedAnomalyDetector', () => {
  it('gives no score before it has enough history', () => {
    const out = run([1, 100, -50, 1e6, 3]);
    expect(out.every((o) => !o.ready && o.score === 0)).toBe(true);
  });

  it('detects a spike and explains it with the expected value and band', () => {
    const values = noisy(400, 'spike');
    values[300] = 160;
    const out = run(values);
    const spike = out[300]!;
    expect(spike.ready).toBe(true);
    expect(spike.score).toBeGreaterThan(0.8);
    expect(spike.detector).toBe('baseline');
    expect(spike.expected).toBeCloseTo(100, 0);
    expect(spike.lower).toBeLessThan(100);
    expect(spike.upper).toBeGreaterThan(100);
    expect(spike.upper).toBeLessThan(160);
  });

  it('flags a level shift and then adapts to the new level', () => {
    const values = noisy(700, 'shift', (i) => (i < 400 ? 100 : 140));
    const out = run(values);
    expect(Math.max(...out.slice(400, 420).map((o) => o.score))).toBeGreaterThan(0.5);
    const late = out.slice(600);
    expect(late.every((o) => o.score < 0.3)).toBe(true);
    expect(late[late.length - 1]!.expected).toBeCloseTo(140, -1);
  });

  it('does not flag a regular daily cycle', () => {
    const values = noisy(24 * 60, 'season', (i) => 100 + 40 * Math.sin((2 * Math.PI * ((i * HOUR) % DAY_MS)) / DAY_MS));
    const out = run(values);
    const late = out.slice(24 * 30);
    expect(late.filter((o) => o.score >= 0.5).length).toBe(0);
    expect(late[late.length - 1]!.detector).toMatch(/baseline-daily|level-shift|baseline/);
  });

  it('rejects NaN input with a clear error', () => {
    const d = createAnomalyDetector();
    expect(() => d.update(0, Number.NaN)).toThrow(FinmonError);
    expect(() => d.update(0, Number.NaN)).toThrow(/point #0 has a non-finite value/);
    expect(() => d.update(Number.NaN, 1)).toThrow(/non-finite time/);
  });

  it('gives the same next outputs after snapshot and restore', () => {
    const values = noisy(600, 'restore', (i) => 100 + (i > 500 ? 30 : 0));
    const d = createAnomalyDetector();
    values.slice(0, 450).forEach((v, i) => d.update(i * HOUR, v));
    const restored = restoreAnomalyDetector(JSON.parse(JSON.stringify(d.snapshot())));
    for (let i = 450; i < 600; i++) expect(restored.update(i * HOUR, values[i]!)).toEqual(d.update(i * HOUR, values[i]!));
  });

  it('restores a version-1 snapshot (before the likelihood) with a fresh likelihood', () => {
    const values = noisy(500, 'v1');
    const d = createAnomalyDetector();
    values.slice(0, 300).forEach((v, i) => d.update(i * HOUR, v));
    const { likelihood: _dropped, ...rest } = d.snapshot();
    const { likelihood: _opts, scoring: _scoring, ...oldOptions } = rest.options;
    const restored = restoreAnomalyDetector(JSON.parse(JSON.stringify({ ...rest, version: 1, options: oldOptions })));
    const out = values.slice(300).map((v, i) => restored.update((300 + i) * HOUR, v));
    expect(out.every((o) => o.ready && o.score >= 0 && o.score <= 1)).toBe(true);
    expect(restored.snapshot().version).toBe(2);
  });

  it('scores at least the likelihood and at least the rarity with scoring max', () => {
    const values = noisy(800, 'max', (i) => (i >= 600 && i < 640 ? 106 : 100));
    const max = run(values);
    const rarityOnly = createAnomalyDetector({ scoring: 'rarity' });
    const likelihoodOnly = createAnomalyDetector({ scoring: 'likelihood' });
    values.forEach((v, i) => {
      const r = rarityOnly.update(i * HOUR, v).score;
      const l = likelihoodOnly.update(i * HOUR, v).score;
      if (i < 600) expect(max[i]!.score).toBeCloseTo(Math.max(r, l), 12);
    });
  });

  it('keeps every score in [0, 1]', () => {
    const rng = seedrandom('range');
    const d = createAnomalyDetector();
    for (let i = 0; i < 2000; i++) {
      const s = d.update(i * 300_000, rng() < 0.01 ? rng() * 1e9 : rng()).score;
      expect(s >= 0 && s <= 1).toBe(true);
    }
  });
});
