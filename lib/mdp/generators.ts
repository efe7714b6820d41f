/**
 * Seeded testbed generators (SPEC §1): random "Garnet" MDPs that are ergodic under every
 * policy, and feature maps (random unit vectors in R^d with d ≥ 3, or one-hot).
 *
 * Ergodicity: every row is mixed with the uniform distribution,
 * P(·|s,a) = (1−ε)·G(·|s,a) + ε/|S|, so P(s'|s,a) ≥ ε/|S| > 0 for all (s, a, s'). Then every
 * policy's chain has a strictly positive transition matrix: irreducible and aperiodic, with a
 * unique stationary distribution that is positive everywhere, as SPEC §1 requires.
 */
import { randomUnitVectors } from "../network";
import type { Rng } from "../random";
import type { FiniteMdp } from "./mdp";

export interface GarnetSpec {
  name: string;
  description?: string;
  states: number;
  actions: number;
  /** Next states per (s, a) before mixing (1 ≤ branching ≤ states). */
  branching: number;
  /** Rewards r(s, a) ∼ Unif[lo, hi]. */
  rewardRange: [number, number];
  gamma: number;
  /** ε ∈ (0, 1]: weight of the uniform distribution mixed into every row. */
  mixing: number;
  /** Features: random unit vectors in R^dim, one-hot (d = |S||A|), or none. */
  features: { kind: "random"; dim: number } | { kind: "one-hot" } | { kind: "none" };
}

function checkSpec(spec: GarnetSpec): void {
  const int = (v: number, name: string, min: number, max = Infinity) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  };
  int(spec.states, "states", 1);
  int(spec.actions, "actions", 1);
  int(spec.branching, "branching", 1, spec.states);
  if (!(spec.gamma > 0 && spec.gamma < 1)) throw new RangeError(`gamma must be in (0, 1), got ${spec.gamma}`);
  if (!(spec.mixing > 0 && spec.mixing <= 1)) throw new RangeError(`mixing must be in (0, 1], got ${spec.mixing}`);
  const [lo, hi] = spec.rewardRange;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new RangeError(`rewardRange must be finite [lo, hi] with lo <= hi, got [${lo}, ${hi}]`);
  if (spec.features.kind === "random") int(spec.features.dim, "features.dim", 3);
  if (spec.features.kind === "one-hot" && spec.states * spec.actions < 3) throw new RangeError(`one-hot features need |S||A| >= 3, got ${spec.states * spec.actions}`);
}

/** A Garnet MDP drawn from `rng` (use the MDP stream). */
export function garnet(rng: Rng, spec: GarnetSpec): FiniteMdp {
  checkSpec(spec);
  const { states: S, actions: A, branching: b, mixing: eps } = spec;
  const transitions = new Float64Array(S * A * S);
  const dynamics = rng.split("transitions");
  for (let j = 0; j < S * A; j++) {
    // b distinct next states (partial Fisher–Yates), weights Dirichlet(1, …, 1) via sorted uniform cuts.
    const order = Array.from({ length: S }, (_, i) => i);
    for (let i = 0; i < b; i++) {
      const k = i + dynamics.int(S - i);
      [order[i], order[k]] = [order[k], order[i]];
    }
    const cuts = [0, ...Array.from({ length: b - 1 }, () => dynamics.uniform()).sort((x, y) => x - y), 1];
    for (let i = 0; i < b; i++) transitions[j * S + order[i]] += (1 - eps) * (cuts[i + 1] - cuts[i]);
    for (let t = 0; t < S; t++) transitions[j * S + t] += eps / S;
    // Renormalise away the last bits of rounding so rows sum to 1 to machine precision.
    let sum = 0;
    for (let t = 0; t < S; t++) sum += transitions[j * S + t];
    for (let t = 0; t < S; t++) transitions[j * S + t] /= sum;
  }
  const rewardRng = rng.split("rewards");
  const [lo, hi] = spec.rewardRange;
  const rewards = new Float64Array(S * A).map(() => lo + (hi - lo) * rewardRng.uniform());
  const mdp: FiniteMdp = { name: spec.name, gamma: spec.gamma, states: S, actions: A, transitions, rewards };
  if (spec.description !== undefined) mdp.description = spec.description;
  if (spec.features.kind === "random") {
    mdp.features = randomUnitVectors(rng.split("features"), S * A, spec.features.dim);
    mdp.dim = spec.features.dim;
  } else if (spec.features.kind === "one-hot") {
    mdp.features = oneHotFeatures(S, A);
    mdp.dim = S * A;
  }
  return mdp;
}

/** One-hot features: x(s, a) = e_{s·A + a} ∈ R^{|S||A|}: [S, A, S·A]. */
export function oneHotFeatures(states: number, actions: number): Float64Array {
  const n = states * actions;
  const out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) out[j * n + j] = 1;
  return out;
}

export interface CoverageTrapSpec {
  name: string;
  description?: string;
  /** Length n of the chain (states 0 … n−1). */
  states: number;
  /** |A| ≥ 2: action 0 moves right, every other action moves left. */
  actions: number;
  /** Probability that the intended move happens (else the agent stays). */
  success: number;
  gamma: number;
  /** ε ∈ (0, 1]: uniform mixing of every row (ergodicity, SPEC §1). */
  mixing: number;
  /** Random unit features in R^dim. */
  dim: number;
}

/**
 * A chain built so that ν* puts its mass where early policies' ν_k has little (the "missing
 * change of measure" of the NeurIPS Lemma 4.8, SPEC §6): only action 0 moves right, every
 * other action moves left, the reward 1 is paid only at the right end. The uniform policy
 * drifts left, so ν_{π0} decays geometrically along the chain, while π* (always right) sits
 * at the right end. Mixing with the uniform distribution keeps every policy ergodic.
 */
export function coverageTrap(rng: Rng, spec: CoverageTrapSpec): FiniteMdp {
  const { states: S, actions: A, success: p, mixing: eps } = spec;
  if (!Number.isInteger(S) || S < 2) throw new RangeError(`states must be an integer >= 2, got ${S}`);
  if (!Number.isInteger(A) || A < 2) throw new RangeError(`actions must be an integer >= 2, got ${A}`);
  if (!(p > 0 && p <= 1)) throw new RangeError(`success must be in (0, 1], got ${p}`);
  if (!(eps > 0 && eps <= 1)) throw new RangeError(`mixing must be in (0, 1], got ${eps}`);
  if (!(spec.gamma > 0 && spec.gamma < 1)) throw new RangeError(`gamma must be in (0, 1), got ${spec.gamma}`);
  if (!Number.isInteger(spec.dim) || spec.dim < 3) throw new RangeError(`dim must be an integer >= 3, got ${spec.dim}`);
  const transitions = new Float64Array(S * A * S);
  const rewards = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const j = s * A + a;
      const target = a === 0 ? Math.min(S - 1, s + 1) : Math.max(0, s - 1);
      transitions[j * S + target] += (1 - eps) * p;
      transitions[j * S + s] += (1 - eps) * (1 - p);
      for (let t = 0; t < S; t++) transitions[j * S + t] += eps / S;
      if (s === S - 1) rewards[j] = 1;
    }
  }
  const mdp: FiniteMdp = { name: spec.name, gamma: spec.gamma, states: S, actions: A, transitions, rewards, features: randomUnitVectors(rng.split("features"), S * A, spec.dim), dim: spec.dim };
  if (spec.description !== undefined) mdp.description = spec.description;
  return mdp;
}
