/**
 * Thm 4.9's proof chain against the data (notebook 04; SPEC §5 "The proof's chain"): per run,
 * each measured term of the summed identity
 *   (1−γ)·Σ_k gap_k/λ_k = klStar_0 − klStar_K + Σ_k logPartition_k − Σ_k stepError_k
 * beside the bound the proof puts on it (lib/ppo/chain.ts), the concentrability coefficients
 * along the run (Assumption 4.1), regime labels from the recorded conditioning
 * (lib/ppo/regime.ts), and the neural/exact ratio. Pure functions of result rows.
 */
import type { Row } from "../experiments/results-io";
import { chainBound } from "../ppo/chain";
import { MIN_HORIZONS_FOR_RATE, RunConditioning, seriesRegime } from "../ppo/regime";
import * as theory from "../theory";
import { clusterTMeanInterval, median } from "../stats";
import type { RunSummary, Schedule } from "./convergence-figures";
import { bandedTraces, groupRuns, pointsBy } from "./convergence-figures";
import { Figure, logLogFigure, logLogPanels, PALETTE, sideBySide, Trace, withSubtitle } from "./figures";

export type ChainCurves = Pick<typeof theory, "epsilonK" | "epsilonPrimeK" | "lemma48Bound">;

const num = (v: unknown) => (typeof v === "number" ? v : NaN);
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

/** One run's chain, in the units of the identity's right side (divide by (1−γ)Σλ^{-1} for a gap). */
export interface ChainBudget {
  variant: string;
  K: number;
  m: number;
  T: number;
  replica: number;
  /** klStar_0 (bound: log|A|) and klStar_K (bound: 0 on −klStar_K). */
  klStar0: number;
  klStarK: number;
  logA: number;
  /**
   * Σ logPartition_k, and the proof's bounds on it: after Pinsker (the paper's Lemma 5.2), after
   * Young (½E_ν*‖Δ‖²_∞), Hoeffding's (the project's variant), and Lemma 4.8 on Young's ½E_ν*‖Δ‖²_∞,
   * which is what the chain needs (a bound quadratic in the actor's error): Σ(ε'_k + M/λ_k²) with the
   * NeurIPS ε'_k = |A|τ_{k+1}⁻²ϵ²_{k+1} times ρ_k = max_s ν*(s)/ν_k(s), the change of measure ν_k → ν* its
   * proof skips (sumLemma48), and as printed, ρ_k = 1 (sumLemma48NeurIPS). The revision's
   * ε'_k = 2|A|τ⁻¹ϵϕ* bounds E_ν*‖τ⁻¹g‖_∞ (linear), not this square, so it is not used here.
   */
  sumLogPartition: number;
  sumPinsker: number;
  sumYoung: number;
  sumHoeffding: number;
  sumLemma48: number;
  sumLemma48NeurIPS: number;
  /**
   * Young's ½E‖Δ‖²_∞ split as Lemma 4.8's proof splits it, Δ_k = λ_k⁻¹Q_ω + τ_{k+1}⁻¹g (g Alg. 2's
   * error): ½‖a + b‖² ≤ ‖a‖² + ‖b‖², with both shares measured, Σ E_ν*‖τ⁻¹g‖²_∞ (fit) and
   * Σ E_ν*‖Q_ω/λ_k‖²_∞ (critic); Lemma 4.8 then bounds them by ρ_k|A|τ⁻²ϵ² and M/λ_k².
   */
  sumFitShare: number;
  sumCriticShare: number;
  sumFitBound: number;
  sumCriticBound: number;
  /** Σ stepError_k, and Lemma 4.7's bound on −Σ stepError_k: Σ ε_k with root-MSE ϵ and the measured φ*_k, ψ*_k. */
  sumStepError: number;
  sumEpsilon: number;
  /** (1−γ)Σ_k λ_k^{-1}: what turns the right side into a bound on the gap. */
  scale: number;
  /** The measured right side, and the gaps: min_k, the λ^{-1}-weighted average (= the data-driven bound, exactly). */
  numerator: number;
  minGap: number;
  weightedGap: number;
  /** Thm 4.9's right side in the same units, log|A| + Σ M/λ_k² + Σ(ε_k + ρ_kε'_k), NeurIPS ε'_k with the change of measure. NaN for exact PPO. */
  theoremNumerator: number;
}

