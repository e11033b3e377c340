/**
 * A seeded uniform pseudo-random generator on [0, 1) (Mulberry32, a 32-bit state mixer), so model
 * fits that shuffle or initialise at random give the same result on every run. O(1) per draw.
 * @example const draw = seededRandom(7); draw() // the same number for every run with seed 7
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A standard normal draw from two uniforms (Box–Muller). O(1).
 * @example standardNormal(seededRandom(1))
 */
export function standardNormal(uniform: () => number): number {
  const u = Math.max(uniform(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
}
