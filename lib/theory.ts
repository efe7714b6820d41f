/**
 * Every theoretical curve the notebooks draw, one small named function each, so that a
 * reader who changes a derivation overrides one function in a cell and redraws the figure
 * from cached results. Each takes the O(·)'s unknown constant `c` explicitly; the
 * notebooks fit it (on data it is then not tested on, lib/verdicts.ts) and say so.
 *
 * Each curve carries the label its legends and tables show (`curveLabel`), and a rate curve's
 * exponent is measured from the function itself (`curveExponent`), so a replaced function
 * relabels every figure, table and REPORT line drawn from it: `curves.optimisationRate =
 * (T, c) => c / T` shows its source text (as the TypeScript compiler that ran it spaced it) and
 * exponent −1.
 */

/** A function with the label figures show for it. */
export type Labelled<F> = F & { label: string };

/** Attach a label (plain text; figures render `^…` exponents) to a theoretical curve. */
export function labelled<F extends (...args: never[]) => number>(fn: F, label: string): Labelled<F> {
  return Object.assign(fn, { label });
}

/** The label of a curve: its own, or for a replacement without one, its source text. */
export function curveLabel(fn: ((...args: never[]) => number) & { label?: string }): string {
  if (typeof fn.label === "string" && fn.label !== "") return fn.label;
  return fn.toString().replace(/\s+/g, " ").trim();
}

/**
 * The exponent of a rate curve g(x) = curve(x, 1) over [lo, hi]: the log-log slope between the
 * ends (exact for a power law c·x^p; for anything else, its mean slope over the range).
 */
export function curveExponent(fn: (x: number, c: number) => number, lo: number, hi: number): number {
  if (!(lo > 0 && hi > lo)) throw new RangeError(`curveExponent needs 0 < lo < hi, got ${lo}, ${hi}`);
  return Math.log(fn(hi, 1) / fn(lo, 1)) / Math.log(hi / lo);
}

/**
 * Empirical NTK vs its limit (SPEC §2): each Gram entry is a mean of m i.i.d. bounded
 * terms, so max-entry error ≈ c·m^{-1/2}.
 */
export const ntkErrorRate = labelled((m: number, c: number) => c * m ** -0.5, "c·m^-1/2");

/**
 * Worst-case linearisation error over the ball, in L2 over a regular input distribution
 * (Assumption 4.4 and the lemmas behind Thms 4.5/4.6, NeurIPS numbering):
 * E[(u_α − u⁰_α)²] ≤ c·R³·m^{-1/2} for every α with ‖α − α(0)‖ ≤ R.
 */
export const linearisationBound = labelled((m: number, radius: number, c: number) => c * radius ** 3 * m ** -0.5, "c·R³m^-1/2");

/**
 * Heuristic for α on the ball's surface in a uniformly random direction (derived in
 * notebooks/00-network.ipynb): each unit moves by ‖Δ_i‖ ≈ R/√m, flips sign with probability
 * ∝ R/√m and then errs by O(R/√m), so E[(u_α − u⁰_α)²] ≈ c·R³·m^{-3/2}.
 */
export const linearisationRandomDirection = labelled((m: number, radius: number, c: number) => c * radius ** 3 * m ** -1.5, "c·R³m^-3/2");

/**
 * Thm 4.5 (NeurIPS numbering), policy-improvement error of Alg. 2 with η = T^{-1/2}, T ≥ 64:
 * E_{init,σ̃_k}[(f_θ̄ − target)²] ≤ c·(R_f²T^{-1/2} + R_f^{5/2}m^{-1/4} + R_f³m^{-1/2}).
 */
export const improvementErrorBound = labelled((T: number, m: number, radius: number, c: number) => c * (radius ** 2 * T ** -0.5 + radius ** 2.5 * m ** -0.25 + radius ** 3 * m ** -0.5), "c·(R²T^-1/2 + R^5/2·m^-1/4 + R³m^-1/2)");

/**
 * Thm 4.6 (NeurIPS numbering), policy-evaluation error of Alg. 3 with η = T^{-1/2},
 * T ≥ 64/(1−γ)²: E_{init,σ_k}[(Q_ω̄ − Q^π)²] ≤ c·(R_Q²T^{-1/2} + R_Q^{5/2}m^{-1/4} + R_Q³m^{-1/2}).
 * The paper's O(·) hides a factor depending on 1/(1−γ); here it is part of c. (The slides
 * print the last term as R_Q³m^{-1/4}: an erratum, SPEC §8.)
 */