/** The chain of every run of `rows` (runs keyed like `summariseRuns`). */
export function chainBudgets(rows: Row[], actions: number, curves: ChainCurves = theory): ChainBudget[] {
  return groupRuns(rows).map((rs) => {
    const first = rs[0];
    const K = num(first.K);
    const gamma = num(first.gamma);
    const steps = rs.slice(0, K);
    const sum = (f: (r: Row) => number) => steps.reduce((s, r) => s + f(r), 0);
    const M = num(first.M);
    const eps = (r: Row) => curves.epsilonK({ tauNext: num(r.tauNext), betaK: num(r.lambda), improveRootMse: Math.sqrt(num(r.improveMse)), evalRootMse: Math.sqrt(num(r.evalMse)), phiStar: num(r.phiStar), psiStar: num(r.psiStar) });
    // Young's ½E‖Δ‖²_∞ ≤ ½·Lemma 4.8 = ρ_k·ε'_k + M/λ_k² (NeurIPS ε'_k; ρ_k = 1 as printed).
    const lemma48 = (r: Row, densityRatio: number) => 0.5 * curves.lemma48Bound({ tauNext: num(r.tauNext), betaK: num(r.lambda), actions, improveMse: num(r.improveMse), M, densityRatio });
    const epsMeasure = (r: Row) => num(r.densityRatioMax) * curves.epsilonPrimeK({ tauNext: num(r.tauNext), actions, improveMse: num(r.improveMse) });
    const cb = chainBound({ klStar: rs.map((r) => num(r.klStar)), logPartition: steps.map((r) => num(r.logPartition)), stepError: steps.map((r) => num(r.stepError)), lambda: steps.map((r) => num(r.lambda)), gap: steps.map((r) => num(r.gap)), gamma });
    const mTerm = sum((r) => M / num(r.lambda) ** 2);
    const exact = first.variant === "exact-ppo";
    return {
      variant: String(first.variant), K, m: num(first.m), T: num(first.T), replica: num(first.replica),
      klStar0: num(first.klStar), klStarK: num(rs[K].klStar), logA: Math.log(actions),
      sumLogPartition: sum((r) => num(r.logPartition)), sumPinsker: sum((r) => num(r.logPartitionPinsker)), sumYoung: sum((r) => num(r.energyStepSq) / 2), sumHoeffding: sum((r) => num(r.logPartitionHoeffding)),
      sumLemma48: exact ? NaN : sum((r) => lemma48(r, num(r.densityRatioMax))), sumLemma48NeurIPS: exact ? NaN : sum((r) => lemma48(r, 1)),
      sumFitShare: exact ? NaN : sum((r) => num(r.improveLinfSq)), sumCriticShare: exact ? NaN : sum((r) => num(r.criticSupSq) / num(r.lambda) ** 2),
      sumFitBound: exact ? NaN : sum(epsMeasure), sumCriticBound: exact ? NaN : mTerm,
      sumStepError: sum((r) => num(r.stepError)), sumEpsilon: exact ? 0 : sum(eps),
      scale: (1 - gamma) * sum((r) => 1 / num(r.lambda)),
      numerator: cb.numerator, minGap: Math.min(...rs.map((r) => num(r.gap))), weightedGap: cb.weightedGap,
      theoremNumerator: exact ? NaN : Math.log(actions) + mTerm + sum(eps) + sum(epsMeasure),
    };
  });
}

/** An arm of the budget: a name and the chains of its runs (one (K, m, T), several replicas). */
export interface BudgetArm {
  name: string;
  budgets: ChainBudget[];
}

