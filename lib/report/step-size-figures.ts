/**
 * Notebooks 01 (Thm 4.5) and 02 (Thm 4.6), NeurIPS numbering: the step-size test of the collapse
 * (SPEC §9). With η = c·T^{-1/2} the residual a direction keeps depends on x = λ·η·T = c·λ·√T, so
 * the curves of one width at several c must coincide against x_min = c·λ_min·√T and shift by
 * c^{-2} against T (`stepSizeShift`, lib/theory.ts). No constant is fitted; the test fails where
 * something the linearisation leaves out (sampling noise, which grows with η; finite width; the
 * projection) depends on η and T separately.
 */
import type { CachedResult } from "../experiments/cache";
import { loadMdpInput } from "../experiments/mdp-input";
import { solverSetting, SolverSweepConfig } from "../experiments/solver-sweeps";
import { linearisedSolver } from "../linearised-dynamics";
import { summarise, Summary } from "../stats";
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
}

/** A pair of neighbouring c compared at the x they share. */
export interface CollapseComparison {
  cLow: number;
  cHigh: number;
  /** The x of the higher c inside the lower c's x range. */
  x: number[];
  /** log(mean_high / mean_low interpolated at x), and its half-width (95% for the pair, Bonferroni over its x). */
  logRatio: number[];
  halfWidth: number[];
  /** The same log-ratio for the linearised prediction (finite ηλ makes it nonzero). */
  predictedLogRatio: number[];
  agree: boolean;
}

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
    return { c: res.rows[0].stepSizeC as number, Ts, x: Ts.map((T) => lambdaMin * eta(T) * T), summary, predicted: Ts.map((T) => predictedMse(solver, eta(T), T).average) };
  }).sort((a, b) => a.c - b.c);
  return { curves, lambdaMin, targetMeanSquare: first.meta.targetMeanSquare as number, m };
}

/**
 * The standard normal quantile Φ^{-1}(p), 0 < p < 1 (Acklam's rational approximation, relative
 * error < 1.2e-9; enough for a confidence band).
 */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Compare neighbouring c at the x they share: the higher c's points inside the lower c's x range,
 * against the lower curve interpolated in log-log; they agree where |log ratio| ≤ z·√(rse₁² + rse₂²)
 * (rse = s.e./mean, the lower one interpolated), z = Φ^{-1}(1 − 0.025/n) for the pair's n shared x:
 * a 95% band for the pair as a whole (Bonferroni), so one pair's verdict does not fail by the
 * chance of one point in twenty.
 */
export function collapseComparisons(curves: StepSizeCurve[]): CollapseComparison[] {
  const out: CollapseComparison[] = [];
  for (let k = 1; k < curves.length; k++) {
    const [lo, hi] = [curves[k - 1], curves[k]];
    const idx = hi.x.map((v, i) => i).filter((i) => hi.x[i] >= lo.x[0] && hi.x[i] <= lo.x[lo.x.length - 1]);
    const logLow = lo.summary.map((g) => Math.log(g.mean));
    const rseLow = lo.summary.map((g) => g.standardError / g.mean);
    const logPredLow = lo.predicted.map(Math.log);
    const logRatio = idx.map((i) => Math.log(hi.summary[i].mean) - interpolate(lo.x, logLow, hi.x[i]));
    const z = idx.length > 0 ? normalQuantile(1 - 0.025 / idx.length) : 1.96;
    const halfWidth = idx.map((i) => z * Math.hypot(hi.summary[i].standardError / hi.summary[i].mean, interpolate(lo.x, rseLow, hi.x[i])));
    out.push({
      cLow: lo.c, cHigh: hi.c, x: idx.map((i) => hi.x[i]), logRatio, halfWidth,
      predictedLogRatio: idx.map((i) => Math.log(hi.predicted[i]) - interpolate(lo.x, logPredLow, hi.x[i])),
      agree: logRatio.every((r, j) => Math.abs(r) <= halfWidth[j]),
    });
  }
  return out;
}

const C_COLORS = [PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[5]];

/** Two panels: error vs T per c (the prediction: shifted by c^-2), and the same against x_min = c·λ_min·√T (the prediction: one curve). */
export function stepSizeFigure(experiment: SolverExperiment, results: CachedResult[], opts: { theorem: "4.5" | "4.6"; label: string }): { figure: Figure; curves: StepSizeCurve[]; comparisons: CollapseComparison[]; lambdaMin: number; m: number } {
  const { curves, lambdaMin, targetMeanSquare: tms, m } = stepSizeCurves(experiment, results);
  const comparisons = collapseComparisons(curves);
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
    "log(MSE_high / MSE_low at the same x)": c.logRatio[j],
    "95% ± (Bonferroni over the pair's x)": c.halfWidth[j],
    "linearised prediction's log ratio": c.predictedLogRatio[j],
    agree: Math.abs(c.logRatio[j]) <= c.halfWidth[j] ? "yes" : "no",
  })));
}

/** The finding: the collapse holds where every shared x agrees within its band, for every pair of neighbouring c. */
export function collapseFindings(comparisons: CollapseComparison[], opts: { theorem: "4.5" | "4.6"; label: string; m: number; figure: string }): Finding[] {
  const tested = comparisons.filter((c) => c.x.length > 0);
  const failing = tested.filter((c) => !c.agree);
  const worst = (c: CollapseComparison) => Math.max(...c.logRatio.map(Math.abs));
  return [{
    statement: `Thm ${opts.theorem} (NeurIPS), ${opts.label}, m = ${opts.m}: the step-size test of the collapse (SPEC §9)`,
    measured: tested.map((c) => `c = ${c.cLow} → ${c.cHigh}: ${c.x.length} shared x_min, |log ratio| ≤ ${worst(c).toFixed(3)} (band ±${Math.min(...c.halfWidth).toFixed(3)}…${Math.max(...c.halfWidth).toFixed(3)}; prediction ${Math.max(...c.predictedLogRatio.map(Math.abs)).toFixed(3)})`).join("; "),
    theory: `error a function of x = c·λ·√T alone: curves coincide against x_min and shift by ${curveLabel(stepSizeShift)} in T (no fitted constant)`,
    ...(tested.length > 0 ? { verdict: failing.length === 0 ? `holds: every shared x agrees within the pair's 95% band (${tested.length} pairs of c)` : `fails for c = ${failing.map((c) => `${c.cLow} → ${c.cHigh}`).join(", ")}${failing.length < tested.length ? `; holds for ${tested.filter((c) => c.agree).map((c) => `${c.cLow} → ${c.cHigh}`).join(", ")}` : ""}` } : {}),
    figure: opts.figure,
  }];
}