export const evaluationErrorBound = labelled((T: number, m: number, radius: number, c: number) => c * (radius ** 2 * T ** -0.5 + radius ** 2.5 * m ** -0.25 + radius ** 3 * m ** -0.5), "c·(R²T^-1/2 + R^5/2·m^-1/4 + R³m^-1/2)");

/** The optimisation term alone, c·T^{-1/2}: the rate in T once m is large. */
export const optimisationRate = labelled((T: number, c: number) => c * T ** -0.5, "c·T^-1/2");

/** The width terms' leading rate c·m^{-1/4} (Thms 4.5, 4.6). */
export const widthRateQuarter = labelled((m: number, c: number) => c * m ** -0.25, "c·m^-1/4");

/** The width terms' second rate c·m^{-1/2} (Thms 4.5, 4.6). */
export const widthRateHalf = labelled((m: number, c: number) => c * m ** -0.5, "c·m^-1/2");

/** Smallest T the theorems allow: 64 (Thm 4.5) or 64/(1−γ)² (Thm 4.6). */
export function minimumIterations(theorem: "4.5" | "4.6", gamma?: number): number {
  if (theorem === "4.5") return 64;
  if (gamma === undefined || !(gamma > 0 && gamma < 1)) throw new RangeError(`Thm 4.6 needs γ in (0, 1), got ${gamma}`);
  return 64 / (1 - gamma) ** 2;
}

/**
 * Lemma 4.7's error term (NeurIPS numbering) with ϵ the ROOT-MSEs of the solvers (what
 * Cauchy–Schwarz supports; SPEC §6): ε_k = τ_{k+1}^{-1} ϵ_{k+1} φ*_k + β_k^{-1} ϵ'_k ψ*_k.
 */
export const epsilonK = labelled(
  (a: { tauNext: number; betaK: number; improveRootMse: number; evalRootMse: number; phiStar: number; psiStar: number }): number => (a.improveRootMse * a.phiStar) / a.tauNext + (a.evalRootMse * a.psiStar) / a.betaK,
  "ε_k = τ_{k+1}^-1·ϵ_{k+1}·φ*_k + β_k^-1·ϵ'_k·ψ*_k",
);

/** The NeurIPS ε'_k = |A|·τ_{k+1}^{-2}·ϵ²_{k+1} (ϵ²: the improvement MSE). */
export const epsilonPrimeK = labelled(
  (a: { tauNext: number; actions: number; improveMse: number }): number => (a.actions * a.improveMse) / a.tauNext ** 2,
  "ε'_k = |A|·τ_{k+1}^-2·ϵ²_{k+1} (NeurIPS)",
);

/**
 * The revision's ε'_k = 2|A|·τ_{k+1}^{-1}·ϵ_{k+1}·ϕ*_k (ϵ: the improvement root-MSE,
 * ϕ*_k = (Σ_s ν*(s)²/ν_k(s))^{1/2}), the bound of its Lemma 4.8 (policy-improvement l∞-error).
 */
export const epsilonPrimeKRevision = labelled(
  (a: { tauNext: number; actions: number; improveRootMse: number; varphiStar: number }): number => (2 * a.actions * a.improveRootMse * a.varphiStar) / a.tauNext,
  "ε'_k = 2|A|·τ_{k+1}^-1·ϵ_{k+1}·ϕ*_k (revision)",
);

/**
 * NeurIPS Lemma 4.8 (stepwise energy difference) as printed:
 * E_{ν*}[‖τ_{k+1}^{-1}f_θk+1 − τ_k^{-1}f_θk‖²_∞] ≤ 2|A|τ_{k+1}^{-2}ϵ²_{k+1} + 2β_k^{-2}M,
 * ϵ² the improvement MSE under σ̃_k. `densityRatio` = 1 is the printed lemma; passing
 * max_s ν*(s)/ν_k(s) restores the change of measure ν_k → ν* its proof skips (notebook 03).
 */
export const lemma48Bound = labelled(
  (a: { tauNext: number; betaK: number; actions: number; improveMse: number; M: number; densityRatio?: number }): number => (2 * a.actions * (a.densityRatio ?? 1) * a.improveMse) / a.tauNext ** 2 + (2 * a.M) / a.betaK ** 2,
  "2|A|τ_{k+1}^-2·ϵ²_{k+1} + 2β_k^-2·M",
);