/** One term of the budget: its label, short label, measured value, the proof's bound, how it is reached, and the previous step of the chain it bounds (the measured term for the first step). */
type BudgetLine = { term: string; short: string; measured: number; bound: number; how: string; previous: number; previousName: string };

/** The terms of the budget in the order of the proof. */
function budgetLines(b: (f: (x: ChainBudget) => number) => number): BudgetLine[] {
  const logZ = b((x) => x.sumLogPartition), pinsker = b((x) => x.sumPinsker), young = b((x) => x.sumYoung), split = b((x) => x.sumFitShare + x.sumCriticShare);
  const line = (term: string, short: string, measured: number, bound: number, how: string, previous = measured, previousName = "measured"): BudgetLine => ({ term, short, measured, bound, how, previous, previousName });
  return [
    line("klStar_0", "klStar₀", b((x) => x.klStar0), b((x) => x.logA), "log|A| (π* deterministic: equality)"),
    line("−klStar_K", "−klStar<sub>K</sub>", b((x) => -x.klStarK), 0, "0"),
    line("Σ logPartition (Pinsker step)", "ΣlogZ: Pinsker", logZ, pinsker, "Lemma 5.2, paper's form: ‖Δ‖∞·t − t²/2"),
    line("Σ logPartition (Young step)", "ΣlogZ: Young", logZ, young, "Lemma 5.2 as printed: ½E‖Δ‖²∞", pinsker, "Pinsker step"),
    line("Σ logPartition (split into measured shares)", "ΣlogZ: split", logZ, split, "½‖a + b‖²∞ ≤ ‖a‖²∞ + ‖b‖²∞ on Young's ½E‖Δ‖²∞, Δ = Q_ω/λ + τ⁻¹g: Σ(E‖τ⁻¹g‖²∞ + E‖Q_ω/λ‖²∞), both measured", young, "Young step"),
    line("Σ logPartition (Lemma 4.8, change of measure)", "ΣlogZ: L. 4.8", logZ, b((x) => x.sumLemma48), "½·Lemma 4.8 on the split: Σ(ρ_k·|A|τ⁻²ϵ² + M/λ_k²), ρ_k = max_s ν*/ν_k", split, "split"),
    line("Σ logPartition (Lemma 4.8 as printed, ρ = 1)", "ΣlogZ: L. 4.8 printed", logZ, b((x) => x.sumLemma48NeurIPS), "the same without the change of measure (NeurIPS as printed; can fail, notebook 03)", split, "split"),
    line("fit share Σ E‖τ⁻¹g‖²∞ (Lemma 4.8's first term)", "fit share", b((x) => x.sumFitShare), b((x) => x.sumFitBound), "Σ ρ_k·|A|τ⁻²ϵ² (NeurIPS ε'_k with the change of measure)"),
    line("critic share Σ E‖Q_ω/λ‖²∞ (Lemma 4.8's second term)", "critic share", b((x) => x.sumCriticShare), b((x) => x.sumCriticBound), "Σ M/λ_k², M = 2E max u²_α(0) + 2R_f²"),
    line("−Σ stepError (Lemma 4.7)", "−Σ stepErr: L. 4.7", b((x) => -x.sumStepError), b((x) => x.sumEpsilon), "Σ ε_k, root-MSE ϵ, measured φ*, ψ*"),
    line("right side", "right side", b((x) => x.numerator), b((x) => x.theoremNumerator), "Thm 4.9's numerator / β²"),
    line("min gap ≤ right side/((1−γ)Σλ⁻¹)", "min gap", b((x) => x.minGap), b((x) => x.theoremNumerator / x.scale), "Thm 4.9 with measured errors", b((x) => x.weightedGap), "λ⁻¹-weighted gap (the data-driven bound)"),
  ];
}

const decades = (bound: number, below: number) => (below > 0 && bound > 0 ? Math.log10(bound / below) : "");

