/**
 * The schedules of Algorithm 1 (neural PPO, NeurIPS numbering; SPEC §3): for a horizon K,
 * β_k = β√K (constant in k) and τ_{k+1} = β√K/(k+1), τ_0 = 1 (f_θ0 ≡ 0, so τ_0 only enters
 * through τ_0^{-1}f_θ0 = 0). Identity: τ_{k+1}^{-1} = β_k^{-1} + τ_k^{-1} for k ≥ 1.
 */

/** β_k = β√K. */
export function betaK(beta: number, horizon: number): number {
  return beta * Math.sqrt(horizon);
}

/** τ_{k+1} = β√K/(k+1), for k = 0, …, K−1. */
export function tauNext(beta: number, horizon: number, k: number): number {
  return (beta * Math.sqrt(horizon)) / (k + 1);
}
