/**
 * The i.i.d. sample streams of Algorithms 2 and 3 (SPEC §3), drawn exactly from finite
 * distributions with alias tables. A stream is a sequence of state-action indices
 * j = s·|A| + a; it does not depend on the parameters, so it is drawn in full before the
 * solver runs, and the reference loop and the fast kernel consume the very same samples.
 */
import type { FiniteMdp } from "../mdp/mdp";
import { AliasTable, Rng } from "../random";

/** T pairs (s, a) ∼ `weights` over S×A (e.g. σ̃_k = ν_k × π_0 for Alg. 2): Int32Array [T]. */
export function drawPairs(weights: Float64Array, steps: number, rng: Rng): Int32Array {
  const table = new AliasTable(weights);
  const out = new Int32Array(steps);
  for (let t = 0; t < steps; t++) out[t] = table.sample(rng);
  return out;
}

/**
 * T transitions for Alg. 3: (s, a) ∼ σ_π, s' ∼ P(·|s, a), a' ∼ π(·|s'). Returns the pair
 * indices of (s, a) and of (s', a'): Int32Array [T] each.
 */
export function drawTransitions(mdp: FiniteMdp, sigma: Float64Array, pi: Float64Array, steps: number, rng: Rng): { pairs: Int32Array; next: Int32Array } {
  const A = mdp.actions;
  const { first, dynamics, policy } = transitionTables(mdp, sigma, pi);
  const pairs = new Int32Array(steps);
  const next = new Int32Array(steps);
  for (let t = 0; t < steps; t++) {
    const j = first.sample(rng);
    const s2 = dynamics[j].sample(rng);
    pairs[t] = j;
    next[t] = s2 * A + policy[s2].sample(rng);
  }
  return { pairs, next };
}

/**
 * One batch of Alg. 1 (neural PPO), shared by both solvers: T tuples with (s, a) ∼ σ_k,
 * a⁰ ∼ π_0(·|s) (uniform), s' ∼ P(·|s, a), a' ∼ π_k(·|s'). Returns the pair indices of
 * (s, a) and (s', a') for TD and of (s, a⁰) for SGD: Int32Array [T] each.
 */
export function drawPpoBatch(mdp: FiniteMdp, sigma: Float64Array, pi: Float64Array, steps: number, rng: Rng): { pairs: Int32Array; next: Int32Array; uniformPairs: Int32Array } {
  const A = mdp.actions;
  const { first, dynamics, policy } = transitionTables(mdp, sigma, pi);
  const pairs = new Int32Array(steps);
  const next = new Int32Array(steps);
  const uniformPairs = new Int32Array(steps);
  for (let t = 0; t < steps; t++) {
    const j = first.sample(rng);
    const s = Math.floor(j / A);
    uniformPairs[t] = s * A + rng.int(A);
    const s2 = dynamics[j].sample(rng);
    pairs[t] = j;
    next[t] = s2 * A + policy[s2].sample(rng);
  }
  return { pairs, next, uniformPairs };
}

/** Alias tables for (s, a) ∼ σ, s' ∼ P(·|s, a) (one per pair) and a' ∼ π(·|s') (one per state). */
function transitionTables(mdp: FiniteMdp, sigma: Float64Array, pi: Float64Array): { first: AliasTable; dynamics: AliasTable[]; policy: AliasTable[] } {
  const { states: S, actions: A } = mdp;
  const dynamics: AliasTable[] = [];
  for (let j = 0; j < S * A; j++) dynamics.push(new AliasTable(mdp.transitions.subarray(j * S, (j + 1) * S)));
  const policy: AliasTable[] = [];
  for (let s = 0; s < S; s++) policy.push(new AliasTable(pi.subarray(s * A, (s + 1) * A)));
  return { first: new AliasTable(sigma), dynamics, policy };
}