/**
 * Per arm and term: measured (mean over replicas), the proof's bound, the orders of magnitude
 * between them, and those between the bound and the previous step of the chain (what this
 * inequality loses on its own: Young's over Pinsker's, Lemma 4.8's over Young's, …).
 */
export function budgetTable(arms: BudgetArm[]): Record<string, number | string>[] {
  return arms.flatMap((arm) => {
    const b = (f: (x: ChainBudget) => number) => mean(arm.budgets.map(f));
    return budgetLines(b).map((l) => ({
      arm: arm.name, term: l.term, measured: l.measured, bound: l.bound, "bound is": l.how,
      "log10(bound/measured)": decades(l.bound, l.measured),
      "previous step": l.previousName,
      "log10(bound/previous step)": decades(l.bound, l.previous),
    }));
  });
}

/**
 * The budget figure: one panel per arm, one group per term of the chain, the measured value
 * (mean over replicas, |·| on a log axis, hatched when negative) beside the bound the proof puts
 * on it. Terms whose bound is 0 or NaN show the measured bar alone.
 */
export function budgetFigure(arms: BudgetArm[], opts: { title: string; subtitle: string }): Figure {
  const traces: Trace[] = [];
  const columns = Math.min(3, arms.length);
  const rows = Math.ceil(arms.length / columns);
  const layout: Record<string, unknown> = {
    title: { text: opts.title },
    barmode: "group",
    legend: { orientation: "h", x: 0, y: -0.12, xanchor: "left", yanchor: "top" },
    margin: { l: 80, r: 30, t: 110, b: 60 },
    template: { layout: { font: { family: "Helvetica, Arial, sans-serif", size: 13 } } },
    plot_bgcolor: "#ffffff",
    paper_bgcolor: "#ffffff",
    annotations: [] as Record<string, unknown>[],
  };
  const gapX = 0.06, gapY = 0.2;
  const w = (1 - gapX * (columns - 1)) / columns;
  const h = (1 - gapY * (rows - 1)) / rows;
  arms.forEach((arm, p) => {
    const b = (f: (x: ChainBudget) => number) => mean(arm.budgets.map(f));
    const lines = budgetLines(b);
    const labels = lines.map((l) => l.short);
    const suffix = p === 0 ? "" : String(p + 1);
    const axes = { xaxis: `x${suffix}`, yaxis: `y${suffix}` };
    // Rounding zeros (exact PPO's stepError ~1e-16) would stretch the log axis over 15 decades: drawn at the floor.
    const measured = lines.map((l) => (Math.abs(l.measured) > 1e-9 ? Math.abs(l.measured) : null));
    const bounds = lines.map((l) => (l.bound > 0 && Number.isFinite(l.bound) ? l.bound : null));
    const panelValues = [...measured, ...bounds].filter((v): v is number => v !== null && v > 0 && Number.isFinite(v));
    traces.push({ type: "bar", name: "measured term (|·|; hatched: negative; absent: below 1e-9)", x: labels, y: measured, marker: { color: PALETTE[0], pattern: { shape: lines.map((l) => (l.measured < 0 ? "/" : "")) } }, legendgroup: "measured", showlegend: p === 0, ...axes });
    traces.push({ type: "bar", name: "the proof's bound on it", x: labels, y: bounds, marker: { color: PALETTE[1] }, legendgroup: "bound", showlegend: p === 0, ...axes });
    const col = p % columns, row = Math.floor(p / columns);
    const x0 = col * (w + gapX), y1 = 1 - row * (h + gapY);
    layout[`xaxis${suffix}`] = { domain: [x0, x0 + w], anchor: `y${suffix}`, tickangle: -35, tickfont: { size: 11 } };
    // Each panel its own decades: one shared axis let the cautionary arm's 10²⁵ flatten every other arm's terms.
    const range = [Math.floor(Math.log10(Math.min(...panelValues))) - 0.2, Math.ceil(Math.log10(Math.max(...panelValues))) + 0.2];
    layout[`yaxis${suffix}`] = { domain: [y1 - h, y1], anchor: `x${suffix}`, type: "log", exponentformat: "power", range, ...(col === 0 ? { title: { text: "value" } } : {}) };
    (layout.annotations as Record<string, unknown>[]).push({ text: `<b>${arm.name}</b>`, xref: "paper", yref: "paper", x: x0 + w / 2, y: y1 + 0.01, xanchor: "center", yanchor: "bottom", showarrow: false, font: { size: 12 } });
  });
  return withSubtitle({ data: traces, layout }, opts.subtitle);
}

