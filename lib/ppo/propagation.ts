/**
 * The per-iteration error statements between the solvers and the global rate (SPEC §6), as
 * exact finite sums over one state's actions. Energies E are [S·A] (π ∝ exp(E), max
 * subtracted through log-softmax, so large energies cannot overflow); π*, π_k are [S·A].
 *
 *  - Lemma 4.7 (error propagation): E_{ν*}[⟨log(π_θk+1/π_{k+1}), π* − π_θk⟩] (`lemma47`);
 *  - Lemma 5.2 (one-step descent, NeurIPS numbering), per state s, in the form derived in
 *    notebook 03 from Hoeffding's lemma (SPEC states no form of it):
 *      KL(π*‖π_θk+1) − KL(π*‖π_θk) ≤ ⟨log(π_{k+1}/π_θk+1), π* − π_θk⟩ − λ_k^{-1}⟨Q^{π_θk}, π* − π_θk⟩
 *                                     + ½‖E_{k+1} − E_k‖²_∞            (`oneStepDescent`);
 *  - the density ratio max_s ν*(s)/ν_k(s) that the NeurIPS Lemma 4.8 leaves out (`densityRatioMax`).
 * Here π_{k+1} ∝ exp(E_k + Q^{π_θk}/λ_k) is the ideal update with the exact Q.
 */
import type { FiniteMdp } from "../mdp/mdp";

function logSumExp(energy: Float64Array, st: number, A: number): number {
  let m = -Infinity;
  for (let a = 0; a < A; a++) m = Math.max(m, energy[st * A + a]);
  let z = 0;
  for (let a = 0; a < A; a++) z += Math.exp(energy[st * A + a] - m);
  return m + Math.log(z);
}

/** Σ_a w(a)·(log π_E1(a|s) − log π_E2(a|s)) for the energy policies of E1 and E2. */
function weightedLogRatio(E1: Float64Array, E2: Float64Array, w: (a: number) => number, st: number, A: number): number {
  const l1 = logSumExp(E1, st, A);
  const l2 = logSumExp(E2, st, A);
  let total = 0;
  for (let a = 0; a < A; a++) {
    const j = st * A + a;
    total += w(a) * (E1[j] - l1 - (E2[j] - l2));
  }
  return total;
}

/** Lemma 4.7's inner quantity E_{ν*}[⟨log(π_θk+1/π_{k+1}), π* − π_θk⟩] (signed; the lemma bounds its absolute value). */
export function lemma47(mdp: FiniteMdp, energyNext: Float64Array, energyIdeal: Float64Array, piStar: Float64Array, piK: Float64Array, nuStar: Float64Array): number {
  const A = mdp.actions;
  let total = 0;
  for (let st = 0; st < mdp.states; st++) total += nuStar[st] * weightedLogRatio(energyNext, energyIdeal, (a) => piStar[st * A + a] - piK[st * A + a], st, A);
  return total;
}

/**
 * Lemma 5.2 per state: `lhs[s]` = KL(π*‖π_θk+1) − KL(π*‖π_θk) and `rhs[s]` its bound above,
 * each [S]. `energyK`, `energyNext` (= τ_{k+1}^{-1}f_θk+1), `q` = Q^{π_θk} exact, `lambda` = λ_k.
 */
export function oneStepDescent(mdp: FiniteMdp, a: { energyK: Float64Array; energyNext: Float64Array; q: Float64Array; lambda: number; piStar: Float64Array }): { lhs: Float64Array; rhs: Float64Array } {
  const { states: S, actions: A } = mdp;
  const ideal = a.energyK.map((e, j) => e + a.q[j] / a.lambda);
  const lhs = new Float64Array(S);
  const rhs = new Float64Array(S);
  for (let st = 0; st < S; st++) {
    // π_θk's probabilities, for the weights π* − π_θk.
    const lk = logSumExp(a.energyK, st, A);
    const piK = (act: number) => Math.exp(a.energyK[st * A + act] - lk);
    const diff = (act: number) => a.piStar[st * A + act] - piK(act);
    lhs[st] = weightedLogRatio(a.energyK, a.energyNext, (act) => a.piStar[st * A + act], st, A);
    let qTerm = 0;
    let stepInf = 0;
    for (let act = 0; act < A; act++) {
      const j = st * A + act;
      qTerm += a.q[j] * diff(act);
      stepInf = Math.max(stepInf, Math.abs(a.energyNext[j] - a.energyK[j]));
    }
    rhs[st] = weightedLogRatio(ideal, a.energyNext, diff, st, A) - qTerm / a.lambda + 0.5 * stepInf ** 2;
  }
  return { lhs, rhs };
}

/** max_s ν*(s)/ν_k(s): the change of measure from ν_k to ν* in the l∞ sense. */
export function densityRatioMax(nuStar: Float64Array, nuK: Float64Array): number {
  let m = 0;
  for (let s = 0; s < nuStar.length; s++) m = Math.max(m, nuStar[s] / nuK[s]);
  return m;
}

/**
 * Lemma 5.2 under ν*: E_{ν*} of both sides, the number of states where the per-state
 * inequality fails beyond rounding (1e-12 relative), and min_s (right − left).
 */
export function descentUnderNuStar(descent: { lhs: Float64Array; rhs: Float64Array }, nuStar: Float64Array): { lhs: number; rhs: number; violations: number; minSlack: number } {
  let lhs = 0;
  let rhs = 0;
  let violations = 0;
  let minSlack = Infinity;
  for (let st = 0; st < nuStar.length; st++) {
    lhs += nuStar[st] * descent.lhs[st];
    rhs += nuStar[st] * descent.rhs[st];
    const slack = descent.rhs[st] - descent.lhs[st];
    if (slack < -1e-12 * (1 + Math.abs(descent.rhs[st]))) violations++;
    minSlack = Math.min(minSlack, slack);
  }
  return { lhs, rhs, violations, minSlack };
}

/** E_{ν*}[max_a v(s, a)] for v given by pair index j = s·|A| + a: the ν*-expected l∞ norms of the lemmas. */
export function nuStarRowMax(nuStar: Float64Array, actions: number, v: (j: number) => number): number {
  let total = 0;
  for (let st = 0; st < nuStar.length; st++) {
    let m = -Infinity;
    for (let a = 0; a < actions; a++) m = Math.max(m, v(st * actions + a));
    total += nuStar[st] * m;
  }
  return total;
}
