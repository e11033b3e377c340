import seedrandom from 'seedrandom';
import { ContextNovelty, DEFAULT_CONTEXT_NOVELTY } from './context-novelty';

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
