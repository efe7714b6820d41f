/**
 * Notebooks 01 (Thm 4.5) and 02 (Thm 4.6), NeurIPS numbering: the step-size test of the collapse
 * (SPEC §9). With η = c·T^{-1/2} the residual a direction keeps depends on x = λ·η·T = c·λ·√T, so
 * the curves of one width at several c must coincide against x_min = c·λ_min·√T and shift by
 * c^{-2} against T (`stepSizeShift`, lib/theory.ts). No constant is fitted; the test fails where
 * something the linearisation leaves out (sampling noise, which grows with η; finite width; the
 * projection) depends on η and T separately.
 *
 * The curves at different c share each replica's α(0) and sample stream (the sweep seeds them
 * by width and replica, not by c), so they are compared replica by replica: the paired log-ratio
 * of one replica's errors has a much smaller spread than two independent means would, and a band
 * built from the two curves' separate standard errors would be too wide (biased toward "agree").
 * Agreement is an equivalence statement with an explicit margin δ: the pair's 95% interval of the
 * mean paired log-ratio must lie inside ±δ at every shared x.
 */
import type { CachedResult } from "../experiments/cache";
import { loadMdpInput } from "../experiments/mdp-input";
import { solverSetting, SolverSweepConfig } from "../experiments/solver-sweeps";
import { linearisedSolver } from "../linearised-dynamics";
import { meanAndStandardError, summarise, Summary, tQuantileTwoSided } from "../stats";
import { curveLabel, stepSizeShift } from "../theory";
import { bandSeries, curveTrace, Figure, logLogPanels, mathLabel, PALETTE } from "./figures";
import type { Finding } from "./findings";
import { predictedMse, SolverExperiment } from "./solver-figures";

/** One step constant c: its mean error per T, x_min per T, and the linearised prediction per T. */
export interface StepSizeCurve {
  c: number;
  Ts: number[];
  x: number[];
  summary: Summary[];
  predicted: number[];
  /** The replica indices, sorted, and per T each replica's log error (`logByReplica[t][r]`, same replica order). */
  replicas: number[];
  logByReplica: number[][];
}

/** Where a pair of c stands against the margin: interval inside ±δ everywhere, outside it somewhere, or neither. */
export type CollapseOutcome = "equivalent" | "different" | "inconclusive";

/** A pair of neighbouring c compared at the x they share. */
export interface CollapseComparison {
  cLow: number;
  cHigh: number;
  /** The x of the higher c inside the lower c's x range. */
  x: number[];
  /**
   * Per shared x: the mean over replicas of log(error_high,r / error_low,r interpolated at x) (the
   * same replica r at both c), and its half-width: Student's t with n − 1 degrees of freedom at the
   * pair's 95% (Bonferroni over its shared x) times the paired standard error.
   */
  logRatio: number[];
  halfWidth: number[];
  /** Replicas paired. */
  pairs: number;
  /** The equivalence margin δ on the log-ratio. */
  margin: number;
  /** Per shared x: the interval inside ±δ ("equivalent"), entirely outside it ("different"), or straddling it. */
  outcomes: CollapseOutcome[];
  /** The pair's outcome: "different" if any x is, "equivalent" if every x is, else "inconclusive". */
  outcome: CollapseOutcome;
  /** The same log-ratio for the linearised prediction (finite ηλ makes it nonzero). */
  predictedLogRatio: number[];
  /** outcome === "equivalent". */
  agree: boolean;
}

/** The default equivalence margin on the log-ratio: curves within about 10% of each other coincide. */
export const COLLAPSE_MARGIN = 0.1;

/** Linear interpolation of y in log x (x sorted). */
function interpolate(x: number[], y: number[], at: number): number {
  const k = x.findIndex((v) => v >= at);
  if (k === 0) return y[0];
  const t = (Math.log(at) - Math.log(x[k - 1])) / (Math.log(x[k]) - Math.log(x[k - 1]));
  return y[k - 1] + t * (y[k] - y[k - 1]);
}

