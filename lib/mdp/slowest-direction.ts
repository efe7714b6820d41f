/**
 * The slowest directions of Algs. 2 and 3 (SPEC §9) at sizes where a dense eigen-decomposition
 * is out of reach (Taxi: N = |S||A| = 3000; a Jacobi sweep or ml-matrix's dense eigen-solvers
 * take minutes there, see README "The exact oracle at Taxi's size").
 *
 * Only the smallest eigenvalue matters for "the T at which the slowest direction reaches
 * x = λ√T = 1", T = 1/λ². Both are found by shift-invert Krylov iterations at 0, which need
 * only products with the inverse:
 * - Alg. 2: H = D^{1/2}KD^{1/2}, symmetric positive definite; H^{-1} = D^{-1/2}K^{-1}D^{-1/2}.
 *   With one-hot features K = I/2 and H = D/2 is diagonal: λ_min = min σ/2 exactly. Otherwise
 *   Lanczos (full reorthogonalisation) on H^{-1}, with K^{-1} from a Cholesky factor.
 * - Alg. 3: M = H·C is similar to K·D·(I − γP_π) (conditioning.ts); M^{-1} ~ (I − γP_π)^{-1}D^{-1}K^{-1},
 *   and (I − γP_π)^{-1} = I + γP(I − γP^π)^{-1}Π with P_π = PΠ (P: pair → state, Π: state → pair
 *   by π), so one LU of the |S| × |S| matrix I − γP^π serves every product: no N × N matrix is
 *   formed. Arnoldi (full reorthogonalisation) on M^{-1} finds the eigenvalues of smallest
 *   modulus; the smallest real part is taken over the converged ones. That is the smallest real
 *   part of all eigenvalues unless one has |Im λ| larger than the converged moduli allow, which
 *   the tests check against the dense solver on smaller problems.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { cholesky, choleskySolve, luFactor, luSolve, symmetricEigen } from "../linalg";
import { arcCosineGram } from "../network";
import { policyChain, type Policy } from "./exact";
import type { FiniteMdp } from "./mdp";

/** Whether X ∈ [N, d] is a permutation of one-hot rows (then K = I/2). */
function isOneHot(features: Float64Array, dim: number): boolean {
  const n = features.length / dim;
  if (dim !== n) return false;
  const seen = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    let hot = -1;
    for (let i = 0; i < dim; i++) {
      const v = features[p * dim + i];
      if (v === 1 && hot < 0) hot = i;
      else if (v !== 0) return false;
    }
    if (hot < 0 || seen[hot]) return false;
    seen[hot] = 1;
  }
  return true;
}

/** v ↦ K^{-1}v for the NTK Gram K of the features (2v for one-hot; a Cholesky solve otherwise). */
function kernelInverse(features: Float64Array, dim: number): (v: Float64Array) => Float64Array {
  if (isOneHot(features, dim)) return (v) => v.map((x) => 2 * x);
  const n = features.length / dim;
  const L = cholesky(arcCosineGram(features, dim), n);
  return (v) => choleskySolve(L, v, n);
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** A deterministic start vector with no special alignment to the problem's structure. */
const startVector = (n: number) => {
  const v = Float64Array.from({ length: n }, (_, i) => 1 + 0.5 * Math.sin(1.7 * i + 0.3));
  const norm = Math.sqrt(dot(v, v));
  return v.map((x) => x / norm);
};

export interface SlowestNtk {
  lambdaMin: number;
  method: "diagonal" | "lanczos";
}

/** λ_min of Alg. 2's H = D^{1/2}KD^{1/2} (SPEC §9) for features X ∈ [N, d] and sampling weights σ ∈ [N] (positive). */
export function slowestNtk(features: Float64Array, dim: number, sigma: Float64Array, steps = 60): SlowestNtk {
  const n = sigma.length;
  if (isOneHot(features, dim)) return { lambdaMin: Math.min(...sigma) / 2, method: "diagonal" };
  const kInv = kernelInverse(features, dim);
  const op = (v: Float64Array) => {
    const w = kInv(v.map((x, j) => x / Math.sqrt(sigma[j])));
    return w.map((x, j) => x / Math.sqrt(sigma[j]));
  };
  const { H, k } = arnoldi(op, n, Math.min(steps, n));
  // H^{-1} is symmetric, so the Hessenberg matrix is tridiagonal up to rounding: symmetrise it.
  const t = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) t[i * k + j] = (H.get(i, j) + H.get(j, i)) / 2;
  const values = symmetricEigen(t, k).values;
  return { lambdaMin: 1 / values[k - 1], method: "lanczos" };
}