/**
 * Assumption 4.1 along the run, per arm: max over k, replicas and runs of φ*_k, ψ*_k, ϕ*_k and
 * max_s ν*(s)/ν_k(s), beside their values at π_0 (k = 0), and the k where ψ*_k peaks.
 */
export function concentrabilityTable(arms: { name: string; rows: Row[] }[]): Record<string, number | string>[] {
  return arms.map(({ name, rows }) => {
    const neural = rows.filter((r) => r.variant !== "exact-ppo");
    const sel = neural.length > 0 ? neural : rows;
    const at0 = sel.filter((r) => r.k === 0);
    const maxOf = (c: string, rs: Row[]) => Math.max(...rs.map((r) => num(r[c])).filter(Number.isFinite));
    const worst = sel.reduce((a, r) => (num(r.psiStar) > num(a.psiStar) ? r : a), sel[0]);
    return {
      arm: name,
      "φ* at π0": maxOf("phiStar", at0), "max_k φ*": maxOf("phiStar", sel),
      "ψ* at π0": maxOf("psiStar", at0), "max_k ψ*": maxOf("psiStar", sel),
      "ϕ* at π0": maxOf("varphiStar", at0), "max_k ϕ*": maxOf("varphiStar", sel),
      "ν*/ν at π0": maxOf("densityRatioMax", at0), "max_k max_s ν*/ν_k": maxOf("densityRatioMax", sel),
      "ψ* peaks at": `K = ${worst.K}, ${worst.variant === "exact-ppo" ? "exact PPO" : `m = ${worst.m}`}, k = ${worst.k}`,
    };
  });
}

/** A schedule of one arm for the regime table: its name, the runs, and T(K). */
export interface RegimeSeries {
  arm: string;
  schedule: Schedule;
  runs: RunSummary[];
  /** m as a function of K (default: every m the runs hold, one series per m). */
  width?: (K: number) => number;
}

/** x for a table: a λ_min at rounding level (|x| < 1e-9, possibly negative) as "≈0". */
const xText = (x: number) => (Math.abs(x) < 1e-9 ? "≈0" : x.toPrecision(2));

/**
 * Per series: each K's worst x of both solvers, the widths, the inner MSEs' slopes in K against the
 * rates Thm 4.9 needs, c, min T against 64/(1−γ)², R_f against R_Q, and the label `seriesRegime`
 * computes from them (lib/ppo/regime.ts).
 */
