import { nelderMead } from './nelder-mead';

describe('nelderMead', () => {
  it('minimises a shifted quadratic bowl', () => {
    const r = nelderMead(([x, y]) => (x! - 1) ** 2 + 3 * (y! + 2) ** 2, [0, 0]);
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(-2, 3);
  });

  it('minimises the Rosenbrock function from its usual start', () => {
    const r = nelderMead(([x, y]) => 100 * (y! - x! ** 2) ** 2 + (1 - x!) ** 2, [-1.2, 1], { maxIterations: 2000, tolerance: 1e-14 });
    expect(r.x[0]).toBeCloseTo(1, 2);
    expect(r.value).toBeLessThan(1e-5);
  });

  it('treats non-finite values as worse than any finite one and rejects an empty start', () => {
    const r = nelderMead(([x]) => (x! < 0 ? NaN : (x! - 2) ** 2), [1]);
    expect(r.x[0]).toBeCloseTo(2, 3);
    expect(() => nelderMead(() => 0, [])).toThrow(RangeError);
  });
});
