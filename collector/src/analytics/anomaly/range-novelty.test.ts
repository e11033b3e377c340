import { SnapshotError } from './novelty-snapshot';
import { RangeNovelty } from './range-novelty';

describe('RangeNovelty', () => {
  it('scores the exceedance beyond the range seen so far as a fraction of that range', () => {
    const r = new RangeNovelty({ warmup: 2 });
    expect(r.update(1)).toBe(0);
    expect(r.update(3)).toBe(0);
    expect(r.update(4)).toBe(0.5);
    expect(r.update(-2)).toBe(1); // range is now [1, 4]: 3 below, /3
    expect(r.bounds).toEqual({ min: -2, max: 4 });
  });

  it('is 0 inside the range, during warm-up and while the range is empty', () => {
    const r = new RangeNovelty({ warmup: 3 });
    expect(r.update(5)).toBe(0);
    expect(r.update(5)).toBe(0);
    expect(r.update(100)).toBe(0); // still warming up
    expect(r.update(50)).toBe(0); // inside [5, 100]
    const flat = new RangeNovelty({ warmup: 0 });
    expect(flat.update(7)).toBe(0);
    expect(flat.update(7)).toBe(0);
  });
});

describe('RangeNovelty snapshot', () => {
  it('restores the range (also before any value) and goes on exactly as the original', () => {
    const values = [5, 7, 6, 9, 4, 12, 8, 1, 20];
    const empty = RangeNovelty.restore(JSON.parse(JSON.stringify(new RangeNovelty({ warmup: 3 }).snapshot())), { warmup: 3 });
    const whole = new RangeNovelty({ warmup: 3 });
    expect(values.map((v) => empty.update(v))).toEqual(values.map((v) => whole.update(v)));
    const first = new RangeNovelty({ warmup: 3 });
    values.slice(0, 4).forEach((v) => first.update(v));
    const restored = RangeNovelty.restore(JSON.parse(JSON.stringify(first.snapshot())), { warmup: 3 });
    expect(restored.bounds).toEqual({ min: 5, max: 9 });
    const again = new RangeNovelty({ warmup: 3 });
    const expected = values.map((v) => again.update(v)).slice(4);
    expect(values.slice(4).map((v) => restored.update(v))).toEqual(expected);
  });

  it('throws a SnapshotError on a malformed snapshot', () => {
    expect(() => RangeNovelty.restore({ min: 1, max: 'x', seen: 2 })).toThrow(SnapshotError);
    expect(() => RangeNovelty.restore({ min: 1, max: 2, seen: -1 })).toThrow(SnapshotError);
  });
});