/**
 * The revision's Lemma 4.9 (stepwise energy increment), its right side β_k^{-2}·M with
 * M = 2E_{ν*}[max_a u_{α(0)}(s,a)²] + 2R_f², bounding E_{ν*}[‖β_k^{-1}Q_ωk(s,·)‖²_∞] (SPEC §6;
 * the displayed inequality is reconstructed from the revision's text, see there).
 */
export const lemma49RevisionBound = labelled(
  (a: { betaK: number; M: number }): number => a.M / a.betaK ** 2,
  "β_k^-2·M (revision Lemma 4.9)",
);

/**
 * Thm 4.9 (NeurIPS numbering): min_{0≤k≤K}[L(π*) − L(π_θk)] ≤
 * (β² log|A| + M + β² Σ_{k<K}(ε_k + ε'_k)) / ((1−γ)·β·√K), with `sumEps` = Σ_{k<K}(ε_k + ε'_k).
 */
export const theorem49Bound = labelled(
  (K: number, beta: number, gamma: number, actions: number, M: number, sumEps: number): number => (beta ** 2 * Math.log(actions) + M + beta ** 2 * sumEps) / ((1 - gamma) * beta * Math.sqrt(K)),
  "(β² log|A| + M + β² Σ(ε_k + ε'_k))/((1−γ)β√K)",
);

/** Thm 4.9 with zero inner error: (β² log|A| + M)/((1−γ)β√K), minimised at β = √(M/log|A|). */
export const theorem49IdealBound = labelled(
  (K: number, beta: number, gamma: number, actions: number, M: number): number => theorem49Bound(K, beta, gamma, actions, M, 0),
  "(β² log|A| + M)/((1−γ)β√K)",
);

/** The β minimising the ideal bound: √(M / log|A|). */
export function theorem49OptimalBeta(M: number, actions: number): number {
  return Math.sqrt(M / Math.log(actions));
}

/** The K^{-1/2} reference, c·K^{-1/2}. */
export const horizonRate = labelled((K: number, c: number) => c * K ** -0.5, "c·K^-1/2");

/**
 * SPEC §9 (conditioning): the fraction of an eigen-direction's initial residual that the path
 * average keeps after T steps of the noiseless, full-batch linearised dynamics g ← (I − ηλ)g,
 * |(1 − (1 − ηλ)^T)/(Tηλ)|², for an eigenvalue λ = re + i·im of the solver's matrix
 * (lib/mdp/conditioning.ts: D^{1/2}KD^{1/2} for Alg. 2, the TD matrix for Alg. 3).
 */
export const pathAverageResidualFraction = labelled(function pathAverageResidualFraction(re: number, im: number, eta: number, T: number): number {
  const [zr, zi] = [1 - eta * re, -eta * im];
  const r = Math.hypot(zr, zi) ** T;
  const phi = T * Math.atan2(zi, zr);
  const [nr, ni] = [1 - r * Math.cos(phi), -r * Math.sin(phi)];
  return Math.hypot(nr, ni) ** 2 / (T * eta * Math.hypot(re, im)) ** 2;
}, "|(1 − (1 − ηλ)^T)/(Tηλ)|²");

/** The same for the last iterate θ(T−1): |1 − ηλ|^{2(T−1)}. */
export const lastIterateResidualFraction = labelled(
  (re: number, im: number, eta: number, T: number): number => Math.hypot(1 - eta * re, eta * im) ** (2 * (T - 1)),
  "|1 − ηλ|^2(T−1)",
);

/**
 * The limit of `pathAverageResidualFraction` for real λ = μ and η = T^{-1/2}: [(1 − e^{−x})/x]²
 * with x = μ√T (in general x = ηλT). Below x ≈ 1 a direction has barely moved; above, it keeps
 * ≈ 1/x², so an MSE made of directions with x ≫ 1 falls like T^{-1} (SPEC §9).
 */
export const residualFractionLimit = labelled(
  (x: number): number => x === 0 ? 1 : ((1 - Math.exp(-x)) / x) ** 2,
  "[(1 − e^-x)/x]²",
);

