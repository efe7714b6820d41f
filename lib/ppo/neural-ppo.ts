/**
 * Algorithm 1 (neural PPO, NeurIPS numbering; SPEC §3), batched over replicas, and neural
 * TRPO (the KL-constrained variant, SPEC §3 "Neural TRPO").
 *
 * One draw of (α(0), b) per replica serves the whole run: every TD call (radius R_Q) and
 * every SGD call (radius R_f ≥ R_Q) restarts from that α(0). f_θ0 ≡ 0, so π_θ0 = π_0. At
 * iteration k, with E_k = τ_k^{-1} f_θk the energy of π_θk (E_0 = 0):
 *   1. one batch of T tuples, (s, a) ∼ σ_k, a⁰ ∼ π_0, s' ∼ P, a' ∼ π_θk, shared by both solvers;
 *   2. Q_ωk ← Alg. 3 on (s, a, s', a');
 *   3. the multiplier λ_k: PPO λ_k = β_k = β√K; TRPO the λ with E_{ν_k}[KL(π ‖ π_θk)] = δ_k for
 *      π ∝ exp(E_k + Q_ωk/λ) (δ_k fixed, or matched to PPO's step, which gives λ_k = β_k);
 *   4. τ_{k+1}^{-1} = τ_k^{-1} + λ_k^{-1} (PPO: τ_{k+1} = β√K/(k+1)); f_θk+1 ← Alg. 2 on (s, a⁰)
 *      with target τ_{k+1}(λ_k^{-1}Q_ωk + E_k);
 *   5. E_{k+1} = τ_{k+1}^{-1} f_θk+1, π_θk+1 ∝ exp(E_{k+1}) (max subtracted).
 * Everything on the left of the paper's statements is recorded exactly per k and replica.
 *
 * Beside the paper's records, each k also records how far the run is from exact PPO with the
 * same β and K (E^ex_{k+1} = E^ex_k + Q^{π^ex_k}/β_k; SPEC §3 "Ideal mirror descent"), and why.
 * The energy difference telescopes exactly into three accumulated parts,
 *   E_k − E^ex_k = Σ_{i<k} (f_θi+1 − target_i)/τ_{i+1}         (actor: Alg. 2's fit error)
 *               + Σ_{i<k} (Q_ωi − Q^{π_θi})/λ_i                 (critic: Alg. 3's error)
 *               + Σ_{i<k} (Q^{π_θi}/λ_i − Q^{π^ex_i}/β_i)       (drift: exact Q at a different policy),
 * each recorded as E_{ν*}‖·‖_∞ (SPEC §9 "Neural PPO").
 *
 * Knobs (SPEC §9): `stepSize` and `output` of both solvers; `freshInit` draws a new (α(0), b)
 * at every k instead of the paper's shared one (an ablation: the energies are kept as values
 * on S×A, so a fresh network only changes what the solvers start from).
 */
import { energyConstantM, energyPolicy, evaluatePolicy, kl, objective, OptimalSolution, phiStar, psiStar, row, stateActionDistribution, auxiliaryDistribution, stationaryDistribution, varphiStar } from "../mdp/exact";
import type { FiniteMdp } from "../mdp/mdp";
import { forward, NetworkInit } from "../network";
import type { Rng } from "../random";
import { drawPpoBatch } from "../solvers/samples";
import { KernelName, runSolver } from "../solvers/solvers";
import { SolverOutput, solverOutput, StepSize } from "../solvers/problem";
import type { Progress } from "../util/progress";
import { exactPpo } from "./exact-ppo";
import { betaK } from "./schedule";
import { klMultiplier } from "./trpo";
import { densityRatioMax, descentUnderNuStar, lemma47, nuStarRowMax, oneStepDescent } from "./propagation";
import { chainStep, klStar } from "./chain";
import { ntkConditioning, tdLambdaMinRe } from "../mdp/conditioning";

export type NeuralVariant = "neural-ppo" | "neural-trpo";

