/**
 * Notebooks 01 (Thm 4.5) and 02 (Thm 4.6), NeurIPS numbering: the radius and the linearisation,
 * the two parts of the bounds that the error-vs-T figures do not reach (lib/report/solver-figures.ts).
 *
 *  - A radius sweep: one single-valued config per radius R = k·R_min (k the config's
 *    `radius.realizabilityMultiple`, R_min each replica's minimum radius making the exact target
 *    realizable, Assumption 4.3), from below R_min (the projection binds, the target is out of
 *    reach) to above it. Shown: the error, where the outputs end (‖θ̄ − α(0)‖, ‖θ(T−1) − α(0)‖
 *    against R) and how often the projection acted; beside them the bound with c = 1 on the
 *    target's scale, which says where it is vacuous.
 *  - The linearisation where the solvers end: Σσ(u_θ − u⁰_θ)² at θ̄ and θ(T−1) along the width
 *    sweep, against the shape c·R³m^{-1/2} of the lemma behind the width terms with R the measured
 *    distance and c fitted on the smaller half of the widths, tested on the rest.
 */
import type { CachedResult } from "../experiments/cache";
import type { Row } from "../experiments/results-io";
import { runEvaluation, runImprovement, SolverSweepConfig } from "../experiments/solver-sweeps";
import { summarise, Summary } from "../stats";
import { curveLabel } from "../theory";
import { heldOutRateCheck, HeldOutCheck } from "../verdicts";
import { bandSeries, curveTrace, Figure, logLogPanels, LogLogPanel, mathLabel, PALETTE } from "./figures";
import type { Finding } from "./findings";
import type { RegimeArm, SolverCurves, SolverExperiment } from "./solver-figures";

/** One arm of a radius sweep: its configs (one radius each) and their results. */
export interface RadiusArm {
  label: string;
  experiment: SolverExperiment;
  results: CachedResult[];
}

/** Run (or read back) one config per radius. */
export async function runRadiusSweep(experiment: SolverExperiment, label: string, configs: SolverSweepConfig[]): Promise<RadiusArm> {
  const run = experiment === "improvement" ? runImprovement : runEvaluation;
  const results: CachedResult[] = [];
  for (const c of configs) results.push(await run(c));
  return { label, experiment, results };
}

/** The radius multiple k of a result (R = k·R_min), or the radius itself where the config gave a number. */
function multipleOf(res: CachedResult): number {
  const r = (res.meta.config as SolverSweepConfig).radius;
  return typeof r === "number" ? r : r.realizabilityMultiple;
}

const mean = (rows: Row[], column: string) => summarise(rows, [], column)[0];

/** One (arm, width, radius) of the sweep: replica means. */
export interface RadiusPoint {
  arm: string;
  m: number;
  T: number;
  multiple: number;
  radius: Summary;
  needed: Summary;
  projections: Summary;
  distanceAverage: Summary;
  distanceLast: Summary;
  mse: Summary;
  targetMeanSquare: number;
  /** The theorem's bound with c = 1 at (T, m, mean R), on the target's scale: above 1 it says less than predicting 0. */
  boundAtOne: number;
}

export function radiusPoints(arm: RadiusArm, curves: SolverCurves): RadiusPoint[] {
  const bound = arm.experiment === "improvement" ? curves.improvementErrorBound : curves.evaluationErrorBound;
  return arm.results.flatMap((res) => {
    const tms = res.meta.targetMeanSquare as number;
    return [...new Set(res.rows.map((r) => r.m as number))].sort((a, b) => a - b).flatMap((m) =>
      [...new Set(res.rows.filter((r) => r.m === m).map((r) => r.T as number))].map((T) => {
        const rows = res.rows.filter((r) => r.m === m && r.T === T);
        const radius = mean(rows, "radius");
        return {
          arm: arm.label, m, T, multiple: multipleOf(res), radius, needed: mean(rows.filter((r) => typeof r.realizabilityRadius === "number"), "realizabilityRadius"),
          projections: mean(rows, "projections"), distanceAverage: mean(rows, "distanceAverage"), distanceLast: mean(rows, "distanceLast"), mse: mean(rows, "mseAverage"),
          targetMeanSquare: tms, boundAtOne: bound(T, m, radius.mean, 1) / tms,
        };
      }),
    );
  });
}

const WIDTH_COLORS = [PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[4]];