/**
 * SPEC §9, a non-vacuous bound for exact PPO (π_{k+1} ∝ π_k·exp(Q^{π_k}/β_k), β_k = β√K), derived
 * in notebook 04 from Hoeffding's lemma: per state, KL(π*‖π_{k+1}) − KL(π*‖π_k) ≤
 * −β_k^{-1}⟨Q^{π_k}, π* − π_k⟩ + span_a(Q^{π_k})²/(8β_k²); under ν*, with the performance
 * difference L(π*) − L(π) = (1−γ)^{-1}E_{ν*}⟨Q^π, π* − π⟩ and KL(π*‖π_0) = log|A| (π* greedy),
 * summed over k < K:
 *   (1/K) Σ_{k<K} [L(π*) − L(π_k)] ≤ (β² log|A| + S̄/8) / ((1−γ)·β·√K),
 * S̄ = (1/K) Σ_{k<K} E_{ν*}[span_a Q^{π_k}(s,·)²]. The average over k bounds the minimum too.
 */
export const exactPpoHoeffdingBound = labelled(
  (K: number, beta: number, gamma: number, actions: number, meanSpanSq: number) => (beta ** 2 * Math.log(actions) + meanSpanSq / 8) / ((1 - gamma) * beta * Math.sqrt(K)),
  "(β² log|A| + S̄/8)/((1−γ)β√K)",
);

/** What Cor 4.10 asks of T, m_f and m_Q for a horizon K (constants dropped; SPEC §9). */
export interface Cor410Requirement {
  T: number;
  widthF: number;
  widthQ: number;
}

/**
 * Cor 4.10 as printed (NeurIPS, MSE-scale ϵ): T = K³R_f⁴φ*² + K²R_f⁴|A| + K·R_Q⁴ψ*²,
 * m_f = K⁶R_f^{10}φ*⁴ + K⁴R_f^{10}|A|², m_Q = K²R_Q^{10}ψ*⁴.
 */
export function cor410Printed(a: { K: number; radiusF: number; radiusQ: number; phiStar: number; psiStar: number; actions: number }): Cor410Requirement {
  const { K, radiusF: Rf, radiusQ: RQ, phiStar: phi, psiStar: psi, actions: A } = a;
  return {
    T: K ** 3 * Rf ** 4 * phi ** 2 + K ** 2 * Rf ** 4 * A + K * RQ ** 4 * psi ** 2,
    widthF: K ** 6 * Rf ** 10 * phi ** 4 + K ** 4 * Rf ** 10 * A ** 2,
    widthQ: K ** 2 * RQ ** 10 * psi ** 4,
  };
}

/**
 * Cor 4.10 re-derived with the root-MSE ϵ Lemma 4.7 needs and the revision's ε'_k (SPEC §9):
 * T = K⁶R_f⁴(φ* + |A|ϕ*)⁴ + K²R_Q⁴ψ*⁴, m_f = K^{12}R_f^{10}(φ* + |A|ϕ*)⁸, m_Q = K⁴R_Q^{10}ψ*⁸.
 */
export function cor410RootMse(a: { K: number; radiusF: number; radiusQ: number; phiStar: number; varphiStar: number; psiStar: number; actions: number }): Cor410Requirement {
  const { K, radiusF: Rf, radiusQ: RQ, phiStar: phi, varphiStar: vphi, psiStar: psi, actions: A } = a;
  const c = phi + A * vphi;
  return { T: K ** 6 * Rf ** 4 * c ** 4 + K ** 2 * RQ ** 4 * psi ** 4, widthF: K ** 12 * Rf ** 10 * c ** 8, widthQ: K ** 4 * RQ ** 10 * psi ** 8 };
}

/**
 * SPEC §9, notebook 06: the T at which a direction with eigenvalue λ reaches x = λ√T = 1 (the
 * end of the path average's transient there), T₁ = 1/λ².
 */
export const transientEnd = labelled((lambda: number) => (lambda > 0 ? 1 / lambda ** 2 : Infinity), "T₁ = 1/λ²");

/**
 * SPEC §9, notebook 06: T₁ of Alg. 2 with one-hot features (K = I/2, H = diag(σ̃)/2) when σ̃ is
 * uniform over the N pairs: λ_min = 1/(2N), so T₁ = 4N², the floor every other σ̃ lies above
 * (min σ̃ ≤ 1/N).
 */
export const oneHotTransientFloor = labelled((pairs: number) => 4 * pairs ** 2, "4·(|S||A|)²");

/**
 * SPEC §9, the step-size test of the collapse: with η = c·T^{-1/2} a direction's kept fraction
 * depends on x = λ·η·T = c·λ·√T only (for ηλ ≪ 1), so a curve at step constant c reaches the
 * level the curve at c = 1 reaches at T after T·c^{-2} steps: it shifts by this factor in T.
 * No fitted constant.
 */
export const stepSizeShift = labelled((c: number): number => c ** -2, "T_c/T_1 = c^-2");
