/**
 * One solver call, for every replica (SPEC §3, Algorithms 2 and 3, NeurIPS numbering): T
 * projected semi-gradient steps with η = T^{-1/2} (the paper's; `stepSize` changes it) from
 * θ(0) = α(0), each on one sample, then the path average θ̄ = (1/T) Σ_{t=0}^{T−1} θ(t)
 * (θ(0) included, θ(T) excluded). Every kernel also returns the last iterate θ(T−1), so the
 * `output` knob is a choice between two results of the same run, not a second run.
 *
 * Both algorithms step θ ← Π_R(θ − η·(u_θ(x_j) − y_t)·∇_θ u_θ(x_j)) and differ in y_t:
 *  - Alg. 2 (policy improvement, SGD): y_t = target(j_t);
 *  - Alg. 3 (policy evaluation, TD(0)): y_t = (1−γ) r(j_t) + γ u_θ(x_{j'_t}) (semi-gradient:
 *    no gradient through y_t).
 */
import type { NetworkInit } from "../network";

export type SolverTarget =
  /** Alg. 2: regression targets on all N pairs, per replica: [R, N]. */
  | { kind: "regression"; values: Float64Array }
  /** Alg. 3: rewards r(s, a) [N] (unscaled; the (1−γ) is applied here), γ, next pairs per replica. */
  | { kind: "td"; rewards: Float64Array; gamma: number; next: Int32Array[] };

/** η = c·T^{−power}; the paper's is {c: 1, power: 0.5}. */
export interface StepSize {
  c: number;
  power: number;
}

export const PAPER_STEP_SIZE: StepSize = { c: 1, power: 0.5 };

/** What a solver call outputs: the path average θ̄ (the paper's) or the last iterate θ(T−1). */
export const OUTPUTS = ["average", "last"] as const;
export type SolverOutput = (typeof OUTPUTS)[number];

/**
 * η for T steps. The paper's step size is computed as 1/√T, bit for bit what the kernels
 * used before the knob existed, so default runs reproduce earlier numbers exactly.
 */
export function stepSizeEta(stepSize: StepSize, steps: number): number {
  if (stepSize.power === 0.5) return stepSize.c / Math.sqrt(steps);
  return stepSize.c * steps ** -stepSize.power;
}

export interface SolverProblem {
  init: NetworkInit;
  /** x(s, a) for all N pairs: [N, d]. */
  features: Float64Array;
  /** T. */
  steps: number;
  /** Projection radius per replica (R_f or R_Q): [R]. */
  radius: Float64Array;
  /** Sampled pair indices per replica: R arrays of length T. */
  pairs: Int32Array[];
  target: SolverTarget;
  /** η = c·T^{−power} (default: the paper's, c = 1, power = 1/2). */
  stepSize?: StepSize;
}

/** η of a problem (SPEC §3 by default). */
export function problemEta(p: SolverProblem): number {
  return stepSizeEta(p.stepSize ?? PAPER_STEP_SIZE, p.steps);
}

/** The path-averaged parameters θ̄ ∈ [R, m, d], and what happened on the way. */
export interface SolverResult {
  thetaBar: Float64Array;
  /** The last iterate in the average, θ(T−1) ∈ [R, m, d] (the paper outputs θ̄; `output: "last"` selects this). */
  lastTheta: Float64Array;
  /** Number of steps at which the projection was active, per replica: [R]. */
  projections: Int32Array;
}

/**
 * Relative tolerance of the projection test ‖θ(t+½) − α(0)‖ > R: a point on the sphere up to
 * rounding is left alone (projecting it would multiply by 1 − O(1e-16)), so that kernels
 * which compute the norm in different orders count the same projections.
 */
export const PROJECTION_TOLERANCE = 1e-12;

export class DivergenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DivergenceError";
  }
}

/** The parameters a solver call outputs: θ̄ (`"average"`, the paper's) or θ(T−1) (`"last"`). [R, m, d]. */
export function solverOutput(result: SolverResult, output: SolverOutput = "average"): Float64Array {
  return output === "average" ? result.thetaBar : result.lastTheta;
}

export function checkProblem(p: SolverProblem): void {
  const { replicas: R, width: m, dim: d } = p.init;
  if (p.stepSize !== undefined) {
    const { c, power } = p.stepSize;
    if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`stepSize.c must be > 0 and finite, got ${c}`);
    if (!(power >= 0) || !Number.isFinite(power)) throw new RangeError(`stepSize.power must be >= 0 and finite, got ${power}`);
  }
  const N = p.features.length / d;
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`features length ${p.features.length} is not a multiple of d = ${d}`);
  if (!Number.isInteger(p.steps) || p.steps < 1) throw new RangeError(`steps T must be a positive integer, got ${p.steps}`);
  if (p.radius.length !== R) throw new RangeError(`radius must have one entry per replica (${R}), got ${p.radius.length}`);
  p.radius.forEach((r, i) => {
    if (!(r > 0) || !Number.isFinite(r)) throw new RangeError(`radius[${i}] must be > 0 and finite, got ${r}`);
  });
  if (p.pairs.length !== R || p.pairs.some((s) => s.length !== p.steps)) throw new RangeError(`pairs must hold ${R} streams of length T = ${p.steps}`);
  if (p.target.kind === "regression" && p.target.values.length !== R * N) throw new RangeError(`regression targets must be [R, N] = [${R}, ${N}], got length ${p.target.values.length}`);
  if (p.target.kind === "td") {
    if (p.target.rewards.length !== N) throw new RangeError(`rewards must have length N = ${N}`);
    if (p.target.next.length !== R || p.target.next.some((s) => s.length !== p.steps)) throw new RangeError(`next pairs must hold ${R} streams of length T`);
  }
  if (m < 1) throw new RangeError("width must be >= 1");
}
