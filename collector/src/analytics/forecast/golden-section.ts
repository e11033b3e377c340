/**
 * Minimises f on [lo, hi]: a grid of `gridPoints` evaluations picks the best bracket (guarding
 * against local minima), then golden-section search refines it to `tolerance` (Kiefer 1953;
 * Press et al., Numerical Recipes §10.2). O(gridPoints + log(1/tolerance)) evaluations.
 * @example minimizeOnInterval((x) => (x - 0.3) ** 2, 0, 1).x // ≈ 0.3
 * @throws RangeError when lo ≥ hi
 */
export function minimizeOnInterval(
  f: (x: number) => number,
  lo: number,
  hi: number,
  gridPoints = 20,
  tolerance = 1e-6,
): { x: number; value: number } {
  if (!(lo < hi)) throw new RangeError(`minimizeOnInterval: need lo < hi, got [${lo}, ${hi}]`);
  const step = (hi - lo) / gridPoints;
  let bestX = lo;
  let bestValue = f(lo);
  for (let i = 1; i <= gridPoints; i++) {
    const x = lo + i * step;
    const value = f(x);
    if (value < bestValue) {
      bestValue = value;
      bestX = x;
    }
  }
  let a = Math.max(lo, bestX - step);
  let b = Math.min(hi, bestX + step);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  const x = (a + b) / 2;
  const value = f(x);
  return value <= bestValue ? { x, value } : { x: bestX, value: bestValue };
}
