/**
 * Solves A·X = B for a symmetric positive-definite p×p matrix A (row-major, only the lower triangle
 * is read) and a p×q right-hand side B (row-major) by the Cholesky factorisation A = L·Lᵀ, forward
 * then back substitution (Golub & Van Loan, Matrix Computations, §4.2). O(p³ + p²q).
 * @example choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2, 1) // [0.5, 0]
 * @throws RangeError when the sizes do not match or A is not positive definite
 */
export function choleskySolve(a: Float64Array, b: Float64Array, p: number, q: number): Float64Array {
  if (a.length !== p * p || b.length !== p * q) throw new RangeError(`choleskySolve: expected ${p}×${p} and ${p}×${q} arrays, got ${a.length} and ${b.length} values`);
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * p + k] as number) * (l[j * p + k] as number);
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`choleskySolve: matrix is not positive definite (pivot ${i} is ${s})`);
        l[i * p + i] = Math.sqrt(s);
      } else {
        l[i * p + j] = s / (l[j * p + j] as number);
      }
    }
  }
  const x = new Float64Array(p * q);
  const z = new Float64Array(p);
  for (let c = 0; c < q; c++) {
    for (let i = 0; i < p; i++) {
      let s = b[i * q + c] as number;
      for (let k = 0; k < i; k++) s -= (l[i * p + k] as number) * (z[k] as number);
      z[i] = s / (l[i * p + i] as number);
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = z[i] as number;
      for (let k = i + 1; k < p; k++) s -= (l[k * p + i] as number) * (x[k * q + c] as number);
      x[i * q + c] = s / (l[i * p + i] as number);
    }
  }
  return x;
}
