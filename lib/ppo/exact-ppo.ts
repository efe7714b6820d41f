/**
 * Exact PPO: the infinite-width, noise-free mirror descent that neural PPO approximates
 * (Prop. 3.1 with exact Q, NeurIPS numbering; SPEC §3 "Ideal mirror descent"):
 * E_0 = 0, E_{k+1} = E_k + Q^{π_k}/(β√K), π_k ∝ exp(E_k). Deterministic, float64.
 */
import { evaluatePolicy, energyPolicy, objective } from "../mdp/exact";
import type { FiniteMdp } from "../mdp/mdp";
import { betaK } from "./schedule";

export interface ExactPpoStep {
  k: number;
  /** L(π_k) = E_{ν*}[V^{π_k}]. */
  L: number;
  /** L(π*) − L(π_k). */
  gap: number;
}

/** Run K iterations; returns K + 1 records (k = 0 … K) and the energies E_k. */
export function exactPpo(mdp: FiniteMdp, beta: number, horizon: number, nuStar: Float64Array, lStar: number): { steps: ExactPpoStep[]; energies: Float64Array[] } {
  const bk = betaK(beta, horizon);
  let energy = new Float64Array(mdp.states * mdp.actions);
  const steps: ExactPpoStep[] = [];
  const energies: Float64Array[] = [energy];
  for (let k = 0; k <= horizon; k++) {
    const pi = energyPolicy(mdp, energy);
    const { Q, V } = evaluatePolicy(mdp, pi);
    const L = objective(V, nuStar);
    steps.push({ k, L, gap: lStar - L });
    if (k === horizon) break;
    energy = energy.map((e, j) => e + Q[j] / bk);
    energies.push(energy);
  }
  return { steps, energies };
}
