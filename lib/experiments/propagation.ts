/**
 * Analysis `propagation` (notebook 03, issue 6): the per-iteration error statements between
 * the solvers and Thm 4.9, left side against right side, from `convergence` rows (which
 * record every left side exactly, per k and replica). Settings are a ConvergenceConfig; this
 * module only reads rows, so a reader who changes a right side in `curves` (lib/theory.ts)
 * recomputes the table in milliseconds, without rerunning anything.
 *
 * Every check is one (statement, reading). `theorem: true` marks readings that follow from the
 * definitions (Cauchy–Schwarz, Pinsker, Young, Hoeffding, |relu(a) − relu(b)| ≤ |a − b|;
 * derivations in notebook 03): they must hold on every row, and a failure is a bug. The others
 * are the slides' or the NeurIPS version's statements as printed, which can fail. ϵ is read
 * everywhere as a root-MSE bound (MSE ≤ ϵ², SPEC §6), one reading of the slides' typography.
 */
import * as theory from "../theory";
import type { Row } from "./results-io";

export type PropagationCurves = Pick<typeof theory, "epsilonK" | "epsilonPrimeK" | "epsilonPrimeKRevision" | "lemma48Bound" | "lemma49RevisionBound">;

export interface PropagationRow {
  variant: string;
  K: number;
  m: number;
  T: number;
  replica: number;
  k: number;
  statement: string;
  reading: string;
  theorem: boolean;
  lhs: number;
  rhs: number;
  /** lhs / rhs (0 when both are 0); null for signed statements (Lemma 5.2), where a ratio means nothing. */
  ratio: number | null;
  /** rhs − lhs (≥ 0 when the bound holds). */
  slack: number;
  holds: boolean;
}

interface Check {
  statement: string;
  reading: string;
  theorem: boolean;
  /** Both sides can be negative (compare them by their difference, not their ratio). */
  signed?: boolean;
  lhs(r: Row): number;
  /** `next`: the same run's row at k + 1 (for φ*_{k+1}). */
  rhs(r: Row, next: Row, actions: number, curves: PropagationCurves): number;
}

const num = (v: unknown) => (typeof v === "number" ? v : NaN);

/** The checks, in the order of SPEC §6 and the errata of §8. */
export const CHECKS: Check[] = [
  {
    statement: "Lemma 4.7", reading: "root-MSE ϵ, φ*_k (SPEC)", theorem: true, lhs: (r) => num(r.lemma47Lhs),
    rhs: (r, _n, _A, c) => c.epsilonK({ tauNext: num(r.tauNext), betaK: num(r.lambda), improveRootMse: Math.sqrt(num(r.improveMse)), evalRootMse: Math.sqrt(num(r.evalMse)), phiStar: num(r.phiStar), psiStar: num(r.psiStar) }),
  },
  {
    statement: "Lemma 4.7", reading: "root-MSE ϵ, φ*_{k+1} (slides)", theorem: false, lhs: (r) => num(r.lemma47Lhs),
    rhs: (r, n, _A, c) => c.epsilonK({ tauNext: num(r.tauNext), betaK: num(r.lambda), improveRootMse: Math.sqrt(num(r.improveMse)), evalRootMse: Math.sqrt(num(r.evalMse)), phiStar: num(n.phiStar), psiStar: num(r.psiStar) }),
  },
  {
    statement: "Lemma 4.8 (NeurIPS)", reading: "as printed: 2|A|τ⁻²ϵ² + 2β⁻²M", theorem: false, lhs: (r) => num(r.energyStepSq),
    rhs: (r, _n, A, c) => c.lemma48Bound({ tauNext: num(r.tauNext), betaK: num(r.lambda), actions: A, improveMse: num(r.improveMse), M: num(r.M) }),
  },
  {
    statement: "Lemma 4.8 (NeurIPS)", reading: "with ‖ν*/ν_k‖_∞ (change of measure)", theorem: true, lhs: (r) => num(r.energyStepSq),
    rhs: (r, _n, A, c) => c.lemma48Bound({ tauNext: num(r.tauNext), betaK: num(r.lambda), actions: A, improveMse: num(r.improveMse), M: num(r.M), densityRatio: num(r.densityRatioMax) }),
  },
  {
    statement: "ε'_k (NeurIPS Thm 4.9)", reading: "as printed: |A|τ⁻²ϵ²", theorem: false, lhs: (r) => num(r.improveLinfSq),
    rhs: (r, _n, A, c) => c.epsilonPrimeK({ tauNext: num(r.tauNext), actions: A, improveMse: num(r.improveMse) }),
  },
  {
    statement: "ε'_k (NeurIPS Thm 4.9)", reading: "with ‖ν*/ν_k‖_∞ (change of measure)", theorem: true, lhs: (r) => num(r.improveLinfSq),
    rhs: (r, _n, A, c) => c.epsilonPrimeK({ tauNext: num(r.tauNext), actions: A, improveMse: num(r.densityRatioMax) * num(r.improveMse) }),
  },
  {
    statement: "Lemma 4.8 (revision)", reading: "2|A|τ⁻¹ϵϕ*_k, root-MSE ϵ", theorem: true, lhs: (r) => num(r.improveLinf),
    rhs: (r, _n, A, c) => c.epsilonPrimeKRevision({ tauNext: num(r.tauNext), actions: A, improveRootMse: Math.sqrt(num(r.improveMse)), varphiStar: num(r.varphiStar) }),
  },
  // The revision's Lemma 4.9 bounds the critic's share β_k^{-1}Q_ωk of the energy step. It follows from
  // the definitions: |Q_ω − u_α(0)| ≤ ‖ω − α(0)‖·‖x‖ (1-Lipschitz for ‖x‖ ≤ 1, the paper's WLOG and every
  // testbed's unit features), ‖ω̄_k − α(0)‖ ≤ R_Q ≤ R_f (projection, convexity, Alg. 1), (a + b)² ≤ 2a² + 2b².
  // Not implied under the fresh-α(0) ablation, where Q_ωk starts from another draw than M's.
  {
    statement: "Lemma 4.9 (revision)", reading: "β_k⁻²M, M with R_f", theorem: true, lhs: (r) => num(r.criticSupSq) / num(r.lambda) ** 2,
    rhs: (r, _n, _A, c) => c.lemma49RevisionBound({ betaK: num(r.lambda), M: num(r.M) }),
  },
  // Lemma 5.2's three forms differ only in the bound on logPartition_k = E_ν*[KL(π_θk‖π_θk+1)] (lib/ppo/chain.ts);
  // per state they are checked by `logPartitionViolations`, here under ν*.
  {
    statement: "Lemma 5.2 (one-step descent)", reading: "paper's form: Pinsker, ‖Δ‖∞·t − t²/2", theorem: true, signed: true, lhs: (r) => num(r.descentLhs),
    rhs: (r) => num(r.descentRhs) - num(r.energyStepSq) / 2 + num(r.logPartitionPinsker),
  },
  {
    statement: "Lemma 5.2 (one-step descent)", reading: "as printed: Pinsker and Young, ½‖Δ‖²∞", theorem: true, signed: true, lhs: (r) => num(r.descentLhs),
    rhs: (r) => num(r.descentRhs),
  },
  {
    statement: "Lemma 5.2 (one-step descent)", reading: "Hoeffding variant (this project's): span(Δ)²/8", theorem: true, signed: true, lhs: (r) => num(r.descentLhs),
    rhs: (r) => num(r.descentRhs) - num(r.energyStepSq) / 2 + num(r.logPartitionHoeffding),
  },
];

