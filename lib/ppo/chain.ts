/**
 * The proof of Thm 4.9 (NeurIPS numbering; SPEC §5 "The proof's chain") as an exact identity,
 * measured per iteration. For π_θk+1 ∝ π_θk·exp(Δ_k), Δ_k = E_{k+1} − E_k the energy step
 * actually taken, and any λ_k > 0, per state s:
 *   KL(π*‖π_θk) − KL(π*‖π_θk+1) = ⟨Δ_k, π*⟩ − log Σ_a π_θk e^{Δ_k},
 * so with Lemma 5.1 (performance difference, E_{ν*}⟨Q^{π_θk}, π* − π_θk⟩ = (1−γ)·gap_k):
 *   (1−γ)·gap_k/λ_k = klStar_k − klStar_{k+1} + logPartition_k − stepError_k,
 *   klStar_k      = E_{ν*}[KL(π*‖π_θk)],
 *   logPartition_k = E_{ν*}[log Σ_a π_θk e^{Δ_k} − ⟨Δ_k, π_θk⟩]  (= E_{ν*}[KL(π_θk‖π_θk+1)] ≥ 0),
 *   stepError_k   = E_{ν*}[⟨Δ_k − Q^{π_θk}/λ_k, π* − π_θk⟩]      (= Lemma 4.7's signed inner quantity).
 * Every term is invariant to per-state constants in Δ_k. Summing over k < K gives the data-driven
 * Thm 4.9: min_k gap_k ≤ [klStar_0 − klStar_K + Σ_k (logPartition_k − stepError_k)]/((1−γ)Σ_k λ_k^{-1}).
 *
 * The proof bounds logPartition_k per state in the paper's way (Lemma 5.2): Pinsker's inequality
 * KL(π_θk+1‖π_θk) ≥ ½‖π_θk+1 − π_θk‖₁² and Hölder give logPartition ≤ ‖Δ‖_∞·t − ½t² with
 * t = ‖π_θk+1 − π_θk‖₁ (`pinsker`), then Young's inequality ≤ ½‖Δ‖²_∞ (`young`). The project's
 * Hoeffding variant is a different statement, logPartition ≤ span_a(Δ)²/8 (`hoeffding`): tighter
 * than Young's, not always than Pinsker's.
 * Energies are [S·A], π* [S·A], ν* [S].
 */
import type { FiniteMdp } from "../mdp/mdp";

function logSumExp(energy: ArrayLike<number>, st: number, A: number): number {
  let m = -Infinity;
  for (let a = 0; a < A; a++) m = Math.max(m, energy[st * A + a]);
  let z = 0;
  for (let a = 0; a < A; a++) z += Math.exp(energy[st * A + a] - m);
  return m + Math.log(z);
}

/** klStar = E_{ν*}[KL(π*‖π_E)] for π_E ∝ exp(E); terms with π*(a|s) = 0 contribute 0. */
export function klStar(mdp: FiniteMdp, energy: ArrayLike<number>, piStar: ArrayLike<number>, nuStar: ArrayLike<number>): number {
  const A = mdp.actions;
  let total = 0;
  for (let st = 0; st < mdp.states; st++) {
    const lse = logSumExp(energy, st, A);
    let s = 0;
    for (let a = 0; a < A; a++) {
      const p = piStar[st * A + a];
      if (p > 0) s += p * (Math.log(p) - (energy[st * A + a] - lse));
    }
    total += nuStar[st] * s;
  }
  return total;
}

/** The per-iteration terms of the chain at k < K, and the per-state bounds of Lemma 5.2 on logPartition, all under ν*. */
export interface ChainStep {
  logPartition: number;
  stepError: number;
  /** E_{ν*}[‖Δ‖_∞·t − ½t²], t = ‖π_θk+1 − π_θk‖₁: the bound after Pinsker's step (the paper's Lemma 5.2). */
  pinsker: number;
  /** E_{ν*}[½‖Δ‖²_∞]: after Young's step too (the printed Lemma 5.2's last term). */
  young: number;
  /** E_{ν*}[span_a(Δ)²/8]: Hoeffding's lemma (the project's variant). */
  hoeffding: number;
  /** States where a per-state bound falls below logPartition(s) beyond rounding (1e-12 relative): a bug if ever > 0. */
  violations: number;
}