export function stepSizeCurves(experiment: SolverExperiment, results: CachedResult[]): { curves: StepSizeCurve[]; lambdaMin: number; targetMeanSquare: number; m: number } {
  const first = results[0];
  const lambdaMin = (experiment === "evaluation" ? first.meta.tdLambdaMinRe : first.meta.ntkLambdaMin) as number;
  const m = first.rows[0].m as number;
  const curves = results.map((res) => {
    const config = res.meta.config as SolverSweepConfig;
    const { mdp } = loadMdpInput(config.mdp);
    const solver = linearisedSolver(experiment, solverSetting(experiment, config, mdp), config.init ?? "paper");
    const summary = summarise(res.rows.filter((r) => r.m === m), ["T"], "mseAverage").sort((a, b) => (a.T as number) - (b.T as number));
    const Ts = summary.map((g) => g.T as number);
    const eta = (T: number) => res.rows.find((r) => r.T === T)!.eta as number;
    const mine = res.rows.filter((r) => r.m === m);
    const replicas = [...new Set(mine.map((r) => r.replica as number))].sort((a, b) => a - b);
    const logByReplica = Ts.map((T) => replicas.map((rep) => {
      const row = mine.find((r) => r.T === T && r.replica === rep);
      if (!row) throw new RangeError(`no row at T = ${T}, replica ${rep}`);
      return Math.log(row.mseAverage as number);
    }));
    return { c: res.rows[0].stepSizeC as number, Ts, x: Ts.map((T) => lambdaMin * eta(T) * T), summary, predicted: Ts.map((T) => predictedMse(solver, eta(T), T).average), replicas, logByReplica };
  }).sort((a, b) => a.c - b.c);
  return { curves, lambdaMin, targetMeanSquare: first.meta.targetMeanSquare as number, m };
}

/**
 * Compare neighbouring c at the x they share: the higher c's points inside the lower c's x range,
 * against the lower curve interpolated in log-log, replica by replica (the same α(0) and samples
 * at every c): d_r = log error_high,r − interpolated log error_low,r. The mean of d_r has the
 * half-width t·s.e.(d), t two-sided at 1 − 0.05/n for the pair's n shared x (Bonferroni: one
 * pair's verdict does not fail by the chance of one point in twenty) with R − 1 degrees of freedom.
 * Against the margin δ (`margin`, default `COLLAPSE_MARGIN`): "equivalent" where the interval
 * lies inside ±δ, "different" where it lies entirely outside, "inconclusive" where it straddles δ.
 */
export function collapseComparisons(curves: StepSizeCurve[], opts: { margin?: number } = {}): CollapseComparison[] {
  const margin = opts.margin ?? COLLAPSE_MARGIN;
  if (!(margin > 0)) throw new RangeError(`margin must be positive, got ${margin}`);
  const out: CollapseComparison[] = [];
  for (let k = 1; k < curves.length; k++) {
    const [lo, hi] = [curves[k - 1], curves[k]];
    if (lo.replicas.length !== hi.replicas.length || lo.replicas.some((r, i) => r !== hi.replicas[i])) throw new RangeError(`c = ${lo.c} and c = ${hi.c} must run the same replicas to be paired`);
    const R = lo.replicas.length;
    if (R < 2) throw new RangeError(`a paired comparison needs at least 2 replicas, got ${R}`);
    const idx = hi.x.map((v, i) => i).filter((i) => hi.x[i] >= lo.x[0] && hi.x[i] <= lo.x[lo.x.length - 1]);
    const logPredLow = lo.predicted.map(Math.log);
    const paired = idx.map((i) => meanAndStandardError(lo.replicas.map((_, r) => hi.logByReplica[i][r] - interpolate(lo.x, lo.logByReplica.map((v) => v[r]), hi.x[i]))));
    const t = idx.length > 0 ? tQuantileTwoSided(1 - 0.05 / idx.length, R - 1) : tQuantileTwoSided(0.95, R - 1);
    const logRatio = paired.map((p) => p.mean);
    const halfWidth = paired.map((p) => t * p.standardError);
    const outcomes: CollapseOutcome[] = logRatio.map((d, j) => (Math.abs(d) + halfWidth[j] <= margin ? "equivalent" : Math.abs(d) - halfWidth[j] > margin ? "different" : "inconclusive"));
    const outcome: CollapseOutcome = outcomes.includes("different") ? "different" : outcomes.length > 0 && outcomes.every((o) => o === "equivalent") ? "equivalent" : "inconclusive";
    out.push({
      cLow: lo.c, cHigh: hi.c, x: idx.map((i) => hi.x[i]), logRatio, halfWidth, pairs: R, margin, outcomes, outcome,
      predictedLogRatio: idx.map((i) => Math.log(hi.predicted[i]) - interpolate(lo.x, logPredLow, hi.x[i])),
      agree: outcome === "equivalent",
    });
  }
  return out;
}

