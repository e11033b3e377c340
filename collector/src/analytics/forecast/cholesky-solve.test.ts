import { choleskySolve } from './cholesky-solve';

describe('choleskySolve', () => {
  it('solves a symmetric positive-definite system for several right-hand sides', () => {
    // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]]; columns of X chosen, B = A·X.
    const a = Float64Array.of(4, 2, 0, 2, 5, 1, 0, 1, 3);
    const x = [
      [1, -2],
      [0.5, 3],
      [-1, 0],
    ];
    const b = new Float64Array(6);
    for (let i = 0; i < 3; i++) for (let c = 0; c < 2; c++) for (let k = 0; k < 3; k++) b[i * 2 + c]! += a[i * 3 + k]! * x[k]![c]!;
    const solved = choleskySolve(a, b, 3, 2);
    for (let i = 0; i < 3; i++) for (let c = 0; c < 2; c++) expect(solved[i * 2 + c]).toBeCloseTo(x[i]![c]!, 10);
  });

  it('rejects a matrix that is not positive definite and mismatched sizes', () => {
    expect(() => choleskySolve(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1), 2, 1)).toThrow(/positive definite/);
    expect(() => choleskySolve(Float64Array.of(1), Float64Array.of(1, 1), 2, 1)).toThrow(RangeError);
  });
});
