/**
 * Conditioning of the solvers' problems (SPEC §9): the hidden constant behind the T-rates of
 * Thms 4.5 and 4.6 (NeurIPS numbering).
 *
 * Linearised at infinite width, full batch and noise-free, one step of Alg. 2 moves the
 * residual e = f − target (a vector over the N = |S||A| pairs) by e ← (I − ηKD)e, with K the
 * NTK Gram K(x, y) = x·y(π − arccos x·y)/(2π) over all pairs and D = diag(σ). In the
 * coordinates g = D^{1/2}e, in which the solvers' MSE is ‖g‖², this is g ← (I − ηH)g with
 *
 *   H = D^{1/2} K D^{1/2}   (symmetric, eigenvalues μ_i ≥ 0: `ntkConditioning`).
 *
 * Alg. 3 (TD(0)) moves e = Q_θ − Q^π by e ← (I − ηKD(I − γP_π))e, i.e. g ← (I − ηM)g with
 *
 *   M = H·C,  C = D^{1/2}(I − γP_π)D^{-1/2}   (`tdConditioning`),
 *
 * P_π[(s,a),(s',a')] = P(s'|s,a)π(a'|s'). M is not symmetric; with σ stationary for P_π,
 * C + Cᵀ ⪰ 2(1−γ)I, so every eigenvalue has real part ≥ (1−γ)μ_min (the "(1−γ) factor" of
 * SPEC §9). In either case the path average keeps, per eigen-direction, the fraction
 * |(1 − (1 − ηλ)^T)/(Tηλ)|² of the initial residual (theory.ts `pathAverageResidualFraction`),
 * ≈ [(1 − e^{−x})/x]² with x = λ√T for η = T^{-1/2}.
 */
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition, inverse } from "ml-matrix";
import { symmetricEigen } from "../linalg";
import { arcCosineGram } from "../network";
import type { FiniteMdp } from "./mdp";
import type { Policy } from "./exact";

/** The eigen-decomposition of H = D^{1/2}KD^{1/2}: eigenvalues ascending, orthonormal eigenvectors (columns, [N, N]). */
export interface NtkConditioning {
  eigenvalues: Float64Array;
  eigenvectors: Float64Array;
  lambdaMin: number;
  lambdaMax: number;
}

function checkWeights(sigma: Float64Array, n: number): void {
  if (sigma.length !== n) throw new RangeError(`sampling weights must have length N = ${n}, got ${sigma.length}`);
  sigma.forEach((w, j) => {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`sampling weight ${j} must be finite and >= 0, got ${w}`);
  });
}

/** H = D^{1/2}KD^{1/2} ∈ [N, N] for features X ∈ [N, d] and sampling weights σ ∈ [N]. */
export function weightedNtkGram(features: Float64Array, dim: number, sigma: Float64Array): Float64Array {
  const n = features.length / dim;
  checkWeights(sigma, n);
  const K = arcCosineGram(features, dim);
  const H = new Float64Array(n * n);
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) H[p * n + q] = Math.sqrt(sigma[p] * sigma[q]) * K[p * n + q];
  return H;
}

/** SPEC §9: the extreme eigenvalues (`ntkLambdaMin`, `ntkLambdaMax`) and eigenvectors of H. */
export function ntkConditioning(features: Float64Array, dim: number, sigma: Float64Array): NtkConditioning {
  const n = features.length / dim;
  const { values, vectors } = symmetricEigen(weightedNtkGram(features, dim, sigma), n);
  return { eigenvalues: values, eigenvectors: vectors, lambdaMin: values[0], lambdaMax: values[n - 1] };
}

/**
 * The TD matrix M = H·C in real block form: M·V = V·Λ, where V's columns are real eigenvectors
 * or, for a complex pair λ = a ± ib, the real and imaginary parts of one eigenvector in two
 * adjacent columns. `group[i]` numbers the directions (a complex pair shares one group, a
 * 2-dimensional invariant plane). Directions are ordered by real part, ascending.
 */
