/**
 * Exact policy mirror descent with growing steps, the context for Thm 4.9's K^{-1/2} (notebook
 * 04): π_{k+1} ∝ π_k·exp(η_k Q^{π_k}), η_k = η_0·γ^{−k}, from π_0 uniform, exact Q in float64.
 * With steps growing at least as fast as γ^{−k} the KL-regularised update converges linearly,
 * L(π*) − L(π_k) = O(γ^k) (Lan 2021; Xiao 2022, "On the convergence rates of policy gradient
 * methods", for the KL case); exact PPO's constant step 1/(β√K), chosen for a horizon
 * fixed in advance, is what makes the theorem's rate K^{-1/2}. Same conventions as exact-ppo.ts
 * (rewards scaled by 1−γ, L = E_{ν*}[V]).
 */
import { energyPolicy, evaluatePolicy, objective } from "../mdp/exact";
import type { FiniteMdp } from "../mdp/mdp";

/** Per k = 0 … K: the gap L(π*) − L(π_k) and the step η_k taken after it (NaN at k = K). */
export function exactPmdGrowingSteps(mdp: FiniteMdp, opts: { eta0: number; horizon: number; nuStar: Float64Array; lStar: number }): { k: number; gap: number; eta: number }[] {
  if (!(opts.eta0 > 0)) throw new RangeError(`eta0 must be > 0, got ${opts.eta0}`);
  let energy = new Float64Array(mdp.states * mdp.actions);
  const out: { k: number; gap: number; eta: number }[] = [];
  for (let k = 0; k <= opts.horizon; k++) {
    const pi = energyPolicy(mdp, energy);
    const { Q, V } = evaluatePolicy(mdp, pi);
    const eta = k < opts.horizon ? opts.eta0 * mdp.gamma ** -k : NaN;
    out.push({ k, gap: opts.lStar - objective(V, opts.nuStar), eta });
    if (k === opts.horizon) break;
    energy = energy.map((e, j) => e + eta * Q[j]);
  }
  return out;
}
