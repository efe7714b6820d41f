/**
 * Every theoretical curve the notebooks draw, one small named function each, so that a
 * reader who changes a derivation overrides one function in a cell and redraws the figure
 * from cached results. Each takes the O(·)'s unknown constant `c` explicitly; the
 * notebooks fit it with `fitConstant` (stats.ts) and say so.
 */

/**
 * Empirical NTK vs its limit (SPEC §2): each Gram entry is a mean of m i.i.d. bounded
 * terms, so max-entry error ≈ c·m^{-1/2}.
 */
export function ntkErrorRate(m: number, c: number): number {
  return c * m ** -0.5;
}

/**
 * Worst-case linearisation error over the ball, in L2 over a regular input distribution
 * (Assumption 4.4 and the lemmas behind Thms 4.5/4.6, NeurIPS numbering):
 * E[(u_α − u⁰_α)²] ≤ c·R³·m^{-1/2} for every α with ‖α − α(0)‖ ≤ R.
 */
export function linearisationBound(m: number, radius: number, c: number): number {
  return c * radius ** 3 * m ** -0.5;
}

/**
 * Heuristic for α on the ball's surface in a uniformly random direction (derived in
 * notebooks/00-network.ipynb): each unit moves by ‖Δ_i‖ ≈ R/√m, flips sign with probability
 * ∝ R/√m and then errs by O(R/√m), so E[(u_α − u⁰_α)²] ≈ c·R³·m^{-3/2}.
 */
export function linearisationRandomDirection(m: number, radius: number, c: number): number {
  return c * radius ** 3 * m ** -1.5;
}
