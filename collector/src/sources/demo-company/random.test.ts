import fc from 'fast-check';
import { Rng } from './random';

describe('Rng', () => {
  it('repeats the same stream for the same name and differs for another', () => {
    const a = Rng.stream('seed', 'revenue', 100);
    const b = Rng.stream('seed', 'revenue', 100);
    const c = Rng.stream('seed', 'revenue', 101);
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.uniform());
    const first = draw(a);
    expect(first).toEqual(draw(b));
    expect(first).not.toEqual(draw(c));
  });

  it('draws normal, log-normal (mean 1) and Poisson values with the right means', () => {
    const rng = Rng.stream('moments');
    const n = 20_000;
    let normal = 0;
    let lognormal = 0;
    let poisson = 0;
    let bigPoisson = 0;
    for (let i = 0; i < n; i++) {
      normal += rng.normal();
      lognormal += rng.lognormal(0.3);
      poisson += rng.poisson(3.5);
      bigPoisson += rng.poisson(80);
    }
    expect(Math.abs(normal / n)).toBeLessThan(0.03);
    expect(lognormal / n).toBeCloseTo(1, 1);
    expect(poisson / n).toBeCloseTo(3.5, 1);
    expect(bigPoisson / n).toBeGreaterThan(79);
    expect(bigPoisson / n).toBeLessThan(81);
    expect(rng.poisson(0)).toBe(0);
  });

  it('splits an amount into positive parts that add up to the cent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 1e9 }), fc.integer({ min: 1, max: 20 }), fc.string(), (totalCents, n, seed) => {
        const parts = Rng.stream(seed).splitAmount(totalCents / 100, n);
        expect(parts).toHaveLength(n);
        expect(Math.round(parts.reduce((a, b) => a + b, 0) * 100)).toBe(totalCents);
        expect(parts.every((p) => p >= 0)).toBe(true);
      }),
    );
  });
});