/**
 * k ≤ m steps of Arnoldi on `op` from a fixed start vector, with full reorthogonalisation
 * (classical Gram–Schmidt twice): the k × k Hessenberg matrix and the next sub-diagonal entry.
 */
function arnoldi(op: (v: Float64Array) => Float64Array, n: number, m: number): { H: Matrix; k: number; tail: number } {
  const Q: Float64Array[] = [startVector(n)];
  const H = new Float64Array((m + 1) * m);
  let k = m;
  for (let j = 0; j < m; j++) {
    let w = op(Q[j]);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i <= j; i++) {
        const c = dot(Q[i], w);
        H[i * m + j] += c;
        w = w.map((x, l) => x - c * Q[i][l]);
      }
    }
    const h = Math.sqrt(dot(w, w));
    H[(j + 1) * m + j] = h;
    if (j + 1 === m || h <= 1e-14 * Math.abs(H[j * m + j])) {
      k = j + 1;
      break;
    }
    Q.push(w.map((x) => x / h));
  }
  const Hk = new Matrix(k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) Hk.set(i, j, H[i * m + j]);
  return { H: Hk, k, tail: H[k * m + k - 1] };
}

export interface SlowestTd {
  /** Smallest real part among the converged eigenvalues of smallest modulus. */
  lambdaMinRe: number;
  /** Its imaginary part (0 for a real eigenvalue). */
  imag: number;
  /** How many Ritz values converged (relative residual ≤ 1e-8), and the largest modulus among them. */
  converged: number;
  maxModulus: number;
}

/** Smallest real part of the eigenvalues of Alg. 3's matrix M (SPEC §9; `tdLambdaMinRe` computes it densely). */
export function slowestTd(mdp: FiniteMdp, features: Float64Array, dim: number, sigma: Float64Array, pi: Policy, steps = 60): SlowestTd {
  const { states: S, actions: A, gamma } = mdp;
  const n = S * A;
  const kInv = kernelInverse(features, dim);
  const chain = policyChain(mdp, pi).transitions;
  const I = new Float64Array(S * S);
  for (let s = 0; s < S; s++) for (let t = 0; t < S; t++) I[s * S + t] = (s === t ? 1 : 0) - gamma * chain[s * S + t];
  const lu = luFactor(I, S);
  // (I − γPΠ)^{-1}b = b + γP(I − γΠP)^{-1}Πb.
  const resolvent = (b: Float64Array) => {
    const pb = new Float64Array(S);
    for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) pb[s] += pi[s * A + a] * b[s * A + a];
    const y = luSolve(lu, pb);
    return b.map((x, j) => {
      let e = 0;
      for (let t = 0; t < S; t++) e += mdp.transitions[j * S + t] * y[t];
      return x + gamma * e;
    });
  };
  const op = (v: Float64Array) => resolvent(kInv(v).map((x, j) => x / sigma[j]));
  const { H: Hk, k, tail } = arnoldi(op, n, Math.min(steps, n));
  const evd = new EigenvalueDecomposition(Hk);
  const re = evd.realEigenvalues;
  const im = evd.imaginaryEigenvalues;
  const V = evd.eigenvectorMatrix;
  let best = { lambdaMinRe: Infinity, imag: 0 };
  let converged = 0;
  let maxModulus = 0;
  for (let i = 0; i < k; i++) {
    // The eigenvector of a complex pair is (column i ± i·column i+1) for the first of the pair.
    const first = im[i] !== 0 && i + 1 < k && im[i + 1] === -im[i] ? i : im[i] !== 0 ? i - 1 : i;
    let norm = 0;
    for (let l = 0; l < k; l++) norm += V.get(l, first) ** 2 + (im[i] !== 0 ? V.get(l, first + 1) ** 2 : 0);
    const last = Math.sqrt(V.get(k - 1, first) ** 2 + (im[i] !== 0 ? V.get(k - 1, first + 1) ** 2 : 0));
    const theta = Math.hypot(re[i], im[i]);
    if (Math.abs(tail) * (last / Math.sqrt(norm)) > 1e-8 * theta) continue;
    converged++;
    // λ = 1/θ.
    const lr = re[i] / theta ** 2;
    const li = -im[i] / theta ** 2;
    maxModulus = Math.max(maxModulus, 1 / theta);
    if (lr < best.lambdaMinRe) best = { lambdaMinRe: lr, imag: li };
  }
  return { ...best, converged, maxModulus };
}