/**
 * The chain's terms for one step: `energyK` = E_k, `energyNext` = E_{k+1}, `q` = Q^{π_θk} exact,
 * `lambda` = λ_k (β√K for PPO, the KL multiplier for TRPO).
 */
export function chainStep(mdp: FiniteMdp, a: { energyK: ArrayLike<number>; energyNext: ArrayLike<number>; q: ArrayLike<number>; lambda: number; piStar: ArrayLike<number>; nuStar: ArrayLike<number> }): ChainStep {
  const { states: S, actions: A } = mdp;
  const out: ChainStep = { logPartition: 0, stepError: 0, pinsker: 0, young: 0, hoeffding: 0, violations: 0 };
  for (let st = 0; st < S; st++) {
    const lk = logSumExp(a.energyK, st, A);
    const ln = logSumExp(a.energyNext, st, A);
    let inner = 0; // ⟨Δ, π_θk⟩
    let err = 0; // ⟨Δ − Q/λ, π* − π_θk⟩
    let tv = 0; // ‖π_θk+1 − π_θk‖₁
    let hi = -Infinity;
    let lo = Infinity;
    let sup = 0;
    const deltas = new Float64Array(A);
    for (let act = 0; act < A; act++) {
      const j = st * A + act;
      deltas[act] = a.energyNext[j] - a.energyK[j];
    }
    // log Σ_a π_θk e^{Δ} = lse(E_{k+1}) − lse(E_k): exact and overflow-free.
    const logZ = ln - lk;
    for (let act = 0; act < A; act++) {
      const j = st * A + act;
      const pk = Math.exp(a.energyK[j] - lk);
      const pn = Math.exp(a.energyNext[j] - ln);
      const d = deltas[act];
      inner += pk * d;
      err += (d - a.q[j] / a.lambda) * (a.piStar[j] - pk);
      tv += Math.abs(pn - pk);
      hi = Math.max(hi, d);
      lo = Math.min(lo, d);
      sup = Math.max(sup, Math.abs(d));
    }
    const lp = logZ - inner;
    const pinsker = sup * tv - 0.5 * tv * tv;
    const young = 0.5 * sup * sup;
    const hoeffding = (hi - lo) ** 2 / 8;
    const w = a.nuStar[st];
    out.logPartition += w * lp;
    out.stepError += w * err;
    out.pinsker += w * pinsker;
    out.young += w * young;
    out.hoeffding += w * hoeffding;
    for (const b of [pinsker, young, hoeffding]) if (lp > b + 1e-12 * (1 + Math.abs(b))) out.violations++;
  }
  return out;
}

/**
 * The data-driven Thm 4.9 from one run's chain: numerator klStar_0 − klStar_K + Σ_k(logPartition_k −
 * stepError_k) and the bound it puts on min_k gap, numerator/((1−γ)Σ_k λ_k^{-1}); also the
 * λ^{-1}-weighted average gap it equals exactly (`weightedGap`). Arrays indexed by k (klStar has K + 1 entries).
 */
export function chainBound(a: { klStar: number[]; logPartition: number[]; stepError: number[]; lambda: number[]; gap: number[]; gamma: number }): { numerator: number; bound: number; weightedGap: number } {
  const K = a.lambda.length;
  let sum = 0;
  let invLambda = 0;
  let weighted = 0;
  for (let k = 0; k < K; k++) {
    sum += a.logPartition[k] - a.stepError[k];
    invLambda += 1 / a.lambda[k];
    weighted += a.gap[k] / a.lambda[k];
  }
  const numerator = a.klStar[0] - a.klStar[K] + sum;
  return { numerator, bound: numerator / ((1 - a.gamma) * invLambda), weightedGap: weighted / invLambda };
}
