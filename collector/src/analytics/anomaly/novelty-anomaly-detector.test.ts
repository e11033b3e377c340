import seedrandom from 'seedrandom';
import { corroborationFactor, DEFAULT_NOVELTY_OPTIONS, NoveltyAnomalyDetector, type NoveltyDetectorOptions } from './novelty-anomaly-detector';

const FIVE_MIN = 300_000;
const PER_DAY = 288;

function scores(values: number[], detector = new NoveltyAnomalyDetector()): number[] {
  return values.map((v, i) => detector.update(i * FIVE_MIN, v));
}

function noisy(n: number, seed: string, level: (i: number) => number = () => 100, amplitude = 4): number[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, (_, i) => level(i) + (rng() - 0.5) * amplitude);
}

const maxOf = (xs: number[], from = 0, to = xs.length): number => Math.max(...xs.slice(from, to));

describe('NoveltyAnomalyDetector', () => {
  it('scores a flat series near 0 everywhere', () => {
    expect(maxOf(scores(new Array(3000).fill(42)))).toBeLessThan(0.1);
  });

  it('keeps a noisy normal series below its alarm level after warm-up', () => {
    const out = scores(noisy(4000, 'normal'));
    expect(maxOf(out, 600)).toBeLessThan(DEFAULT_NOVELTY_OPTIONS.alarmScore);
  });

  it('detects a spike and says range novelty found it', () => {
    const values = noisy(2000, 'spike');
    values[1500] = 160;
    const d = new NoveltyAnomalyDetector();
    const out = values.map((v, i) => {
      const s = d.update(i * FIVE_MIN, v);
      if (i === 1500) expect(d.lastReading.channel).toBe('range');
      return s;
    });
    expect(out[1500]).toBeGreaterThan(0.9);
    expect(maxOf(out, 600, 1500)).toBeLessThan(DEFAULT_NOVELTY_OPTIONS.alarmScore);
  });

  it('detects a level shift at its start and raises only one alarm for it', () => {
    const out = scores(noisy(3000, 'shift', (i) => (i < 2000 ? 100 : 130)));
    expect(maxOf(out, 2000, 2003)).toBeGreaterThan(0.8);
    const alarms = out.slice(2000, 2030).filter((s) => s >= DEFAULT_NOVELTY_OPTIONS.alarmScore).length;
    expect(alarms).toBe(1);
  });

  it('detects a daily pattern that breaks inside the usual range', () => {
    const wave = (i: number): number => 50 + 30 * Math.sin((2 * Math.PI * i) / PER_DAY);
    const start = 10 * PER_DAY + 50;
    const values = noisy(12 * PER_DAY, 'daily', (i) => (i >= start && i < start + 100 ? 50 : wave(i)), 1);
    const d = new NoveltyAnomalyDetector();
    const channels = new Set<string>();
    const out = values.map((v, i) => {
      const s = d.update(i * FIVE_MIN, v);
      if (i >= start && i < start + 100 && s >= DEFAULT_NOVELTY_OPTIONS.alarmScore) channels.add(d.lastReading.channel);
      return s;
    });
    expect(maxOf(out, start, start + 100)).toBeGreaterThan(DEFAULT_NOVELTY_OPTIONS.alarmScore);
    expect(channels).toEqual(new Set(['daily']));
    expect(maxOf(out, 3 * PER_DAY, start)).toBeLessThan(DEFAULT_NOVELTY_OPTIONS.alarmScore);
  });

  it('damps the scores that follow an alarm', () => {
    const values = noisy(2000, 'quiet');
    values[1500] = 200;
    values[1510] = 400;
    const d = new NoveltyAnomalyDetector();
    const out = values.map((v, i) => d.update(i * FIVE_MIN, v));
    expect(out[1500]).toBeGreaterThan(0.9);
    expect(out[1510]).toBeLessThanOrEqual(0.5);
    expect(d.lastReading.quiet).toBe(false);
  });

  it('is deterministic: the same stream gives the same scores', () => {
    const values = noisy(3000, 'same', (i) => 100 + 20 * Math.sin(i / 40));
    values[2500] = 300;
    expect(scores(values)).toEqual(scores(values));
  });

  it('keeps every score in [0, 1] on a wild stream', () => {
    const rng = seedrandom('wild');
    const values = Array.from({ length: 5000 }, (_, i) => (rng() < 0.01 ? 1e9 * rng() : i % 97) * (rng() < 0.5 ? -1 : 1));
    for (const s of scores(values)) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  it('weighs a new extreme less while the history is younger than rangeMaturityMs', () => {
    const day = PER_DAY;
    const spikeAt = (at: number, options = DEFAULT_NOVELTY_OPTIONS): number => {
      const values = noisy(at + 1, 'mature');
      values[at] = 102.8; // about 0.2 of the range beyond the highest value
      return scores(values, new NoveltyAnomalyDetector(options))[at]!;
    };
    const noMaturity = { ...DEFAULT_NOVELTY_OPTIONS, rangeMaturityMs: 0 };
    // one day into a week-long maturity: the exceedance counts 1/7
    expect(spikeAt(day)).toBeLessThan(spikeAt(day, noMaturity) - 0.1);
    expect(spikeAt(day)).toBeGreaterThan(0.5);
    // after the maturity span it counts in full
    expect(spikeAt(8 * day)).toBeCloseTo(spikeAt(8 * day, noMaturity), 10);
  });

  it('damps a likelihood surprise that no other channel shares', () => {
    const wave = (i: number): number => 50 + 30 * Math.sin((2 * Math.PI * i) / PER_DAY);
    const start = 10 * PER_DAY + 50;
    const values = noisy(11 * PER_DAY, 'lone', (i) => (i >= start && i < start + 100 ? 50 : wave(i)), 1);
    const gated = new NoveltyAnomalyDetector();
    const ungated = new NoveltyAnomalyDetector({ ...DEFAULT_NOVELTY_OPTIONS, corroboration: { floor: 1, scale: 0.2 } });
    let damped = 0;
    values.forEach((v, i) => {
      const a = gated.update(i * FIVE_MIN, v);
      const b = ungated.update(i * FIVE_MIN, v);
      expect(a).toBeLessThanOrEqual(b + 1e-12);
      if (a < b - 1e-9) damped++;
    });
    expect(damped).toBeGreaterThan(0);
  });

  it('refuses a non-finite value', () => {
    expect(() => new NoveltyAnomalyDetector().update(0, Number.NaN)).toThrow(/finite/);
  });
});

describe('corroborationFactor', () => {
  const o = { floor: 0.7, scale: 0.2 };

  it('is the floor when no other channel is surprised and 1 from the scale on', () => {
    expect(corroborationFactor(0, o)).toBe(0.7);
    expect(corroborationFactor(0.2, o)).toBe(1);
    expect(corroborationFactor(0.9, o)).toBe(1);
  });

  it('rises linearly in between', () => {
    expect(corroborationFactor(0.1, o)).toBeCloseTo(0.85, 12);
    expect(corroborationFactor(0.05, o)).toBeCloseTo(0.775, 12);
  });

  it('treats a negative second as none', () => {
    expect(corroborationFactor(-1, o)).toBe(0.7);
  });
});

describe('NoveltyAnomalyDetector snapshot and restore', () => {
  /** A daily pattern with noise, a flat day and a spike: every channel has something to say. */
  function pattern(n: number): number[] {
    const values = noisy(n, 'restore', (i) => 100 + 30 * Math.sin((2 * Math.PI * i) / PER_DAY), 6);
    for (let i = 6 * PER_DAY; i < 7 * PER_DAY && i < n; i++) values[i] = 100;
    if (n > 2500) values[2500] = 220;
    return values;
  }
  /** Small windows so the rings wrap and the likelihood re-sums within the test. */
  const SMALL: NoveltyDetectorOptions = {
    ...DEFAULT_NOVELTY_OPTIONS,
    context: { ...DEFAULT_NOVELTY_OPTIONS.context, maxContexts: 300 },
    likelihood: { ...DEFAULT_NOVELTY_OPTIONS.likelihood, historyWindow: 400 },
    seasons: DEFAULT_NOVELTY_OPTIONS.seasons.map((s) => ({ ...s, lag: { ...s.lag, capacity: s.name === 'daily' ? 320 : 2100 } })),
  };

  it.each([
    ['the default options', DEFAULT_NOVELTY_OPTIONS, 1200],
    ['small windows that wrap', SMALL, 2400],
  ])('a detector restored from JSON mid-stream scores exactly as the uninterrupted one (%s)', (_name, options, cut) => {
    const values = pattern(3200);
    const whole = new NoveltyAnomalyDetector(options);
    const expected = values.map((v, i) => [whole.update(i * FIVE_MIN, v), whole.lastReading]);
    const first = new NoveltyAnomalyDetector(options);
    const before = values.slice(0, cut).map((v, i) => [first.update(i * FIVE_MIN, v), first.lastReading]);
    const restored = NoveltyAnomalyDetector.restore(JSON.parse(JSON.stringify(first.snapshot())), options);
    expect(restored.lastReading).toEqual(first.lastReading);
    const after = values.slice(cut).map((v, i) => [restored.update((cut + i) * FIVE_MIN, v), restored.lastReading]);
    expect([...before, ...after]).toEqual(expected);
    expect(Math.max(...expected.map((e) => e[0] as number))).toBeGreaterThan(0.9);
  });

  it('refuses a snapshot that is corrupt, of another version or for other options, and restore() starts afresh', () => {
    const d = new NoveltyAnomalyDetector(SMALL);
    pattern(1500).forEach((v, i) => d.update(i * FIVE_MIN, v));
    const good = JSON.parse(JSON.stringify(d.snapshot()));
    const fewerContexts = good.context.counts.length - 2 * SMALL.context.maxOrder - 1;
    expect(fewerContexts).toBeGreaterThan(0);
    expect(NoveltyAnomalyDetector.tryRestore(good, SMALL)).toBeInstanceOf(NoveltyAnomalyDetector);
    const bad: [string, unknown, typeof SMALL][] = [
      ['null', null, SMALL],
      ['another version', { ...good, v: 2 }, SMALL],
      ['a missing part', { ...good, range: undefined }, SMALL],
      ['a non-numeric count', { ...good, quietLeft: 'x' }, SMALL],
      ['a truncated ring', { ...good, seasons: [{ ...good.seasons[0], surprise: { ...good.seasons[0].surprise, times: [1, 2] } }, good.seasons[1]] }, SMALL],
      ['other season capacities', good, DEFAULT_NOVELTY_OPTIONS],
      ['fewer seasons', good, { ...SMALL, seasons: SMALL.seasons.slice(0, 1) }],
      ['another likelihood window', good, { ...SMALL, likelihood: DEFAULT_NOVELTY_OPTIONS.likelihood }],
      ['more contexts than the cap allows', good, { ...SMALL, context: { ...SMALL.context, maxContexts: fewerContexts } }],
    ];
    for (const [name, json, options] of bad) {
      expect([name, NoveltyAnomalyDetector.tryRestore(json, options)]).toEqual([name, undefined]);
    }
    // restore() gives a fresh detector: it scores like a new one
    const values = pattern(800);
    const fresh = new NoveltyAnomalyDetector(SMALL);
    const restarted = NoveltyAnomalyDetector.restore({ ...good, v: 2 }, SMALL);
    expect(values.map((v, i) => restarted.update(i * FIVE_MIN, v))).toEqual(values.map((v, i) => fresh.update(i * FIVE_MIN, v)));
  });
});
