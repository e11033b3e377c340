/**
 * Unconstrained minimisation by the Nelder–Mead simplex (Nelder & Mead 1965; coefficients
 * reflection 1, expansion 2, contraction 0.5, shrink 0.5, as R's optim). Stops after `maxIterations`
 * or when the simplex's values differ by less than `tolerance` (relative). O(maxIterations·d) evaluations.
 * @example nelderMead(([x, y]) => (x! - 1) ** 2 + (y! + 2) ** 2, [0, 0]).x // ≈ [1, -2]
 * @throws RangeError when start is empty
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: { maxIterations?: number; tolerance?: number; step?: number } = {},
): { x: number[]; value: number } {
  const d = start.length;
  if (d === 0) throw new RangeError('nelderMead: start point is empty');
  const maxIterations = options.maxIterations ?? 200 * d;
  const tolerance = options.tolerance ?? 1e-8;
  const step = options.step ?? 0.5;
  const evaluate = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex = [start.slice()];
  for (let i = 0; i < d; i++) {
    const vertex = start.slice();
    vertex[i] = (vertex[i] as number) + step;
    simplex.push(vertex);
  }
  let values = simplex.map(evaluate);
  const combine = (a: number[], b: number[], t: number) => a.map((ai, i) => ai + t * ((b[i] as number) - ai));
  for (let iter = 0; iter < maxIterations; iter++) {
    const order = values.map((_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
    simplex = order.map((i) => simplex[i] as number[]);
    values = order.map((i) => values[i] as number);
    const best = values[0] as number;
    const worst = values[d] as number;
    if (Math.abs(worst - best) <= tolerance * (Math.abs(best) + tolerance)) break;
    const centroid = new Array<number>(d).fill(0);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) centroid[j] = (centroid[j] as number) + (simplex[i]![j] as number) / d;
    const worstPoint = simplex[d] as number[];
    const reflected = combine(centroid, worstPoint, -1);
    const fr = evaluate(reflected);
    if (fr < best) {
      const expanded = combine(centroid, worstPoint, -2);
      const fe = evaluate(expanded);
      if (fe < fr) {
        simplex[d] = expanded;
        values[d] = fe;
      } else {
        simplex[d] = reflected;
        values[d] = fr;
      }
    } else if (fr < (values[d - 1] as number)) {
      simplex[d] = reflected;
      values[d] = fr;
    } else {
      const contracted = fr < worst ? combine(centroid, reflected, 0.5) : combine(centroid, worstPoint, 0.5);
      const fc = evaluate(contracted);
      if (fc < Math.min(fr, worst)) {
        simplex[d] = contracted;
        values[d] = fc;
      } else {
        const bestPoint = simplex[0] as number[];
        for (let i = 1; i <= d; i++) {
          simplex[i] = combine(bestPoint, simplex[i] as number[], 0.5);
          values[i] = evaluate(simplex[i] as number[]);
        }
      }
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= d; i++) if ((values[i] as number) < (values[bestIndex] as number)) bestIndex = i;
  return { x: simplex[bestIndex] as number[], value: values[bestIndex] as number };
}
