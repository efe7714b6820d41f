/**
 * Dense float64 linear algebra for the exact oracle (SPEC §7: exact, never Monte Carlo).
 * Matrices are row-major Float64Array of n×n. Sizes here are |S| or |S||A| (≤ ~10³).
 */

export class SingularMatrixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SingularMatrixError";
  }
}

/** Solve A x = b by LU with partial pivoting. Throws SingularMatrixError on a (numerically) singular A. */
export function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  if (A.length !== n * n || b.length !== n) throw new RangeError(`solve: A must be ${n}×${n} and b of length ${n}`);
  return luSolve(luFactor(A, n), b);
}

/** Lower-triangular L with A = L Lᵀ for symmetric positive definite A; SingularMatrixError otherwise. */
export function cholesky(A: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(A[i * n + i]));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > scale * 1e-13)) throw new SingularMatrixError(`matrix is not positive definite to working precision (pivot ${s} at ${i})`);
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  return L;
}

/** Solve (L Lᵀ) x = b given the Cholesky factor L. */
export function choleskySolve(L: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/** Eigenvalues of a symmetric matrix, ascending (cyclic Jacobi rotations, to ~1e-14 relative). */
export function symmetricEigenvalues(A: Float64Array, n: number): Float64Array {
  return symmetricEigen(A, n).values;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: eigenvalues ascending,
 * and the orthonormal eigenvectors as the columns of `vectors` [n, n] in the same order
 * (column i = vectors[k·n + i], k = 0…n−1).
 */
export function symmetricEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const M = Float64Array.from(A);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        total += M[i * n + j] ** 2;
        if (i !== j) off += M[i * n + j] ** 2;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = M[p * n + q];
        if (apq === 0) continue;
        const theta = (M[q * n + q] - M[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = M[k * n + p];
          const mkq = M[k * n + q];
          M[k * n + p] = c * mkp - s * mkq;
          M[k * n + q] = s * mkp + c * mkq;
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = M[p * n + k];
          const mqk = M[q * n + k];
          M[p * n + k] = c * mpk - s * mqk;
          M[q * n + k] = s * mpk + c * mqk;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => M[a * n + a] - M[b * n + b]);
  const values = Float64Array.from(order, (i) => M[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((i, col) => {
    for (let k = 0; k < n; k++) vectors[k * n + col] = V[k * n + i];
  });
  return { values, vectors };
}

/** An LU factorisation with partial pivoting, PA = LU, kept to solve many right-hand sides. */
export interface LuFactors {
  n: number;
  /** L below the diagonal (unit diagonal implied), U on and above it, rows in pivot order. */
  lu: Float64Array;
  /** perm[i]: the row of A that is row i of PA. */
  perm: Int32Array;
}

/** Factor A once (O(n³)); `luSolve` then costs O(n²) per right-hand side. SingularMatrixError on a singular A. */
export function luFactor(A: Float64Array, n: number): LuFactors {
  const M = Float64Array.from(A);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(M[i]));
  const tol = Math.max(scale, 1e-300) * n * 1e-14;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i * n + k]) > Math.abs(M[p * n + k])) p = i;
    if (Math.abs(M[p * n + k]) <= tol) throw new SingularMatrixError(`matrix is singular to working precision (pivot ${M[p * n + k]} at column ${k})`);
    if (p !== k) {
      const row = M.slice(k * n, (k + 1) * n);
      M.copyWithin(k * n, p * n, (p + 1) * n);
      M.set(row, p * n);
      [perm[k], perm[p]] = [perm[p], perm[k]];
    }
    const pivot = M[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (M[i * n + k] /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) M[i * n + j] -= f * M[k * n + j];
    }
  }
  return { n, lu: M, perm };
}

/** x with A x = b, from `luFactor(A)`. */
export function luSolve(f: LuFactors, b: Float64Array): Float64Array {
  const { n, lu, perm } = f;
  const x = Float64Array.from(perm, (i) => b[i]);
  for (let i = 1; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= lu[i * n + k] * x[k];
    x[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * x[j];
    x[i] = s / lu[i * n + i];
  }
  return x;
}
