/**
 * The KL multiplier of neural TRPO (SPEC §3 "Neural TRPO"): the constrained ideal update
 * max_π E_{ν_k}[⟨Q, π⟩] s.t. E_{ν_k}[KL(π ‖ π_k)] ≤ δ has the solution π ∝ π_k·exp(Q/λ) with
 * the multiplier λ at which the constraint is tight. E_ν[KL] decreases in λ, so λ is found
 * by bisection on log λ.
 */
import { energyPolicy, kl, row } from "../mdp/exact";
import type { FiniteMdp } from "../mdp/mdp";

/** E_{ν}[KL(π_λ ‖ π_k)] with π_λ ∝ exp(E_k + Q/λ). */
export function expectedKl(mdp: FiniteMdp, energy: Float64Array, Q: Float64Array, nu: Float64Array, lambda: number): number {
  const A = mdp.actions;
  const piK = energyPolicy(mdp, energy);
  const piNew = energyPolicy(mdp, energy.map((e, j) => e + Q[j] / lambda));
  let total = 0;
  for (let s = 0; s < mdp.states; s++) total += nu[s] * kl(row(piNew, s, A), row(piK, s, A));
  return total;
}

/**
 * The λ > 0 with E_ν[KL(π_λ‖π_k)] = δ, to relative precision 1e-10 in λ. When even the
 * smallest λ searched (1e-8) stays below δ (δ exceeds what the greedy step can spend), that
 * λ is returned.
 */
export function klMultiplier(mdp: FiniteMdp, energy: Float64Array, Q: Float64Array, nu: Float64Array, delta: number): number {
  if (!(delta > 0)) throw new RangeError(`delta must be > 0, got ${delta}`);
  let lo = Math.log(1e-8);
  let hi = Math.log(1e8);
  if (expectedKl(mdp, energy, Q, nu, Math.exp(lo)) <= delta) return Math.exp(lo);
  if (expectedKl(mdp, energy, Q, nu, Math.exp(hi)) >= delta) return Math.exp(hi);
  while (hi - lo > 1e-10) {
    const mid = 0.5 * (lo + hi);
    if (expectedKl(mdp, energy, Q, nu, Math.exp(mid)) > delta) lo = mid;
    else hi = mid;
  }
  return Math.exp(0.5 * (lo + hi));
}
