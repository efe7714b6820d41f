/**
 * Exact PPO: the infinite-width, noise-free mirror descent that neural PPO approximates
 * (Prop. 3.1 with exact Q, NeurIPS numbering; SPEC §3 "Ideal mirror descent"):
 * E_0 = 0, E_{k+1} = E_k + Q^{π_k}/(β√K), π_k ∝ exp(E_k). Deterministic, float64.
 */
import { evaluatePolicy, energyPolicy, objective, OptimalSolution, phiStar, psiStar, stationaryDistribution, varphiStar } from "../mdp/exact";
import type { FiniteMdp } from "../mdp/mdp";
import { densityRatioMax, descentUnderNuStar, lemma47, nuStarRowMax, oneStepDescent } from "./propagation";
import { betaK } from "./schedule";
import { chainStep, klStar } from "./chain";

export interface ExactPpoStep {
  k: number;
  /** L(π_k) = E_{ν*}[V^{π_k}]. */
  L: number;
  /** L(π*) − L(π_k). */
  gap: number;
  /** E_{ν*}[KL(π*‖π_k)] (chain.ts). */
  klStar: number;
}

/** Run K iterations; returns K + 1 records (k = 0 … K), the energies E_k and the exact Q^{π_k}. */
export function exactPpo(mdp: FiniteMdp, beta: number, horizon: number, nuStar: Float64Array, lStar: number, piStar: Float64Array): { steps: ExactPpoStep[]; energies: Float64Array[]; qs: Float64Array[] } {
  const bk = betaK(beta, horizon);
  let energy = new Float64Array(mdp.states * mdp.actions);
  const steps: ExactPpoStep[] = [];
  const energies: Float64Array[] = [energy];
  const qs: Float64Array[] = [];
  for (let k = 0; k <= horizon; k++) {
    const pi = energyPolicy(mdp, energy);
    const { Q, V } = evaluatePolicy(mdp, pi);
    qs.push(Q);
    const L = objective(V, nuStar);
    steps.push({ k, L, gap: lStar - L, klStar: klStar(mdp, energy, piStar, nuStar) });
    if (k === horizon) break;
    energy = energy.map((e, j) => e + Q[j] / bk);
    energies.push(energy);
  }
  return { steps, energies, qs };
}

/**
 * The error-propagation quantities of neural-ppo.ts on exact PPO, per k < K, from the energies
 * E_0 … E_K of an `exactPpo` run with the same β: with zero inner error E_{k+1} is the ideal
 * update itself, so Lemma 4.7's left side and the fitted energy's gap to the ideal are 0 up to
 * rounding, while the energy step E_{ν*}[‖E_{k+1} − E_k‖²_∞] = E_{ν*}[‖Q^{π_k}‖²_∞]/β_k² is not
 * (NeurIPS Lemma 4.8's left side; notebook 03). Also E_{ν*}[span_a Q^{π_k}(s,·)²], the term of
 * the non-vacuous Hoeffding bound on exact PPO (SPEC §9).
 */
export function exactPpoPropagation(mdp: FiniteMdp, beta: number, run: { energies: Float64Array[]; qs: Float64Array[] }, optimal: OptimalSolution): ExactPpoPropagation[] {
  const { energies } = run;
  const A = mdp.actions;
  const horizon = energies.length - 1;
  const bk = betaK(beta, horizon);
  const nuStar = optimal.nu;
  const out: ExactPpoPropagation[] = [];
  for (let k = 0; k < horizon; k++) {
    const pi = energyPolicy(mdp, energies[k]);
    const nu = stationaryDistribution(mdp, pi).nu;
    const Q = run.qs[k];
    const next = energies[k + 1];
    const ideal = energies[k].map((e, j) => e + Q[j] / bk);
    const descent = descentUnderNuStar(oneStepDescent(mdp, { energyK: energies[k], energyNext: next, q: Q, lambda: bk, piStar: optimal.policy }), nuStar);
    const stepSq = nuStarRowMax(nuStar, A, (j) => (next[j] - energies[k][j]) ** 2);
    const idealGap = nuStarRowMax(nuStar, A, (j) => Math.abs(next[j] - ideal[j]));
    let spanSq = 0;
    for (let st = 0; st < mdp.states; st++) {
      const q = Q.subarray(st * A, (st + 1) * A);
      spanSq += nuStar[st] * (Math.max(...q) - Math.min(...q)) ** 2;
    }
    const chain = chainStep(mdp, { energyK: energies[k], energyNext: next, q: Q, lambda: bk, piStar: optimal.policy, nuStar });
    out.push({
      logPartition: chain.logPartition, stepError: chain.stepError, logPartitionPinsker: chain.pinsker, logPartitionHoeffding: chain.hoeffding, logPartitionViolations: chain.violations,
      k, phiStar: phiStar(mdp, nuStar, optimal.policy, nu, pi), psiStar: psiStar(mdp, nuStar, optimal.policy, nu, pi), varphiStar: varphiStar(nuStar, nu),
      densityRatioMax: densityRatioMax(nuStar, nu), lambda: bk, tauNext: 1 / ((k + 1) / bk),
      lemma47Lhs: Math.abs(lemma47(mdp, next, ideal, optimal.policy, pi, nuStar)), energyStepSq: stepSq, idealEnergyGapInf: idealGap,
      descentLhs: descent.lhs, descentRhs: descent.rhs, descentViolations: descent.violations, descentMinSlack: descent.minSlack, spanSq,
    });
  }
  return out;
}

export interface ExactPpoPropagation {
  k: number;
  phiStar: number;
  psiStar: number;
  varphiStar: number;
  densityRatioMax: number;
  lambda: number;
  tauNext: number;
  lemma47Lhs: number;
  energyStepSq: number;
  idealEnergyGapInf: number;
  descentLhs: number;
  descentRhs: number;
  descentViolations: number;
  descentMinSlack: number;
  /** The chain's per-step terms (chain.ts): with zero inner error stepError is 0 up to rounding. */
  logPartition: number;
  stepError: number;
  logPartitionPinsker: number;
  logPartitionHoeffding: number;
  logPartitionViolations: number;
  /** E_{ν*}[span_a Q^{π_k}(s,·)²], the term of the Hoeffding bound on exact PPO (SPEC §9; theory.ts `exactPpoHoeffdingBound`). */
  spanSq: number;
}
