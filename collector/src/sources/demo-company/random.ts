import seedrandom from 'seedrandom';

/**
 * Seeded random streams. Every aspect of a simulated day draws from its own stream named by
 * (seed, aspect, day), so a day's values never depend on which other days were generated, and
 * adding draws to one aspect leaves the others unchanged.
 */
export class Rng {
  private spareNormal: number | undefined;

  constructor(private readonly next: () => number) {}

  /** A stream named by the seed and any parts, e.g. `Rng.stream(seed, 'revenue', dayIndex)`. */
  static stream(seed: string, ...parts: (string | number)[]): Rng {
    return new Rng(seedrandom.alea([seed, ...parts].join('|')));
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform in [lo, hiExclusive). */
  int(lo: number, hiExclusive: number): number {
    return lo + Math.floor(this.next() * (hiExclusive - lo));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller, the second variate kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const s = this.spareNormal;
      this.spareNormal = undefined;
      return s;
    }
    let u = this.next();
    while (u <= Number.EPSILON) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal multiplier with mean 1: exp(σ·N − σ²/2). */
  lognormal(sigma: number): number {
    return Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
  }

  /** Poisson count (Knuth below λ = 30, rounded normal approximation above). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** Splits `total` into `n` positive parts with random (Dirichlet-like) weights, rounded to cents, summing exactly. */
  splitAmount(total: number, n: number): number[] {
    const weights = Array.from({ length: n }, () => -Math.log(Math.max(this.next(), 1e-12)));
    const sum = weights.reduce((a, b) => a + b, 0);
    const totalCents = Math.round(total * 100);
    const parts = weights.map((w) => Math.floor((totalCents * w) / sum));
    parts[parts.length - 1]! += totalCents - parts.reduce((a, b) => a + b, 0);
    return parts.map((c) => c / 100);
  }
}
