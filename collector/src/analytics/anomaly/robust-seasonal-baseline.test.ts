import seedrandom from 'seedrandom';
import { DAY_MS, RobustSeasonalBaseline } from './robust-seasonal-baseline';

const HOUR = 3_600_000;

function feed(b: RobustSeasonalBaseline, n: number, f: (t: number, i: number) => number, step = HOUR): void {
  for (let i = 0; i < n; i++) b.learn(i * step, f(i * step, i));
}

describe('RobustSeasonalBaseline', () => {
  it('expects the median and scales by the MAD of a flat noisy series', () => {
    const rng = seedrandom('flat');
    const b = new RobustSeasonalBaseline();
    feed(b, 300, () => 100 + (rng() - 0.5) * 2);
    const a = b.assess(300 * HOUR, 100);
    expect(a.model).toBe(0);
    expect(a.expected).toBeCloseTo(100, 0);
    expect(a.scale).toBeGreaterThan(0.2);
    expect(a.scale).toBeLessThan(1.5);
  });

  it('learns a daily cycle and then uses it', () => {
    const rng = seedrandom('daily');
    const b = new RobustSeasonalBaseline();
    const cycle = (t: number) => 100 + 30 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS) + (rng() - 0.5);
    feed(b, 24 * 14, cycle);
    const t = 24 * 14 * HOUR + 6 * HOUR; // the daily peak
    const a = b.assess(t, 130);
    expect(a.model).toBe(1);
    expect(Math.abs(a.z)).toBeLessThan(3);
  });

  it('is not poisoned by an outlier', () => {
    const rng = seedrandom('outlier');
    const b = new RobustSeasonalBaseline();
    feed(b, 200, () => 10 + rng());
    b.learn(200 * HOUR, 1e9);
    const a = b.assess(201 * HOUR, 10.5);
    expect(Math.abs(a.expected - 10.5)).toBeLessThan(0.5);
    expect(Math.abs(a.z)).toBeLessThan(2);
  });

  it('adapts to a new level after relevel', () => {
    const rng = seedrandom('relevel');
    const b = new RobustSeasonalBaseline();
    feed(b, 200, () => 10 + rng());
    for (let i = 0; i < 12; i++) b.learn((200 + i) * HOUR, 50 + rng());
    expect(b.assess(212 * HOUR, 50.5).expected).toBeLessThan(20);
    b.relevel(12);
    expect(Math.abs(b.assess(212 * HOUR, 50.5).expected - 50.5)).toBeLessThan(0.5);
  });

  it('restores from a plain-JSON snapshot with the same assessments', () => {
    const b = new RobustSeasonalBaseline();
    feed(b, 100, (_t, i) => Math.sin(i));
    const r = new RobustSeasonalBaseline(b.options, JSON.parse(JSON.stringify(b.snapshot())));
    expect(r.assess(100 * HOUR, 0.5)).toEqual(b.assess(100 * HOUR, 0.5));
  });
});
