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
  /**
   * Where the MDP comes from (a named benchmark) and the restart ε of SPEC §1's transform that
   * `transitions` already include (lib/mdp/restart.ts). Absent for MDPs given as a plain table.
   */
  source?: MdpSource;
  /** P before the restart's uniform mixing (what a file with `source.restart` stores): [S, A, S]. */
  baseTransitions?: Float64Array;
  /** Set when `features` were generated from a name in the file rather than stored ("one-hot": x(s, a) = e_{s·A+a}). */
  featureGenerator?: FeatureGenerator;
}

/** The `source` field of the MDP format: what the MDP is, and the restart ε applied (0: none). */
export interface MdpSource {
  benchmark: string;
  restart: number;
}

/** Feature generators a file may name instead of storing vectors (Taxi's one-hot would be 3000 × 3000 numbers). */
export const FEATURE_GENERATORS = ["one-hot"] as const;
export type FeatureGenerator = (typeof FEATURE_GENERATORS)[number];


/** sup |r| = R_max (Assumption 4.1). */
export function rewardBound(mdp: FiniteMdp): number {
  let m = 0;
  for (const v of mdp.rewards) m = Math.max(m, Math.abs(v));
  return m;
}
