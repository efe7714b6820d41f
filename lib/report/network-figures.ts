/**
 * Figures of notebooks/00-network.ipynb, built from the tidy rows of the `network`
 * experiment and from theory curves passed in (defaults: lib/theory.ts), so that a reader
 * can override a curve and redraw without recomputing.
 */
import { fitConstant, fitPowerLaw, PowerLawFit, summarise, Summary } from "../stats";
import * as theory from "../theory";
import { curveLabel } from "../theory";
import { heldOutRateCheck, HeldOutCheck } from "../verdicts";
import type { Row } from "../experiments/results-io";
import { Figure, logLogFigure, mathLabel, measuredTrace, PALETTE, settingsLine, span, theoryTrace, withSubtitle } from "./figures";

export type NetworkCurves = Pick<typeof theory, "ntkErrorRate" | "linearisationBound" | "linearisationRandomDirection">;

export interface FigureWithFit {
  figure: Figure;
  summary: Summary[];
  /** Least-squares log-log fit of the replica means against m. */
  fit: PowerLawFit;
}

/** The sweep's settings the figures name (NetworkSweepConfig's). */
export interface NetworkRun {
  dim: number;
  points: number;
}

/** Subtitle: the settings, how many initialisations each mean is over, what the bars are. */
function subtitle(rows: Row[], run: NetworkRun | undefined): string {
  const replicas = new Set(rows.map((r) => r.replica)).size;
  const settings = settingsLine({ d: run?.dim, "inputs x<sub>p</sub>": run?.points });
  return `${settings ? `${settings} · ` : ""}${replicas} initialisations α(0), b per width<br>mean over initialisations, bars: 95% CI`;
}

function grid(ms: number[]): number[] {
  const [lo, hi] = span(ms);
  return Array.from({ length: 33 }, (_, i) => lo * (hi / lo) ** (i / 32));
}

/** Max-entry NTK error vs m, with c·m^{-1/2} (c fitted in log space); `run` names d and the inputs in the subtitle. */
export function ntkErrorFigure(rows: Row[], curves: NetworkCurves = theory, run?: NetworkRun): FigureWithFit {
  const summary = summarise(rows, ["m"], "ntkMaxError");
  const ms = summary.map((s) => s.m as number);
  const means = summary.map((s) => s.mean);
  const fit = fitPowerLaw(ms, means);
  const c = fitConstant(ms, means, (m) => curves.ntkErrorRate(m, 1));
  const xs = grid(ms);
  const figure = withSubtitle(logLogFigure({
    title: "The empirical NTK approaches the arc-cosine kernel as the width grows",
    xTitle: "width m",
    xValues: ms,
    yTitle: "max<sub>p,q</sub> |φ₀(x<sub>p</sub>)ᵀφ₀(x<sub>q</sub>) − K(x<sub>p</sub>, x<sub>q</sub>)|",
    traces: [
      measuredTrace(`measured (slope ${fit.slope.toFixed(3)} ± ${fit.slopeCi95.toFixed(3)})`, ms, means, summary.map((s) => s.standardError), PALETTE[0]),
      theoryTrace(mathLabel(`Monte-Carlo rate ${curveLabel(curves.ntkErrorRate)}, c = ${c.toPrecision(3)} fitted`), xs, xs.map((m) => curves.ntkErrorRate(m, c))),
    ],
  }), subtitle(rows, run));
  return { figure, summary, fit };
}

/**
 * Linearisation gap vs m for α uniformly on the ball's surface, with the worst-case bound
 * c·R³m^{-1/2} (c fitted on the smaller half of the widths and tested on the larger half,
 * lib/verdicts.ts) and the random-direction heuristic c·R³m^{-3/2} (c fitted in log space).
 */
export function linearisationFigure(rows: Row[], radius: number, curves: NetworkCurves = theory, run?: NetworkRun): FigureWithFit & { boundCheck: HeldOutCheck } {
  const summary = summarise(rows, ["m"], "linearisationGap");
  const ms = summary.map((s) => s.m as number);
  const means = summary.map((s) => s.mean);
  const fit = fitPowerLaw(ms, means);
  const boundCheck = heldOutRateCheck(ms, means, summary.map((x) => x.standardError), (m) => curves.linearisationBound(m, radius, 1));
  const cBound = boundCheck.constant;
  const cRandom = fitConstant(ms, means, (m) => curves.linearisationRandomDirection(m, radius, 1));
  const xs = grid(ms);
  const figure = withSubtitle(logLogFigure({
    title: `Linearisation gap u<sub>α</sub> − u⁰<sub>α</sub> on the sphere ‖α − α(0)‖ = ${radius}`,
    xTitle: "width m",
    xValues: ms,
    yTitle: "E[(u<sub>α</sub> − u⁰<sub>α</sub>)²]",
    traces: [
      measuredTrace(`measured (slope ${fit.slope.toFixed(3)} ± ${fit.slopeCi95.toFixed(3)})`, ms, means, summary.map((s) => s.standardError), PALETTE[1]),
      theoryTrace(mathLabel(`paper's bound ${curveLabel(curves.linearisationBound)}, c = ${cBound.toPrecision(3)} fitted on m ≤ ${Math.max(...boundCheck.fitX)}, tested above`), xs, xs.map((m) => curves.linearisationBound(m, radius, cBound))),
      theoryTrace(mathLabel(`random direction ${curveLabel(curves.linearisationRandomDirection)}, c = ${cRandom.toPrecision(3)} fitted`), xs, xs.map((m) => curves.linearisationRandomDirection(m, radius, cRandom)), "#999999", "dot"),
    ],
  }), subtitle(rows, run));
  return { figure, summary, fit, boundCheck };
}