export interface TdConditioning {
  re: Float64Array;
  im: Float64Array;
  group: Int32Array;
  /** V^{-1} ∈ [N, N]: coordinates of a vector g in the eigenbasis are V^{-1}g. */
  inverseBasis: Float64Array;
  /** Smallest and largest real part of the eigenvalues, and max |Im λ|/Re λ. */
  lambdaMinRe: number;
  lambdaMaxRe: number;
  maxImaginaryRatio: number;
  /**
   * κ(V) = ‖V‖₂‖V^{-1}‖₂ of the eigenvector basis: 1 for a normal matrix. The larger it is, the
   * less the per-direction fractions of the collapse figure say about the MSE, because the
   * directions are far from orthogonal (small imaginary parts alone do not make M normal).
   */
  eigenvectorCondition: number;
}

/** P_π over state-action pairs: [N, N], P_π[(s,a),(s',a')] = P(s'|s,a)π(a'|s'). */
export function pairTransitions(mdp: FiniteMdp, pi: Policy): Float64Array {
  const { states: S, actions: A } = mdp;
  const N = S * A;
  const P = new Float64Array(N * N);
  for (let j = 0; j < N; j++) for (let s2 = 0; s2 < S; s2++) for (let a2 = 0; a2 < A; a2++) P[j * N + s2 * A + a2] = mdp.transitions[j * S + s2] * pi[s2 * A + a2];
  return P;
}

/** The eigen-decomposition of Alg. 3's matrix M = H·C (see the module header); σ must be positive. */
export function tdConditioning(mdp: FiniteMdp, features: Float64Array, dim: number, sigma: Float64Array, pi: Policy): TdConditioning {
  const n = mdp.states * mdp.actions;
  const H = weightedNtkGram(features, dim, sigma);
  sigma.forEach((w, j) => {
    if (!(w > 0)) throw new RangeError(`the TD matrix needs positive sampling weights (σ_π of an ergodic chain), got σ[${j}] = ${w}`);
  });
  const P = pairTransitions(mdp, pi);
  const C = new Float64Array(n * n);
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) C[p * n + q] = ((p === q ? 1 : 0) - mdp.gamma * P[p * n + q]) * Math.sqrt(sigma[p] / sigma[q]);
  const M = new Matrix(n, n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      let v = 0;
      for (let k = 0; k < n; k++) v += H[p * n + k] * C[k * n + q];
      M.set(p, q, v);
    }
  }
  const evd = new EigenvalueDecomposition(M);
  const re0 = evd.realEigenvalues;
  const im0 = evd.imaginaryEigenvalues;
  const V0 = evd.eigenvectorMatrix;
  // Groups in the decomposition's order (a complex pair occupies two adjacent columns), then sorted by real part.
  const groups: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (im0[i] !== 0 && i + 1 < n && im0[i + 1] === -im0[i]) {
      groups.push([i, i + 1]);
      i++;
    } else groups.push([i]);
  }
  groups.sort((a, b) => re0[a[0]] - re0[b[0]]);
  const order = groups.flat();
  const V = new Matrix(n, n);
  order.forEach((src, col) => {
    for (let k = 0; k < n; k++) V.set(k, col, V0.get(k, src));
  });
  const Vinv = inverse(V);
  const inverseBasis = new Float64Array(n * n);
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) inverseBasis[p * n + q] = Vinv.get(p, q);
  const re = Float64Array.from(order, (i) => re0[i]);
  const im = Float64Array.from(order, (i) => im0[i]);
  const group = new Int32Array(n);
  let g = 0;
  for (const members of groups) {
    for (let k = 0; k < members.length; k++) group[order.indexOf(members[k])] = g;
    g++;
  }
  let maxImaginaryRatio = 0;
  for (let i = 0; i < n; i++) maxImaginaryRatio = Math.max(maxImaginaryRatio, Math.abs(im[i]) / Math.abs(re[i]));
  // Columns scaled to unit length first, so κ(V) measures the directions' obliqueness, not their arbitrary lengths.
  const unit = new Matrix(n, n);
  for (let c = 0; c < n; c++) {
    let norm = 0;
    for (let k = 0; k < n; k++) norm += V.get(k, c) ** 2;
    for (let k = 0; k < n; k++) unit.set(k, c, V.get(k, c) / Math.sqrt(norm));
  }
  const eigenvectorCondition = new SingularValueDecomposition(unit).condition;
  return { re, im, group, inverseBasis, lambdaMinRe: re[0], lambdaMaxRe: re[n - 1], maxImaginaryRatio, eigenvectorCondition };
}