const C_COLORS = [PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[5]];

/** Two panels: error vs T per c (the prediction: shifted by c^-2), and the same against x_min = c·λ_min·√T (the prediction: one curve). */
export function stepSizeFigure(experiment: SolverExperiment, results: CachedResult[], opts: { theorem: "4.5" | "4.6"; label: string; margin?: number }): { figure: Figure; curves: StepSizeCurve[]; comparisons: CollapseComparison[]; lambdaMin: number; m: number } {
  const { curves, lambdaMin, targetMeanSquare: tms, m } = stepSizeCurves(experiment, results);
  const comparisons = collapseComparisons(curves, { margin: opts.margin });
  const tracesT = [];
  const tracesX = [];
  for (const [k, cv] of curves.entries()) {
    const color = C_COLORS[k % C_COLORS.length];
    const mean = cv.summary.map((g) => g.mean / tms);
    const se = cv.summary.map((g) => g.standardError / tms);
    tracesT.push(...bandSeries({ name: `c = ${cv.c} (η = c·T<sup>−1/2</sup>)`, x: cv.Ts, mean, standardError: se, n: cv.summary.map((g) => g.n), color, panel: 0, group: `c${cv.c}` }));
    tracesT.push(curveTrace({ name: `c = ${cv.c}: linearised prediction`, x: cv.Ts, y: cv.predicted.map((v) => v / tms), color, dash: "dot", width: 1, panel: 0, group: `p${cv.c}`, showlegend: false }));
    tracesX.push(...bandSeries({ name: `c = ${cv.c}`, x: cv.x, mean, standardError: se, n: cv.summary.map((g) => g.n), color, panel: 1, group: `c${cv.c}`, showlegend: false }));
    tracesX.push(curveTrace({ name: `c = ${cv.c}: linearised prediction`, x: cv.x, y: cv.predicted.map((v) => v / tms), color, dash: "dot", width: 1, panel: 1, group: `p${cv.c}`, showlegend: false }));
  }
  tracesT.push(curveTrace({ name: "dotted: the linearised prediction at each c (no fitted constant)", x: [curves[0].Ts[0]], y: [curves[0].predicted[0] / tms], color: "#000000", dash: "dot", width: 1, panel: 0, group: "legend-pred" }));
  const figure = logLogPanels({
    title: `Thm ${opts.theorem}: the step-size test of the collapse, η = c·T<sup>−1/2</sup>`,
    subtitle: `${opts.label}, m = ${m}, ${curves[0].summary[0].n} replicas; bands 95%<br>prediction, no fitted constant: shifted by ${mathLabel(curveLabel(stepSizeShift))} in T (left), one curve against x<sub>min</sub> (right)`,
    panels: [
      { title: "<b>against T</b>: shifted left by c<sup>−2</sup> as c grows", traces: tracesT },
      { title: `<b>against x<sub>min</sub> = c·λ<sub>min</sub>·√T</b> (λ<sub>min</sub> = ${lambdaMin.toExponential(2)}): one curve if the collapse holds`, traces: tracesX, verticals: [{ x: 1, label: "x<sub>min</sub> = 1" }] },
    ],
    xTitle: "T (left) · x<sub>min</sub> = c·λ<sub>min</sub>·√T (right)",
    yTitle: "MSE / E[target²]",
    xValues: curves.flatMap((c) => c.Ts),
    powerOfTwoX: false,
  });
  return { figure, curves, comparisons, lambdaMin, m };
}