export interface NeuralPpoSettings {
  mdp: FiniteMdp;
  /** The shared (α(0), b) of the run (SPEC §2). */
  init: NetworkInit;
  optimal: OptimalSolution;
  variant: NeuralVariant;
  beta: number;
  /** K. */
  horizon: number;
  /** T, the samples (and steps) of each solver call. */
  steps: number;
  /** R_f and R_Q per replica. */
  radiusF: Float64Array;
  radiusQ: Float64Array;
  /** TRPO only: a fixed KL budget δ; absent = matched to PPO's step at every k. */
  delta?: number;
  kernel?: KernelName;
  /** η of both solvers (default the paper's T^{-1/2}) and which output they return (default the path average). */
  stepSize?: StepSize;
  output?: SolverOutput;
  /** The ablation "fresh α(0) at every k": the initialisation used at iteration k ≥ 1 (k = 0 uses `init`). Absent: the paper's shared α(0). */
  freshInit?: (k: number) => NetworkInit;
  /** The run's sample stream; iteration k, replica r uses rng.split(`k${k}`).split(r). */
  rng: Rng;
  progress?: Progress;
}

/** One iteration k of one replica. Error columns are absent at k = K (no update follows). */
export interface NeuralPpoRecord {
  replica: number;
  k: number;
  /** L(π_θk) and L(π*) − L(π_θk). */
  L: number;
  gap: number;
  /** e'_k = E_{σ_k}[(Q_ωk − Q^{π_θk})²] (Thm 4.6's left side). */
  evalMse?: number;
  /** e_{k+1} = E_{σ̃_k}[(f_θk+1 − τ_{k+1}(λ_k^{-1}Q_ωk + E_k))²] (Thm 4.5's left side). */
  improveMse?: number;
  phiStar: number;
  psiStar: number;
  varphiStar: number;
  /** The proof's chain (chain.ts, SPEC §5): klStar_k = E_{ν*}[KL(π*‖π_θk)] at every k ≤ K; logPartition_k and stepError_k at k < K. */
  klStar: number;
  logPartition?: number;
  stepError?: number;
  /** Lemma 5.2's per-state bounds on logPartition_k under ν*: after Pinsker's step (the paper's form) and by Hoeffding's lemma (the project's variant); Young's is energyStepSq/2. */
  logPartitionPinsker?: number;
  logPartitionHoeffding?: number;
  /** States where one of those per-state bounds (Pinsker, Young, Hoeffding) falls below logPartition(s): a bug if ever > 0. */
  logPartitionViolations?: number;
  /** M = 2E_{ν*}[max_a u_{α(0)}²] + 2R_f² (SPEC §5). */
  M: number;
  /** λ_k (β_k for PPO) and τ_{k+1}. */
  lambda?: number;
  tauNext?: number;
  /** E_{ν_k}[KL(π_θk+1 ‖ π_θk)]: the KL step actually taken. */
  klStep?: number;
  /** Lemma 4.7's left side |E_{ν*}[⟨log(π_θk+1/π_{k+1}), π* − π_θk⟩]|, π_{k+1} ∝ exp(E_k + Q^{π_θk}/λ_k) with exact Q. */
  lemma47Lhs?: number;
  /** NeurIPS Lemma 4.8's left side E_{ν*}[‖E_{k+1} − E_k‖²_∞]. */
  energyStepSq?: number;
  /** E_{ν*}[‖E_{k+1} − (E_k + λ_k^{-1}Q^{π_θk})‖_∞]: the fitted energy against the ideal update with exact Q. */
  idealEnergyGapInf?: number;
  /**
   * The revision's Lemma 4.8 (policy-improvement l∞-error) left side,
   * τ_{k+1}^{-1}·E_{ν*}[‖f_θk+1 − τ_{k+1}(λ_k^{-1}Q_ωk + E_k)‖_∞]: Alg. 2's error measured under ν*
   * in l∞ over actions, where its MSE e_{k+1} is measured under σ̃_k.
   */
  improveLinf?: number;
  /** τ_{k+1}^{-2}·E_{ν*}[‖f_θk+1 − τ_{k+1}(λ_k^{-1}Q_ωk + E_k)‖²_∞]: what the NeurIPS ε'_k = |A|τ_{k+1}^{-2}ϵ²_{k+1} stands for in Thm 4.9's sum. */
  improveLinfSq?: number;
  /** E_{ν*}[‖Q_ωk(s,·)‖²_∞] of the critic Alg. 1 actually uses: λ_k^{-2} times it is the revision's Lemma 4.9 left side. */
  criticSupSq?: number;
  /** max_s ν*(s)/ν_k(s), the change of measure the NeurIPS Lemma 4.8 leaves out. */
  densityRatioMax: number;
  /** Lemma 5.2 (one-step descent, propagation.ts) under ν*: E_{ν*}[KL(π*‖π_θk+1) − KL(π*‖π_θk)] and E_{ν*} of its bound. */
  descentLhs?: number;
  descentRhs?: number;
  /** States where the per-state inequality fails (beyond 1e-12 relative), and min_s (bound − left side). */
  descentViolations?: number;
  descentMinSlack?: number;
  /** L(π^ex_k) of exact PPO with the same β and K, and |L(π_θk) − L(π^ex_k)|. */
  exactL: number;
  trackingL: number;
  /** E_{ν*}‖E_k − E^ex_k‖_∞, and E_{ν*}‖·‖_∞ of its three accumulated parts (actor, critic, drift; module header). */
  energyErrorInf: number;
  actorErrorInf: number;
  criticErrorInf: number;
  driftErrorInf: number;
  /** E_{ν*}[span_a(E_k − E^ex_k)]: the part of the energy error that changes the policy (a per-state constant does not). */
  energyErrorSpan: number;
  /**
   * ⟨Q_ωk − Q^{π_θk}, u_{α(0)}⟩_σk / ⟨u_{α(0)}, u_{α(0)}⟩_σk: the share of the initial network
   * output left unfitted in the critic (SPEC §9 "Initial output"); absent when NN(α(0)) ≡ 0.
   */
  criticInitShare?: number;
  /**
   * The same for the actor, ⟨f_θk+1 − target_k, u_{α(0)}⟩_σ̃k / ⟨u_{α(0)}, u_{α(0)}⟩_σ̃k: Alg. 2
   * restarts from α(0) too, and its unfitted part enters E_{k+1} multiplied by τ_{k+1}^{-1}.
   */
  actorInitShare?: number;
  /**
   * The conditioning at π_θk (SPEC §9): λ_min of Alg. 2's matrix D^{1/2}KD^{1/2} under σ̃_k, and
   * the smallest real part of Alg. 3's TD matrix under σ_k (which starves the actions π_θk stops taking).
   */
  ntkLambdaMinK: number;
  tdLambdaMinReK: number;
}

