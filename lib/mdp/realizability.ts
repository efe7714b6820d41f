/**
 * Realizability (Assumption 4.3, NeurIPS numbering; SPEC §4): is a function g on S×A in
 * F_{R,m} = {u⁰_α : ‖α − α(0)‖ ≤ R}? With Φ₀ ∈ R^{N×md} the rows φ₀(x(s,a))ᵀ and NN₀ the
 * values of u_{α(0)}, g ∈ F_{R,m} iff g − NN₀ = Φ₀Δ with ‖Δ‖ ≤ R; for full row rank the
 * minimum-norm Δ has ‖Δ‖² = (g − NN₀)ᵀ(Φ₀Φ₀ᵀ)^{-1}(g − NN₀), and
 * R ≥ λ_min(Φ₀Φ₀ᵀ)^{-1/2}(√N·R_max + ‖NN₀‖) covers every policy's Q (|Q^π| ≤ R_max).
 * Φ₀Φ₀ᵀ is exactly the empirical NTK Gram matrix (network.ts `ntkGram`).
 */
import { cholesky, choleskySolve, SingularMatrixError, symmetricEigenvalues } from "../linalg";
import { forward, NetworkInit, ntkGram } from "../network";

export class RealizabilityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RealizabilityError";
  }
}

export interface RealizabilityBasis {
  /** N = |S||A|. */
  points: number;
  /** Per replica: Cholesky factor of Φ₀Φ₀ᵀ [N, N]. */
  factors: Float64Array[];
  /** Per replica: Φ₀Φ₀ᵀ [N, N]. */
  grams: Float64Array[];
  /** u_{α(0)} on the N points: [R, N]. */
  nn0: Float64Array;
}

/** Factor Φ₀Φ₀ᵀ for every replica; throws RealizabilityError when Φ₀ is rank-deficient. */
export function realizabilityBasis(init: NetworkInit, features: Float64Array): RealizabilityBasis {
  const N = features.length / init.dim;
  if (init.width * init.dim < N) {
    throw new RealizabilityError(`Φ₀ is rank-deficient: m·d = ${init.width}·${init.dim} = ${init.width * init.dim} < |S||A| = ${N}; no radius makes every function realizable (increase the width m)`);
  }
  const G = ntkGram(init, features);
  const grams: Float64Array[] = [];
  const factors: Float64Array[] = [];
  for (let r = 0; r < init.replicas; r++) {
    const g = G.slice(r * N * N, (r + 1) * N * N);
    try {
      factors.push(cholesky(g, N));
    } catch (e) {
      if (e instanceof SingularMatrixError) throw new RealizabilityError(`Φ₀ is rank-deficient for replica ${r} at m = ${init.width} (Φ₀Φ₀ᵀ is singular to working precision: m·d ≥ |S||A| is necessary, not sufficient; increase m, or check for equal feature vectors)`);
      throw e;
    }
    grams.push(g);
  }
  return { points: N, factors, grams, nn0: forward(init, init.alpha0, features) };
}

/** Smallest R with g ∈ F_{R,m}, per replica: [R]. `g` ∈ [N] (e.g. Q^π flattened [S, A]). */
export function minimumRadius(basis: RealizabilityBasis, g: Float64Array): Float64Array {
  const N = basis.points;
  if (g.length !== N) throw new RangeError(`g must have length |S||A| = ${N}, got ${g.length}`);
  return Float64Array.from(basis.factors, (L, r) => {
    const diff = g.map((v, j) => v - basis.nn0[r * N + j]);
    const w = choleskySolve(L, diff, N);
    let q = 0;
    for (let j = 0; j < N; j++) q += diff[j] * w[j];
    return Math.sqrt(Math.max(0, q));
  });
}

/**
 * λ_min(Φ₀Φ₀ᵀ)^{-1/2}(√N·R_max + ‖NN₀‖), per replica: a radius that covers every |Q| ≤ R_max;
 * with λ_min(Φ₀Φ₀ᵀ) itself. Both [R].
 */
export function coveringRadius(basis: RealizabilityBasis, rewardBound: number): { radius: Float64Array; lambdaMin: Float64Array } {
  const N = basis.points;
  const lambdaMin = Float64Array.from(basis.grams, (G) => symmetricEigenvalues(G, N)[0]);
  const radius = lambdaMin.map((lambda, r) => {
    let nn = 0;
    for (let j = 0; j < N; j++) nn += basis.nn0[r * N + j] ** 2;
    return (Math.sqrt(N) * rewardBound + Math.sqrt(nn)) / Math.sqrt(lambda);
  });
  return { radius, lambdaMin };
}