export function regimeTable(series: RegimeSeries[]): Record<string, number | string>[] {
  return series.flatMap((s) => {
    const onSchedule = s.runs.filter((r) => r.variant !== "exact-ppo" && r.T === s.schedule.T(r.K) && (!s.width || r.m === s.width(r.K)));
    const widths = s.width ? [undefined] : [...new Set(onSchedule.map((r) => r.m))].sort((a, b) => a - b);
    return widths.flatMap((m) => {
      const rs = onSchedule.filter((r) => m === undefined || r.m === m);
      const Ks = [...new Set(rs.map((r) => r.K))].sort((a, b) => a - b);
      if (Ks.length === 0) return [];
      const perK: RunConditioning[] = Ks.map((K) => {
        const at = rs.filter((r) => r.K === K).sort((a, b) => a.replica - b.replica);
        return {
          K, m: at[0].m, xCritic: Math.min(...at.map((r) => r.xCritic)), xActor: Math.min(...at.map((r) => r.xActor)),
          improveMse: at.map((r) => r.improveMseMax), evalMse: at.map((r) => r.evalMseMax),
          c: Math.max(...at.map((r) => r.stepSizeC)), T: at[0].T, gamma: at[0].gamma, radiusF: Math.min(...at.map((r) => r.radiusF)), radiusQ: Math.max(...at.map((r) => r.radiusQ)),
        };
      });
      const { label, actorRate, criticRate } = seriesRegime(perK);
      const rate = (t: typeof actorRate) => (t ? `${t.slope.toFixed(2)} [${t.lo.toFixed(2)}, ${t.hi.toFixed(2)}] vs ${t.required}: ${t.passed ? "met" : "not met"}` : `untested (< ${MIN_HORIZONS_FOR_RATE} K)`);
      const gamma = perK[0].gamma ?? NaN;
      return [{
        arm: s.arm, schedule: s.schedule.label, c: rs[0].stepSizeC, "m (by K)": perK.map((p) => p.m).join(", "), K: Ks.join(", "),
        "Alg. 3: min x per K": perK.map((p) => xText(p.xCritic)).join(", "),
        "Alg. 2: min x per K": perK.map((p) => xText(p.xActor)).join(", "),
        "actor MSE slope in K (95%, residual t)": rate(actorRate),
        "critic MSE slope in K (95%, residual t)": rate(criticRate),
        "min T / (64/(1−γ)²)": (Math.min(...perK.map((p) => p.T ?? NaN)) * (1 - gamma) ** 2 / 64).toPrecision(3),
        "R_f, R_Q": `${perK[0].radiusF}, ${perK[0].radiusQ}`,
        label,
      }];
    });
  });
}

/**
 * Two log-log panels over K on one schedule: min_k gap per width with exact PPO beside it (left),
 * and the neural/exact min-gap ratio per width (right, 1 = exact PPO), where the widths' curves,
 * too close to tell apart on the left, separate. `diagonal` (a width growing with K, m(K)) adds
 * that series dashed to both. Slopes (with intervals, computed by the caller) go in the legend.
 */
export function widthFigure(runs: RunSummary[], opts: { schedule: Schedule; exact: RunSummary[]; title: string; subtitle: string; slopes: Map<number, { slope: number; lo: number; hi: number } | null>; diagonal?: { label: string; m: (K: number) => number } }): Figure {
  const neural = runs.filter((r) => r.variant === "neural-ppo" && r.T === opts.schedule.T(r.K));
  const widths = [...new Set(neural.map((r) => r.m))].sort((a, b) => a - b);
  const exactAt = new Map(opts.exact.map((r) => [r.K, r.minGap]));
  const ratio = (r: RunSummary) => r.minGap / exactAt.get(r.K)!;
  const gaps: Trace[] = [...bandedTraces("exact PPO", pointsBy(opts.exact, (r) => r.K, (r) => r.minGap), "#000000", { legendgroup: "exact" })];
  const ratios: Trace[] = [];
  widths.forEach((m, i) => {
    const s = opts.slopes.get(m);
    const at = neural.filter((r) => r.m === m);
    const color = PALETTE[i % PALETTE.length];
    gaps.push(...bandedTraces(`m = ${m}${s ? ` (slope ${s.slope.toFixed(2)} [${s.lo.toFixed(2)}, ${s.hi.toFixed(2)}])` : ""}`, pointsBy(at, (r) => r.K, (r) => r.minGap), color, { legendgroup: `m${m}` }));
    ratios.push(...bandedTraces(`m = ${m}`, pointsBy(at.filter((r) => exactAt.has(r.K)), (r) => r.K, ratio), color, { legendgroup: `m${m}`, showlegend: false }));
  });
  if (opts.diagonal) {
    const d = opts.diagonal;
    const on = neural.filter((r) => r.m === d.m(r.K));
    gaps.push(...bandedTraces(d.label, pointsBy(on, (r) => r.K, (r) => r.minGap), "#777777", { dash: "dash", legendgroup: "diagonal" }));
    ratios.push(...bandedTraces(d.label, pointsBy(on.filter((r) => exactAt.has(r.K)), (r) => r.K, ratio), "#777777", { dash: "dash", legendgroup: "diagonal", showlegend: false }));
  }
  const Ks = [...new Set([...neural, ...opts.exact].map((r) => r.K))].sort((a, b) => a - b);
  ratios.push({ type: "scatter", mode: "lines", name: "ratio 1 (neural = exact)", x: [Ks[0], Ks[Ks.length - 1]], y: [1, 1], line: { color: "#000000", dash: "dot", width: 1 }, legendgroup: "exact", showlegend: false });
  const figure = logLogPanels({ title: opts.title, subtitle: opts.subtitle, xTitle: "horizon K", yTitle: "min<sub>k≤K</sub> gap", xValues: Ks, shareY: false, panels: [{ title: "min gap", traces: gaps }, { title: "neural / exact PPO (1: equal)", traces: ratios }] });
  // The ratios span a few percent around 1, where a log axis has a single tick: a linear axis with ticks.
  const { tickvals: _v, ticktext: _t, ...ratioAxis } = figure.layout.yaxis2 as Record<string, unknown>;
  figure.layout.yaxis2 = { ...ratioAxis, type: "linear", tickformat: ".3f", nticks: 8, title: { text: "min gap: neural / exact" } };
  return figure;
}