/**
 * Relative slack allowed to `holds` for rounding: the two sides are float64 sums of ≤ |S||A|
 * terms, so 1e-9 of their size, plus 1e-12 absolute (exact PPO's left sides are 0 up to the
 * rounding of energies of order √K), is far above rounding and far below any real failure.
 */
const ROUNDING = 1e-9;
const ABSOLUTE = 1e-12;

/** One row per (run row with an update, check); rows at k = K (no update) and checks needing M on exact PPO are skipped. */
export function propagationRows(rows: Row[], actions: number, curves: PropagationCurves = theory): PropagationRow[] {
  const key = (r: Row) => `${r.variant}|${r.K}|${r.m}|${r.replica}|${r.T}`;
  const byRun = new Map<string, Map<number, Row>>();
  for (const r of rows) {
    if (!byRun.has(key(r))) byRun.set(key(r), new Map());
    byRun.get(key(r))!.set(num(r.k), r);
  }
  const out: PropagationRow[] = [];
  for (const r of rows) {
    if (typeof r.tauNext !== "number") continue;
    const next = byRun.get(key(r))!.get(num(r.k) + 1)!;
    for (const c of CHECKS) {
      const lhs = c.lhs(r);
      const rhs = c.rhs(r, next, actions, curves);
      // A missing side (M on exact PPO) skips the check; an infinite right side (ψ* = ∞ once
      // π_θk has underflowed to 0 on an action π* takes) is kept: it holds, vacuously.
      if (Number.isNaN(lhs) || Number.isNaN(rhs)) continue;
      out.push({
        variant: String(r.variant), K: num(r.K), m: num(r.m), T: num(r.T), replica: num(r.replica), k: num(r.k),
        statement: c.statement, reading: c.reading, theorem: c.theorem, lhs, rhs,
        ratio: c.signed ? null : lhs === 0 && rhs === 0 ? 0 : lhs / rhs,
        slack: rhs - lhs,
        holds: lhs <= rhs * (1 + ROUNDING) + ABSOLUTE,
      });
    }
  }
  return out;
}

export interface PropagationSummary {
  statement: string;
  reading: string;
  theorem: boolean;
  rows: number;
  held: number;
  /** Median and max of lhs/rhs (null for signed statements). */
  medianRatio: number | null;
  maxRatio: number | null;
  /** min of rhs − lhs. */
  minSlack: number;
}

/** How often each reading holds, and its slack, over the given rows (grouped by statement and reading). */
export function summarisePropagation(rows: PropagationRow[]): PropagationSummary[] {
  const out: PropagationSummary[] = [];
  for (const c of CHECKS) {
    const rs = rows.filter((r) => r.statement === c.statement && r.reading === c.reading);
    if (rs.length === 0) continue;
    const ratios = rs.map((r) => r.ratio).filter((v): v is number => v !== null).sort((a, b) => a - b);
    out.push({
      statement: c.statement, reading: c.reading, theorem: c.theorem, rows: rs.length, held: rs.filter((r) => r.holds).length,
      medianRatio: ratios.length > 0 ? ratios[Math.floor(ratios.length / 2)] : null, maxRatio: ratios.length > 0 ? ratios[ratios.length - 1] : null,
      minSlack: Math.min(...rs.map((r) => r.slack)),
    });
  }
  return out;
}
