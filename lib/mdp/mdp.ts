/**
 * A finite MDP (S, A, P, r, γ) with optional features x(s, a) ∈ R^d (SPEC §1).
 * Layouts (row-major): P ∈ [S, A, S] with P[s, a, s'] = P(s' | s, a); r ∈ [S, A];
 * features ∈ [S, A, d]. State-action pairs are indexed j = s·A + a everywhere.
 */

export interface FiniteMdp {
  name: string;
  description?: string;
  gamma: number;
  states: number;
  actions: number;
  /** P(s' | s, a): [S, A, S]. */
  transitions: Float64Array;
  /** r(s, a): [S, A] (unscaled; Q^π carries the (1−γ) factor). */
  rewards: Float64Array;
  /** x(s, a): [S, A, d], unit norm, d ≥ 3; absent when the file has none. */
  features?: Float64Array;
  /** d, when features are present. */
  dim?: number;
}

/** sup |r| = R_max (Assumption 4.1). */
export function rewardBound(mdp: FiniteMdp): number {
  let m = 0;
  for (const v of mdp.rewards) m = Math.max(m, Math.abs(v));
  return m;
}
