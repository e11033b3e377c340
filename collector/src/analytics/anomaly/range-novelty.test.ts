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
