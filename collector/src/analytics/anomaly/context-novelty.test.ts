import seedrandom from 'seedrandom';
import { ContextNovelty, DEFAULT_CONTEXT_NOVELTY } from './context-novelty';
import { SnapshotError } from './novelty-snapshot';

const small = { ...DEFAULT_CONTEXT_NOVELTY, warmup: 20 };

describe('ContextNovelty', () => {
  it('is null until the bins are fixed', () => {
    const c = new ContextNovelty(small);
    for (let i = 0; i < 19; i++) expect(c.update(i % 5)).toBeNull();
    expect(c.update(3)).not.toBeNull();
  });

  it('learns a repeating pattern and is surprised when it breaks', () => {
    const c = new ContextNovelty(small);
    const pattern = [0, 2, 4, 6, 8, 10];
    let late = 0;
    for (let i = 0; i < 600; i++) {
      const s = c.update(pattern[i % pattern.length]!);
      if (i >= 590) late = Math.max(late, s ?? 0);
    }
    expect(late).toBeLessThan(0.05);
    // 10 after 4 has never happened
    c.update(0);
    c.update(2);
    c.update(4);
    expect(c.update(10)).toBeGreaterThan(0.9);
  });

  it('keeps its counts bounded on an endless novel stream', () => {
    const rng = seedrandom('bounded');
    const c = new ContextNovelty({ ...small, maxContexts: 500 });
    let maxSize = 0;
    for (let i = 0; i < 20_000; i++) {
      c.update(rng() * 1000);
      maxSize = Math.max(maxSize, c.size);
    }
    expect(maxSize).toBeLessThanOrEqual(500 + 2 * small.maxOrder);
  });

  it('re-anchors its bins when the range grows far beyond the warm-up range', () => {
    const c = new ContextNovelty(small);
    for (let i = 0; i < 200; i++) c.update(i % 2);
    c.update(100); // range ×100 > regrow 4: counts forgotten
    expect(c.size).toBe(0);
  });
});

describe('ContextNovelty snapshot', () => {
  it('restores bins and counts and goes on exactly as the original, within its cap', () => {
    const rng = seedrandom('ctx-snapshot');
    const values = Array.from({ length: 600 }, (_, i) => (i % 12) + rng() * 3);
    const options = { ...small, maxContexts: 120 };
    const whole = new ContextNovelty(options);
    const expected = values.map((v) => whole.update(v));
    const first = new ContextNovelty(options);
    const before = values.slice(0, 333).map((v) => first.update(v));
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    expect(snapshot.counts.length).toBeLessThanOrEqual(options.maxContexts + 2 * options.maxOrder);
    const restored = ContextNovelty.restore(snapshot, options);
    expect(restored.size).toBe(first.size);
    expect([...before, ...values.slice(333).map((v) => restored.update(v))]).toEqual(expected);
  });

  it('throws a SnapshotError on a malformed snapshot or one with more counts than the cap', () => {
    const c = new ContextNovelty(small);
    for (let i = 0; i < 100; i++) c.update(i % 7);
    const good = c.snapshot();
    expect(() => ContextNovelty.restore({ ...good, counts: [['a', 'b']] }, small)).toThrow(SnapshotError);
    expect(() => ContextNovelty.restore({ ...good, previous: [1, 2, 3, 4, 5] }, small)).toThrow(SnapshotError);
    expect(() => ContextNovelty.restore(good, { ...small, maxContexts: 0 })).toThrow(SnapshotError);
  });
});