/**
 * Two figures per sweep, one panel per arm, against k = R/R_min: the error (with the bound at
 * c = 1), and where the outputs end (distance/R) with the fraction of steps projected.
 */
export function radiusSweepFigures(arms: RadiusArm[], opts: { theorem: "4.5" | "4.6"; curves: SolverCurves }): { error: Figure; ends: Figure; points: RadiusPoint[] } {
  const points: RadiusPoint[] = [];
  const errorPanels: LogLogPanel[] = [];
  const endPanels: LogLogPanel[] = [];
  const allK: number[] = [];
  const bound = curveLabel(opts.theorem === "4.5" ? opts.curves.improvementErrorBound : opts.curves.evaluationErrorBound);
  arms.forEach((arm, i) => {
    const pts = radiusPoints(arm, opts.curves);
    points.push(...pts);
    const widths = [...new Set(pts.map((p) => p.m))].sort((a, b) => a - b);
    const errTraces = [];
    const endTraces = [];
    for (const [w, m] of widths.entries()) {
      const mine = pts.filter((p) => p.m === m).sort((a, b) => a.multiple - b.multiple);
      const ks = mine.map((p) => p.multiple);
      allK.push(...ks);
      const color = WIDTH_COLORS[w % WIDTH_COLORS.length];
      const first = i === 0;
      errTraces.push(...bandSeries({ name: `m = ${m}: MSE/E[target²]`, x: ks, mean: mine.map((p) => p.mse.mean / p.targetMeanSquare), standardError: mine.map((p) => p.mse.standardError / p.targetMeanSquare), n: mine.map((p) => p.mse.n), color, panel: i, group: `m${m}`, showlegend: first }));
      errTraces.push(curveTrace({ name: `m = ${m}: ${mathLabel(bound)} at c = 1, R = the radius used`, x: ks, y: mine.map((p) => p.boundAtOne), color, dash: "dash", width: 1, panel: i, group: `b${m}`, showlegend: first }));
      endTraces.push(...bandSeries({ name: `m = ${m}: ‖θ̄ − α(0)‖/R (path average)`, x: ks, mean: mine.map((p) => p.distanceAverage.mean / p.radius.mean), standardError: mine.map((p) => p.distanceAverage.standardError / p.radius.mean), n: mine.map((p) => p.distanceAverage.n), color, panel: i, group: `da${m}`, showlegend: first }));
      endTraces.push(curveTrace({ name: `m = ${m}: ‖θ(T−1) − α(0)‖/R (last iterate)`, x: ks, y: mine.map((p) => p.distanceLast.mean / p.radius.mean), color, dash: "dot", width: 1.5, panel: i, group: `dl${m}`, showlegend: first }));
      const projected = mine.filter((p) => p.projections.mean > 0);
      endTraces.push({ type: "scatter", mode: "markers", name: `m = ${m}: fraction of steps projected (0 not drawn)`, x: projected.map((p) => p.multiple), y: projected.map((p) => p.projections.mean / p.T), marker: { color, symbol: "x", size: 9 }, legendgroup: `p${m}`, showlegend: first });
    }
    const first = pts[0];
    const title = `<b>${arm.label}</b><br>T = ${first ? first.T : "?"}; R<sub>min</sub> = ${widths.map((m) => `${pts.find((p) => p.m === m)!.needed.mean.toFixed(2)} (m = ${m})`).join(", ")}`;
    errTraces.push(curveTrace({ name: "predicting 0 (MSE = E[target²])", x: [Math.min(...allK), Math.max(...allK)], y: [1, 1], color: "#666666", dash: "longdash", width: 1.5, panel: i, group: "zero", showlegend: i === 0 }));
    endTraces.push(curveTrace({ name: "the sphere ‖θ − α(0)‖ = R", x: [Math.min(...allK), Math.max(...allK)], y: [1, 1], color: "#666666", dash: "longdash", width: 1.5, panel: i, group: "sphere", showlegend: i === 0 }));
    errorPanels.push({ title, traces: errTraces, verticals: [{ x: 1, label: "R = R<sub>min</sub>" }] });
    endPanels.push({ title, traces: endTraces, verticals: [{ x: 1, label: "R = R<sub>min</sub>" }] });
  });
  const subtitle = `R = k·R<sub>min</sub> per replica (R<sub>min</sub>: the smallest radius making the exact target realizable, Assumption 4.3); replica means, bands 95%`;
  const error = logLogPanels({ title: `Thm ${opts.theorem}: error vs the projection radius, and the bound at c = 1`, subtitle, panels: errorPanels, xTitle: "k = R / R<sub>min</sub>", yTitle: "MSE / E[target²]", xValues: allK });
  const ends = logLogPanels({ title: `Thm ${opts.theorem}: where the outputs end in the ball, and how often the projection acted`, subtitle, panels: endPanels, xTitle: "k = R / R<sub>min</sub>", yTitle: "distance / R; projected steps / T", xValues: allK });
  return { error, ends, points };
}