/** neural/exact min-gap ratio against K per schedule (mean over replicas of neural min-gap / exact min-gap), with a 95% Student's t interval over replicas (one value per replica and K). */
export function ratioFigure(series: { label: string; runs: RunSummary[]; T: (K: number) => number }[], exact: RunSummary[], opts: { m: number; title: string; subtitle: string }): { figure: Figure; table: Record<string, number | string>[] } {
  const exactAt = new Map(exact.map((r) => [r.K, r.minGap]));
  const traces: Trace[] = [];
  const table: Record<string, number | string>[] = [];
  series.forEach((s, i) => {
    const sel = s.runs.filter((r) => r.variant === "neural-ppo" && r.m === opts.m && r.T === s.T(r.K) && exactAt.has(r.K));
    const pts = pointsBy(sel, (r) => r.K, (r) => r.minGap / exactAt.get(r.K)!);
    traces.push(...bandedTraces(s.label, pts, PALETTE[i % PALETTE.length]));
    for (const p of pts) {
      const ci = clusterTMeanInterval(sel.filter((r) => r.K === p.x).map((r) => ({ cluster: r.replica, value: r.minGap / exactAt.get(r.K)! })));
      table.push({ schedule: s.label, K: p.x, T: s.T(p.x), "neural/exact min gap": p.mean, "95% (Student's t over replicas)": `[${ci.lo.toFixed(2)}, ${ci.hi.toFixed(2)}]` });
    }
  });
  const Ks = [...new Set(series.flatMap((s) => s.runs.map((r) => r.K)))].sort((a, b) => a - b);
  // Over the series' K only: exact PPO's runs reach K = 4096 and stretched the axis far past the data.
  traces.push({ type: "scatter", mode: "lines", name: "ratio 1 (neural = exact)", x: [Ks[0], Ks[Ks.length - 1]], y: [1, 1], line: { color: "#888888", dash: "dot" } });
  return { figure: withSubtitle(logLogFigure({ title: opts.title, xTitle: "horizon K", yTitle: "min gap: neural PPO / exact PPO", traces, xValues: Ks }), opts.subtitle), table };
}

/**
 * Assumption 4.1 along one group of runs (e.g. the cautionary arm at one K): per width, the
 * median over replicas of ψ*_k, φ*_k and max_s ν*(s)/ν_k(s) against k (left, log), and of the
 * gap (right): the coefficients the assumption asks to stay bounded, beside what the policy does.
 */