/** The comparisons as table rows. */
export function collapseTable(comparisons: CollapseComparison[]): Record<string, string | number>[] {
  return comparisons.flatMap((c) => c.x.map((x, j) => ({
    "c (low → high)": `${c.cLow} → ${c.cHigh}`,
    x_min: x,
    "mean paired log(MSE_high / MSE_low at the same x)": c.logRatio[j],
    "95% ± (paired, t over replicas, Bonferroni over the pair's x)": c.halfWidth[j],
    "margin δ": c.margin,
    "linearised prediction's log ratio": c.predictedLogRatio[j],
    outcome: c.outcomes[j],
  })));
}

/**
 * The finding: the collapse holds for a pair of neighbouring c where its paired interval lies inside
 * ±δ at every shared x, fails where it lies outside ±δ somewhere; otherwise the data cannot tell.
 */
export function collapseFindings(comparisons: CollapseComparison[], opts: { theorem: "4.5" | "4.6"; label: string; m: number; figure: string }): Finding[] {
  const tested = comparisons.filter((c) => c.x.length > 0);
  const pairs = (o: CollapseOutcome) => tested.filter((c) => c.outcome === o).map((c) => `${c.cLow} → ${c.cHigh}`).join(", ");
  const worst = (c: CollapseComparison) => Math.max(...c.logRatio.map(Math.abs));
  const margin = tested[0]?.margin ?? COLLAPSE_MARGIN;
  const verdict = tested.some((c) => c.outcome === "different")
    ? `fails for c = ${pairs("different")} (paired interval outside ±${margin})${tested.some((c) => c.outcome === "equivalent") ? `; holds for ${pairs("equivalent")}` : ""}${tested.some((c) => c.outcome === "inconclusive") ? `; inconclusive for ${pairs("inconclusive")}` : ""}`
    : tested.every((c) => c.outcome === "equivalent")
      ? `holds: every shared x within ±${margin} at 95% (paired, ${tested.length} pairs of c)`
      : `no verdict for c = ${pairs("inconclusive")} (interval straddles ±${margin})${tested.some((c) => c.outcome === "equivalent") ? `; holds for ${pairs("equivalent")}` : ""}`;
  return [{
    statement: `Thm ${opts.theorem} (NeurIPS), ${opts.label}, m = ${opts.m}: the step-size test of the collapse (SPEC §9)`,
    measured: tested.map((c) => `c = ${c.cLow} → ${c.cHigh}: ${c.x.length} shared x_min, ${c.pairs} paired replicas, |mean paired log ratio| ≤ ${worst(c).toFixed(3)} (95% ±${Math.min(...c.halfWidth).toFixed(3)}…${Math.max(...c.halfWidth).toFixed(3)}; prediction ${Math.max(...c.predictedLogRatio.map(Math.abs)).toFixed(3)}): ${c.outcome}`).join("; "),
    theory: `error a function of x = c·λ·√T alone: curves coincide against x_min (within the margin δ = ${margin} on the log-ratio) and shift by ${curveLabel(stepSizeShift)} in T (no fitted constant)`,
    ...(tested.length > 0 ? { verdict } : {}),
    figure: opts.figure,
  }];
}