/** The radius sweep as table rows. */
export function radiusTable(points: RadiusPoint[]): Record<string, string | number>[] {
  return points.map((p) => ({
    arm: p.arm, m: p.m, T: p.T, "k = R/R_min": p.multiple, "R (mean)": p.radius.mean, "R_min (mean)": p.needed.mean,
    "projections (mean)": p.projections.mean, "‖θ̄ − α(0)‖": p.distanceAverage.mean, "‖θ(T−1) − α(0)‖": p.distanceLast.mean,
    "MSE/E[target²]": p.mse.mean / p.targetMeanSquare, "bound at c = 1 / E[target²]": p.boundAtOne,
  }));
}

/** The radius sweep's findings: measurements (the projection is active by design; the bound at c = 1 said where it is vacuous). */
export function radiusFindings(points: RadiusPoint[], opts: { theorem: "4.5" | "4.6"; curves: SolverCurves; figure: string }): Finding[] {
  const bound = curveLabel(opts.theorem === "4.5" ? opts.curves.improvementErrorBound : opts.curves.evaluationErrorBound);
  return [...new Set(points.map((p) => p.arm))].map((arm) => {
    const mine = points.filter((p) => p.arm === arm).sort((a, b) => a.m - b.m || a.multiple - b.multiple);
    const binding = mine.filter((p) => p.projections.mean > 0);
    const vacuous = mine.filter((p) => p.boundAtOne > 1);
    return {
      statement: `Thm ${opts.theorem} (NeurIPS) radius sweep, ${arm}: error vs R = k·R_min, projection active`,
      measured: mine.map((p) => `m = ${p.m}, k = ${p.multiple}: MSE/E = ${p.mse.mean / p.targetMeanSquare < 0.01 ? (p.mse.mean / p.targetMeanSquare).toExponential(2) : (p.mse.mean / p.targetMeanSquare).toFixed(3)}, ${p.projections.mean.toFixed(0)} projections, ‖θ̄ − α(0)‖/R = ${(p.distanceAverage.mean / p.radius.mean).toFixed(2)}`).join("; ") + `; projection active at ${binding.length} of ${mine.length}`,
      theory: `${bound} at c = 1 is ${vacuous.length === mine.length ? "vacuous (above E[target²]) at every point" : `vacuous at ${vacuous.length} of ${mine.length} points`} (${Math.min(...mine.map((p) => p.boundAtOne)).toFixed(1)}…${Math.max(...mine.map((p) => p.boundAtOne)).toFixed(1)} × E[target²])`,
      figure: opts.figure,
    };
  });
}

/** The linearisation gap at one arm's outputs, per width at the width sweep's T. */
export interface OutputGapRow {
  arm: string;
  T: number;
  widths: number[];
  average: Summary[];
  last: Summary[];
  distance: Summary[];
  /** c·R̄(m)³m^{-1/2} (R̄ the measured ‖θ̄ − α(0)‖) with c fitted on the smaller half of the widths, tested on the rest. */
  check: HeldOutCheck | null;
}

/**
 * The linearisation gap Σσ(u_θ − u⁰_θ)² at θ̄ and θ(T−1) along each arm's width sweep (largest T),
 * relative to E[target²], with the lemma's shape `linearisationBound`(m, R̄, c) at the measured
 * distance R̄, c fitted on the smaller half of the widths and tested on the larger half.
 */