export function concentrabilityFigure(rows: Row[], opts: { title: string; subtitle: string }): Figure {
  const neural = rows.filter((r) => r.variant !== "exact-ppo");
  const widths = [...new Set(neural.map((r) => num(r.m)))].sort((a, b) => a - b);
  const traces: Trace[] = [];
  const cols: [string, string, string][] = [["psiStar", "ψ*<sub>k</sub>", "solid"], ["phiStar", "φ*<sub>k</sub>", "dash"], ["densityRatioMax", "max<sub>s</sub> ν*/ν<sub>k</sub>", "dot"]];
  widths.forEach((m, i) => {
    const sel = neural.filter((r) => r.m === m);
    const ks = [...new Set(sel.map((r) => num(r.k)))].sort((a, b) => a - b);
    const at = (c: string) => ks.map((k) => median(sel.filter((r) => r.k === k).map((r) => num(r[c]))));
    for (const [c, label, dash] of cols) traces.push({ type: "scatter", mode: "lines", name: `m = ${m}: ${label}`, x: ks, y: at(c), line: { color: PALETTE[i % PALETTE.length], dash }, legendgroup: `m${m}` });
    traces.push({ type: "scatter", mode: "lines", name: `m = ${m}: gap`, x: ks, y: at("gap"), line: { color: PALETTE[i % PALETTE.length] }, xaxis: "x2", yaxis: "y2", legendgroup: `m${m}`, showlegend: false });
  });
  return sideBySide({
    title: opts.title,
    subtitle: opts.subtitle,
    traces,
    axes: [
      { x: { title: { text: "iteration k" } }, y: { title: { text: "concentrability (median over replicas)" }, type: "log", exponentformat: "power" } },
      { x: { title: { text: "iteration k (same line colours: the gap)" } }, y: { title: { text: "gap L(π*) − L(π<sub>θ<sub>k</sub></sub>)" }, rangemode: "tozero" } },
    ],
  });
}

/**
 * Exact PPO past its pre-asymptotic stretch: min_k gap against K (each K its own run, log-log),
 * its local slope between consecutive K, and exact PMD with growing steps against its iteration
 * count (a linear rate), with a c·K^{-1/2} guide through exact PPO's first point.
 */
export function exactContextFigure(exact: RunSummary[], pmd: { k: number; gap: number }[], opts: { title: string; subtitle: string; curves?: Pick<typeof theory, "horizonRate"> }): { figure: Figure; localSlopes: { from: number; to: number; slope: number }[] } {
  const curves = opts.curves ?? theory;
  const pts = pointsBy(exact, (r) => r.K, (r) => r.minGap);
  const localSlopes = pts.slice(1).map((p, i) => ({ from: pts[i].x, to: p.x, slope: Math.log(p.mean / pts[i].mean) / Math.log(p.x / pts[i].x) }));
  const positive = pmd.filter((p) => p.k >= 1 && p.gap > 0);
  const c = pts[0].mean / curves.horizonRate(pts[0].x, 1);
  const Ks = pts.map((p) => p.x);
  const traces: Trace[] = [
    { type: "scatter", mode: "lines+markers", name: "exact PPO: min gap (β_k = β√K, each K its own run)", x: Ks, y: pts.map((p) => p.mean), line: { color: "#000000" } },
    { type: "scatter", mode: "lines+markers", name: "exact PMD, η_k = η_0·γ<sup>−k</sup>: gap after k = K iterations", x: positive.map((p) => p.k), y: positive.map((p) => p.gap), line: { color: PALETTE[1] } },
    { type: "scatter", mode: "lines", name: `guide: ${theory.curveLabel(curves.horizonRate)} through exact PPO's first point`, x: Ks, y: Ks.map((K) => curves.horizonRate(K, c)), line: { color: "#888888", dash: "longdash", width: 1 } },
  ];
  return { figure: withSubtitle(logLogFigure({ title: opts.title, xTitle: "K (exact PPO: horizon; PMD: iterations)", yTitle: "gap", traces, xValues: Ks }), opts.subtitle), localSlopes };
}
