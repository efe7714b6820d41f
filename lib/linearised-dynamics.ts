/**
 * SPEC §9 made quantitative: the noiseless, full-batch, infinite-width linearisation of
 * Algorithms 2 and 3, the mechanism behind the T-exponents that notebooks 01 and 02 measure
 * for Thms 4.5 and 4.6 (NeurIPS numbering).
 *
 * In the coordinates g = D^{1/2}(f − target) (D = diag σ, the solver's sampling distribution),
 * in which the solvers' MSE is ‖g‖², one expected step is g ← (I − ηA)g with A = H = D^{1/2}KD^{1/2}
 * for Alg. 2 and A = M = H·C for Alg. 3 (lib/mdp/conditioning.ts). After T steps
 *
 *   path average  ḡ = P_T g(0),  P_T = (I − (I − ηA)^T)(ηT·A)^{-1}   (the output the theorems bound),
 *   last iterate  g(T−1) = (I − ηA)^{T−1} g(0),
 *
 * and the expected MSE over the initialisation is tr(P Σ Pᵀ) with Σ = E[g(0)g(0)ᵀ] =
 * D^{1/2}(E[NN₀NN₀ᵀ] + t tᵀ)D^{1/2}, t the target (E[NN₀] = 0: b is symmetric). Under the paper's
 * law E[NN₀(x)NN₀(y)] = E[relu(αᵀx)relu(αᵀy)] with α ∼ N(0, I/d), which for unit inputs at angle θ
 * is (sin θ + (π − θ)cos θ)/(2πd); the antisymmetric initialisation has NN₀ ≡ 0.
 *
 * No constant is fitted: this is a prediction. What it leaves out is what data can deviate by:
 * sampling noise (one sample per step; for TD(0) it does not vanish at the fixed point), finite
 * width (the empirical NTK, and units changing activation) and the projection.
 */
import { inverse, Matrix } from "ml-matrix";
import { pairTransitions, weightedNtkGram } from "./mdp/conditioning";
import type { FiniteMdp } from "./mdp/mdp";
import type { Policy } from "./mdp/exact";
import type { InitScheme } from "./network";

/** A linearised solver: its matrix A and the second moment Σ of its initial residual, both in g-coordinates. */
export interface LinearisedSolver {
  matrix: Matrix;
  initialSecondMoment: Matrix;
}

/** What the solvers fit, as lib/experiments/solver-sweeps.ts sets it up. */
export interface LinearisedSetting {
  mdp: FiniteMdp;
  /** σ̃_k (Alg. 2) or σ_π (Alg. 3): [N]. */
  weights: Float64Array;
  /** The exact function the solver should output: [N]. */
  target: Float64Array;
  /** The evaluated policy (Alg. 3). */
  policy: Policy;
}

/** E[NN₀(x_p)NN₀(x_q)] under the paper's initialisation, for unit features X ∈ [N, d]: [N, N]. */
export function initialOutputSecondMoment(features: Float64Array, dim: number): Float64Array {
  const n = features.length / dim;
  const out = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      let c = 0;
      for (let k = 0; k < dim; k++) c += features[p * dim + k] * features[q * dim + k];
      const theta = Math.acos(Math.max(-1, Math.min(1, c)));
      out[p * n + q] = (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta)) / (2 * Math.PI * dim);
    }
  }
  return out;
}

/** The linearisation of Alg. 2 ("improvement") or Alg. 3 ("evaluation") for a setting and an initialisation law. */
export function linearisedSolver(experiment: "improvement" | "evaluation", s: LinearisedSetting, init: InitScheme): LinearisedSolver {
  const { mdp, weights } = s;
  const n = mdp.states * mdp.actions;
  const X = mdp.features!;
  const d = mdp.dim!;
  const H = weightedNtkGram(X, d, weights);
  const A = new Matrix(n, n);
  if (experiment === "improvement") {
    for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) A.set(p, q, H[p * n + q]);
  } else {
    const P = pairTransitions(mdp, s.policy);
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += H[p * n + k] * ((k === q ? 1 : 0) - mdp.gamma * P[k * n + q]) * Math.sqrt(weights[k] / weights[q]);
        A.set(p, q, v);
      }
    }
  }
  const outputs = init === "paper" ? initialOutputSecondMoment(X, d) : new Float64Array(n * n);
  const sigma = new Matrix(n, n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) sigma.set(p, q, Math.sqrt(weights[p] * weights[q]) * (outputs[p * n + q] + s.target[p] * s.target[q]));
  }
  return { matrix: A, initialSecondMoment: sigma };
}

/** B^k by repeated squaring. */
function power(B: Matrix, k: number): Matrix {
  let result = Matrix.eye(B.rows);
  let base = B;
  for (let e = k; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = result.mmul(base);
    if (e > 1) base = base.mmul(base);
  }
  return result;
}

/** tr(P Σ Pᵀ): the expected ‖P g(0)‖². */
function expectedSquare(P: Matrix, sigma: Matrix): number {
  const PS = P.mmul(sigma);
  let s = 0;
  for (let i = 0; i < P.rows; i++) for (let j = 0; j < P.columns; j++) s += PS.get(i, j) * P.get(i, j);
  return s;
}

/** The expected MSE of the path average and of the last iterate after T steps of size η (see the module header). */
export function linearisedMse(solver: LinearisedSolver, eta: number, T: number): { average: number; last: number } {
  const A = solver.matrix;
  const B = Matrix.eye(A.rows).sub(A.clone().mul(eta));
  const last = power(B, T - 1);
  const average = Matrix.eye(A.rows).sub(last.mmul(B)).mmul(inverse(A.clone().mul(eta * T)));
  return { average: expectedSquare(average, solver.initialSecondMoment), last: expectedSquare(last, solver.initialSecondMoment) };
}