/**
 * The smallest real part of the TD matrix's eigenvalues, computed as those of K·D·(I − γP_π),
 * which M = H·C is similar to (M = D^{1/2}(K·D·(I − γP_π))D^{-1/2}); unlike `tdConditioning`
 * this needs no positive σ, so it also serves a nearly deterministic π whose σ_π underflows to 0.
 */
export function tdLambdaMinRe(mdp: FiniteMdp, features: Float64Array, dim: number, sigma: Float64Array, pi: Policy): number {
  const n = mdp.states * mdp.actions;
  checkWeights(sigma, n);
  const K = arcCosineGram(features, dim);
  const P = pairTransitions(mdp, pi);
  const M = new Matrix(n, n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      let v = 0;
      for (let k = 0; k < n; k++) v += K[p * n + k] * sigma[k] * ((k === q ? 1 : 0) - mdp.gamma * P[k * n + q]);
      M.set(p, q, v);
    }
  }
  return Math.min(...new EigenvalueDecomposition(M).realEigenvalues);
}

/**
 * One direction of the collapse figure: the eigenvalue (re, im), the squared size of the
 * initial residual's component and of the output's, and their ratio `fraction`.
 */
export interface DirectionResidual {
  direction: number;
  re: number;
  im: number;
  initial: number;
  final: number;
  fraction: number;
}

/** g = D^{1/2}e for a residual e ∈ [N]. */
function weighted(sigma: Float64Array, e: Float64Array): Float64Array {
  return e.map((v, j) => Math.sqrt(sigma[j]) * v);
}

/** Residuals before (`initial` = NN(α(0)) − target) and after (`final` = output − target), per eigen-direction of H (Alg. 2). */
export function ntkDirections(cond: NtkConditioning, sigma: Float64Array, initial: Float64Array, final: Float64Array): DirectionResidual[] {
  const n = cond.eigenvalues.length;
  const g0 = weighted(sigma, initial);
  const g1 = weighted(sigma, final);
  const out: DirectionResidual[] = [];
  for (let i = 0; i < n; i++) {
    let c0 = 0;
    let c1 = 0;
    for (let k = 0; k < n; k++) {
      c0 += cond.eigenvectors[k * n + i] * g0[k];
      c1 += cond.eigenvectors[k * n + i] * g1[k];
    }
    out.push({ direction: i, re: cond.eigenvalues[i], im: 0, initial: c0 * c0, final: c1 * c1, fraction: (c1 * c1) / (c0 * c0) });
  }
  return out;
}

/** As `ntkDirections`, per invariant direction (real eigenvector or complex-pair plane) of the TD matrix M (Alg. 3). */
export function tdDirections(cond: TdConditioning, sigma: Float64Array, initial: Float64Array, final: Float64Array): DirectionResidual[] {
  const n = cond.re.length;
  const coords = (e: Float64Array) => {
    const g = weighted(sigma, e);
    return Float64Array.from({ length: n }, (_, p) => {
      let v = 0;
      for (let q = 0; q < n; q++) v += cond.inverseBasis[p * n + q] * g[q];
      return v;
    });
  };
  const c0 = coords(initial);
  const c1 = coords(final);
  const out: DirectionResidual[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && cond.group[i] === cond.group[i - 1]) continue;
    const members = cond.group[i + 1] === cond.group[i] && i + 1 < n ? [i, i + 1] : [i];
    const a = members.reduce((s, k) => s + c0[k] ** 2, 0);
    const b = members.reduce((s, k) => s + c1[k] ** 2, 0);
    out.push({ direction: cond.group[i], re: cond.re[i], im: Math.abs(cond.im[i]), initial: a, final: b, fraction: b / a });
  }
  return out;
}