export function outputLinearisationFigure(arms: RegimeArm[], opts: { theorem: "4.5" | "4.6"; curves: SolverCurves }): { figure: Figure; rows: OutputGapRow[] } {
  const out: OutputGapRow[] = [];
  const allM: number[] = [];
  const label = curveLabel(opts.curves.linearisationBound);
  const panels: LogLogPanel[] = arms.map((arm, i) => {
    const T = arm.byM.rows[0].T as number;
    const rows = [...arm.byM.rows, ...arm.byT.rows.filter((r) => r.T === T)];
    const by = (column: string) => summarise(rows, ["m"], column).sort((a, b) => (a.m as number) - (b.m as number));
    const average = by("linearisationGapAverage");
    const last = by("linearisationGapLast");
    const distance = by("distanceAverage");
    const ms = average.map((g) => g.m as number);
    allM.push(...ms);
    const shape = (m: number) => opts.curves.linearisationBound(m, distance[ms.indexOf(m)].mean, 1);
    const check = ms.length >= 3 ? heldOutRateCheck(ms, average.map((g) => g.mean), average.map((g) => g.standardError), shape, 0, average.map((g) => g.n)) : null;
    out.push({ arm: arm.label, T, widths: ms, average, last, distance, check });
    const tms = arm.targetMeanSquare;
    const traces = [
      ...bandSeries({ name: "at the path average θ̄ (the output the theorem bounds)", x: ms, mean: average.map((g) => g.mean / tms), standardError: average.map((g) => g.standardError / tms), n: average.map((g) => g.n), color: PALETTE[0], panel: i, group: "avg", showlegend: i === 0 }),
      ...bandSeries({ name: "at the last iterate θ(T−1)", x: ms, mean: last.map((g) => g.mean / tms), standardError: last.map((g) => g.standardError / tms), n: last.map((g) => g.n), color: PALETTE[1], dash: "dot", panel: i, group: "last", showlegend: i === 0 }),
    ];
    if (check) traces.push(curveTrace({ name: `${mathLabel(label)} with R = measured ‖θ̄ − α(0)‖, c fitted on m ≤ ${Math.max(...check.fitX)}, tested above`, x: ms, y: ms.map((m) => (check.constant * shape(m)) / tms), color: "#555555", dash: "dash", panel: i, group: "bound", showlegend: i === 0 }));
    return { title: `<b>${arm.label}</b><br>${arm.init} init, T = ${T}; ‖θ̄ − α(0)‖ = ${distance[0].mean.toFixed(2)}…${distance[distance.length - 1].mean.toFixed(2)}`, traces };
  });
  const figure = logLogPanels({
    title: `Thm ${opts.theorem}: the linearisation gap where the solver ends, vs width`,
    subtitle: `Σ<sub>σ</sub>(u<sub>θ</sub> − u⁰<sub>θ</sub>)² over S×A, relative to E[target²]; replica means, bands 95%`,
    panels,
    xTitle: "width m",
    yTitle: "E<sub>σ</sub>[(u<sub>θ</sub> − u⁰<sub>θ</sub>)²] / E[target²]",
    xValues: allM,
    shareY: false,
  });
  return { figure, rows: out };
}

/** The gap at the outputs as table rows. */
export function outputGapTable(rows: OutputGapRow[]): Record<string, string | number>[] {
  return rows.flatMap((r) => r.widths.map((m, k) => ({ arm: r.arm, T: r.T, m, "gap at θ̄": r.average[k].mean, "± s.e.": r.average[k].standardError, "gap at θ(T−1)": r.last[k].mean, "‖θ̄ − α(0)‖": r.distance[k].mean })));
}

/** Findings: the gap's slope in m and the held-out check of R³m^{-1/2} (a verdict: it fails if the gap falls slower). */
export function outputGapFindings(rows: OutputGapRow[], opts: { theorem: "4.5" | "4.6"; curves: SolverCurves; figure: string }): Finding[] {
  return rows.map((r) => ({
    statement: `Thm ${opts.theorem} (NeurIPS), ${r.arm}: linearisation gap at the solver's output θ̄ vs m`,
    measured: `Σσ(u_θ̄ − u⁰_θ̄)² from ${r.average[0].mean.toExponential(2)} (m = ${r.widths[0]}) to ${r.average[r.average.length - 1].mean.toExponential(2)} (m = ${r.widths[r.widths.length - 1]}) at T = ${r.T}; at θ(T−1): ${r.last[0].mean.toExponential(2)} to ${r.last[r.last.length - 1].mean.toExponential(2)}${r.check ? `; worst held-out (mean − t₀.₉₇₅(n−1)·s.e.)/(c·R̄³m^-1/2) ${r.check.worstRatio.toFixed(3)}` : ""}`,
    theory: `${curveLabel(opts.curves.linearisationBound)} with R the measured distance, c fitted on the smaller half of m`,
    ...(r.check ? { verdict: r.check.holds ? "holds (held out)" : "fails (held out)" } : {}),
    figure: opts.figure,
  }));
}