export function runNeuralPpo(s: NeuralPpoSettings): NeuralPpoRecord[] {
  const { mdp, optimal, horizon: K, steps: T } = s;
  const { states: S, actions: A } = mdp;
  const N = S * A;
  const R = s.init.replicas;
  const X = mdp.features!;
  const bk = betaK(s.beta, K);
  const nuStar = optimal.nu;
  const lStar = objective(optimal.V, nuStar);
  const exactRun = exactPpo(mdp, s.beta, K, nuStar, lStar, optimal.policy);
  const u0First = forward(s.init, s.init.alpha0, X);
  const M = Float64Array.from({ length: R }, (_, r) => energyConstantM(mdp, nuStar, u0First.subarray(r * N, (r + 1) * N), s.radiusF[r]));
  const energies = Array.from({ length: R }, () => new Float64Array(N));
  const actorAcc = Array.from({ length: R }, () => new Float64Array(N));
  const criticAcc = Array.from({ length: R }, () => new Float64Array(N));
  const driftAcc = Array.from({ length: R }, () => new Float64Array(N));
  const invTau = new Float64Array(R); // τ_k^{-1}; f_θ0 ≡ 0 makes τ_0 irrelevant
  const supNorm = (v: Float64Array) => nuStarRowMax(nuStar, A, (j) => Math.abs(v[j]));
  const span = (v: Float64Array) => nuStarRowMax(nuStar, A, (j) => v[j]) + nuStarRowMax(nuStar, A, (j) => -v[j]);
  const records: NeuralPpoRecord[] = [];
  const solverKnobs = { stepSize: s.stepSize };
  for (let k = 0; k <= K; k++) {
    const init = k > 0 && s.freshInit ? s.freshInit(k) : s.init;
    const pis = energies.map((E) => energyPolicy(mdp, E));
    const nus = pis.map((pi) => stationaryDistribution(mdp, pi).nu);
    const exact = pis.map((pi) => evaluatePolicy(mdp, pi));
    const sigmas = pis.map((pi, r) => stateActionDistribution(mdp, nus[r], pi));
    const base = pis.map((pi, r): NeuralPpoRecord => {
      const L = objective(exact[r].V, nuStar);
      const energyError = energies[r].map((e, j) => e - exactRun.energies[k][j]);
      return {
        replica: r, k, L, gap: lStar - L,
        phiStar: phiStar(mdp, nuStar, optimal.policy, nus[r], pi),
        psiStar: psiStar(mdp, nuStar, optimal.policy, nus[r], pi),
        varphiStar: varphiStar(nuStar, nus[r]),
        klStar: klStar(mdp, energies[r], optimal.policy, nuStar),
        M: M[r],
        densityRatioMax: densityRatioMax(nuStar, nus[r]),
        exactL: exactRun.steps[k].L,
        trackingL: Math.abs(L - exactRun.steps[k].L),
        energyErrorInf: supNorm(energyError),
        actorErrorInf: supNorm(actorAcc[r]),
        criticErrorInf: supNorm(criticAcc[r]),
        driftErrorInf: supNorm(driftAcc[r]),
        energyErrorSpan: span(energyError),
        ntkLambdaMinK: ntkConditioning(X, init.dim, auxiliaryDistribution(mdp, nus[r])).lambdaMin,
        tdLambdaMinReK: tdLambdaMinRe(mdp, X, init.dim, sigmas[r], pi),
      };
    });
    if (k === K) {
      records.push(...base);
      break;
    }
    const sigmaTildes = nus.map((nu) => auxiliaryDistribution(mdp, nu));
    const iterRng = s.rng.split(`k${k}`);
    const batches = pis.map((pi, r) => drawPpoBatch(mdp, sigmas[r], pi, T, iterRng.split(r)));
    // Policy evaluation (Alg. 3).
    const td = runSolver({ init, features: X, steps: T, radius: s.radiusQ, pairs: batches.map((b) => b.pairs), target: { kind: "td", rewards: mdp.rewards, gamma: mdp.gamma, next: batches.map((b) => b.next) }, ...solverKnobs }, s.kernel);
    const qOmega = forward(init, solverOutput(td, s.output), X);
    s.progress?.tick(T * init.width);
    // Multipliers and targets.
    const lambdas = new Float64Array(R);
    const tauNext = new Float64Array(R);
    const targets = new Float64Array(R * N);
    for (let r = 0; r < R; r++) {
      const q = qOmega.subarray(r * N, (r + 1) * N);
      if (s.variant === "neural-ppo") lambdas[r] = bk;
      else {
        const delta = s.delta ?? klStep(mdp, energies[r], energies[r].map((e, j) => e + q[j] / bk), nus[r]);
        lambdas[r] = klMultiplier(mdp, energies[r], q, nus[r], delta);
      }
      tauNext[r] = 1 / (invTau[r] + 1 / lambdas[r]);
      for (let j = 0; j < N; j++) targets[r * N + j] = tauNext[r] * (q[j] / lambdas[r] + energies[r][j]);
    }
    // Policy improvement (Alg. 2).
    const sgd = runSolver({ init, features: X, steps: T, radius: s.radiusF, pairs: batches.map((b) => b.uniformPairs), target: { kind: "regression", values: targets }, ...solverKnobs }, s.kernel);
    const f = forward(init, solverOutput(sgd, s.output), X);
    const u0 = init === s.init ? u0First : forward(init, init.alpha0, X);
    s.progress?.tick(T * init.width);
    for (let r = 0; r < R; r++) {
      const rec = base[r];
      const q = qOmega.subarray(r * N, (r + 1) * N);
      const Qexact = exact[r].Q;
      let evalMse = 0;
      let improveMse = 0;
      let errDotU0 = 0;
      let u0Sq = 0;
      let fitDotU0 = 0;
      let u0SqTilde = 0;
      for (let j = 0; j < N; j++) {
        const u = u0[r * N + j];
        evalMse += sigmas[r][j] * (q[j] - Qexact[j]) ** 2;
        improveMse += sigmaTildes[r][j] * (f[r * N + j] - targets[r * N + j]) ** 2;
        errDotU0 += sigmas[r][j] * (q[j] - Qexact[j]) * u;
        u0Sq += sigmas[r][j] * u ** 2;
        fitDotU0 += sigmaTildes[r][j] * (f[r * N + j] - targets[r * N + j]) * u;
        u0SqTilde += sigmaTildes[r][j] * u ** 2;
      }
      const next = Float64Array.from({ length: N }, (_, j) => f[r * N + j] / tauNext[r]);
      const ideal = energies[r].map((e, j) => e + Qexact[j] / lambdas[r]);
      for (let j = 0; j < N; j++) {
        actorAcc[r][j] += (f[r * N + j] - targets[r * N + j]) / tauNext[r];
        criticAcc[r][j] += (q[j] - Qexact[j]) / lambdas[r];
        driftAcc[r][j] += Qexact[j] / lambdas[r] - exactRun.qs[k][j] / bk;
      }
      rec.evalMse = evalMse;
      rec.improveMse = improveMse;
      if (u0Sq > 0) rec.criticInitShare = errDotU0 / u0Sq;
      if (u0SqTilde > 0) rec.actorInitShare = fitDotU0 / u0SqTilde;
      rec.lambda = lambdas[r];
      rec.tauNext = tauNext[r];
      rec.klStep = klStep(mdp, energies[r], next, nus[r]);
      rec.lemma47Lhs = Math.abs(lemma47(mdp, next, ideal, optimal.policy, pis[r], nuStar));
      const fitError = (j: number) => Math.abs(f[r * N + j] - targets[r * N + j]);
      const stepSq = nuStarRowMax(nuStar, A, (j) => (next[j] - energies[r][j]) ** 2);
      const idealGap = nuStarRowMax(nuStar, A, (j) => Math.abs(next[j] - ideal[j]));
      const improveLinf = nuStarRowMax(nuStar, A, fitError);
      const improveLinfSq = nuStarRowMax(nuStar, A, (j) => fitError(j) ** 2);
      const descent = descentUnderNuStar(oneStepDescent(mdp, { energyK: energies[r], energyNext: next, q: Qexact, lambda: lambdas[r], piStar: optimal.policy }), nuStar);
      const chain = chainStep(mdp, { energyK: energies[r], energyNext: next, q: Qexact, lambda: lambdas[r], piStar: optimal.policy, nuStar });
      rec.logPartition = chain.logPartition;
      rec.stepError = chain.stepError;
      rec.logPartitionPinsker = chain.pinsker;
      rec.logPartitionHoeffding = chain.hoeffding;
      rec.logPartitionViolations = chain.violations;
      rec.descentLhs = descent.lhs;
      rec.descentRhs = descent.rhs;
      rec.descentViolations = descent.violations;
      rec.descentMinSlack = descent.minSlack;
      rec.energyStepSq = stepSq;
      rec.idealEnergyGapInf = idealGap;
      rec.improveLinf = improveLinf / tauNext[r];
      rec.improveLinfSq = improveLinfSq / tauNext[r] ** 2;
      rec.criticSupSq = nuStarRowMax(nuStar, A, (j) => q[j] ** 2);
      records.push(rec);
      energies[r] = next;
      invTau[r] = 1 / tauNext[r];
    }
  }
  return records;
}

/** E_ν[KL(π_new ‖ π_old)] for π ∝ exp(energy). */
function klStep(mdp: FiniteMdp, oldEnergy: Float64Array, newEnergy: Float64Array, nu: Float64Array): number {
  const A = mdp.actions;
  const pOld = energyPolicy(mdp, oldEnergy);
  const pNew = energyPolicy(mdp, newEnergy);
  let total = 0;
  for (let st = 0; st < mdp.states; st++) total += nu[st] * kl(row(pNew, st, A), row(pOld, st, A));
  return total;
}
