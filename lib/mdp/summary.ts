/**
 * The exact summary of an MDP printed by `npm run exact`: Q, V, ν of the uniform policy π_0
 * and of π*, and L(π_0), L(π*) — values in the paper's (1−γ)-scaled convention (SPEC §1).
 */
import { evaluatePolicy, objective, optimalPolicy, stationaryDistribution, StationaryKind, uniformPolicy } from "./exact";
import type { FiniteMdp } from "./mdp";

const nested = (x: Float64Array, A: number) => Array.from({ length: x.length / A }, (_, s) => Array.from(x.subarray(s * A, (s + 1) * A)));

export interface ExactSummary {
  gamma: number;
  /** The values' convention, stated so they are not compared with unscaled value iteration by mistake. */
  scaling: { convention: string; unscaledFactor: number };
  uniform: { Q: number[][]; V: number[]; nu: number[]; nuKind: StationaryKind };
  optimal: { policy: number[][]; Q: number[][]; V: number[]; nu: number[]; nuKind: StationaryKind };
  L: { uniform: number; optimal: number };
}

export function exactSummary(mdp: FiniteMdp): ExactSummary {
  const A = mdp.actions;
  const pi0 = uniformPolicy(mdp);
  const uni = evaluatePolicy(mdp, pi0);
  const nu0 = stationaryDistribution(mdp, pi0);
  const opt = optimalPolicy(mdp);
  return {
    gamma: mdp.gamma,
    scaling: {
      convention: "Q, V and L are (1−γ)-scaled (SPEC §1): Q^π(s,a) = (1−γ)·E[Σ_t γ^t r(s_t,a_t)], so |Q| ≤ max|r|; multiply by unscaledFactor = 1/(1−γ) to compare with unscaled value iteration",
      unscaledFactor: 1 / (1 - mdp.gamma),
    },
    uniform: { Q: nested(uni.Q, A), V: Array.from(uni.V), nu: Array.from(nu0.nu), nuKind: nu0.kind },
    optimal: { policy: nested(opt.policy, A), Q: nested(opt.Q, A), V: Array.from(opt.V), nu: Array.from(opt.nu), nuKind: opt.nuKind },
    L: { uniform: objective(uni.V, opt.nu), optimal: objective(opt.V, opt.nu) },
  };
}
