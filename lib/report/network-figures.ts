/**
 * Figures of notebooks/00-network.ipynb, built from the tidy rows of the `network`
 * experiment and from theory curves passed in (defaults: lib/theory.ts), so that a reader
 * can override a curve and redraw without recomputing.
 */
import { fitConstant, fitEnvelopeConstant, fitPowerLaw, PowerLawFit, summarise, Summary } from "../stats";
import * as theory from "../theory";
import type { Row } from "../experiments/results-io";
import { Figure, logLogFigure, measuredTrace, PALETTE, span, theoryTrace } from "./figures";

export type NetworkCurves = Pick<typeof theory, "ntkErrorRate" | "linearisationBound" | "linearisationRandomDirection">;

export interface FigureWithFit {
  figure: Figure;
  summary: Summary[];
  /** Least-squares log-log fit of the replica means against m. */
  fit: PowerLawFit;
}

function grid(ms: number[]): number[] {
  const [lo, hi] = span(ms);
  return Array.from({ length: 33 }, (_, i) => lo * (hi / lo) ** (i / 32));
}

/** Max-entry NTK error vs m, with c·m^{-1/2} (c fitted in log space). */
export function ntkErrorFigure(rows: Row[], curves: NetworkCurves = theory): FigureWithFit {
  const summary = summarise(rows, ["m"], "ntkMaxError");
  const ms = summary.map((s) => s.m as number);
  const means = summary.map((s) => s.mean);
  const fit = fitPowerLaw(ms, means);
  const c = fitConstant(ms, means, (m) => curves.ntkErrorRate(m, 1));
  const xs = grid(ms);
  const figure = logLogFigure({
    title: "Empirical NTK → arc-cosine kernel",
    xTitle: "width m",
    xValues: ms,
    yTitle: "max<sub>p,q</sub> |φ₀(x<sub>p</sub>)ᵀφ₀(x<sub>q</sub>) − K(x<sub>p</sub>, x<sub>q</sub>)|",
    traces: [
      measuredTrace(`measured (slope ${fit.slope.toFixed(3)} ± ${fit.slopeCi95.toFixed(3)})`, ms, means, summary.map((s) => s.standardError), PALETTE[0]),
      theoryTrace(`c·m^(-1/2), c = ${c.toPrecision(3)} fitted`, xs, xs.map((m) => curves.ntkErrorRate(m, c))),
    ],
  });
  return { figure, summary, fit };
}

/**
 * Linearisation gap vs m for α uniformly on the ball's surface, with the worst-case bound
 * c·R³m^{-1/2} (c: the smallest constant above every mean) and the random-direction
 * heuristic c·R³m^{-3/2} (c fitted in log space).
 */
export function linearisationFigure(rows: Row[], radius: number, curves: NetworkCurves = theory): FigureWithFit {
  const summary = summarise(rows, ["m"], "linearisationGap");
  const ms = summary.map((s) => s.m as number);
  const means = summary.map((s) => s.mean);
  const fit = fitPowerLaw(ms, means);
  const cBound = fitEnvelopeConstant(ms, means, (m) => curves.linearisationBound(m, radius, 1));
  const cRandom = fitConstant(ms, means, (m) => curves.linearisationRandomDirection(m, radius, 1));
  const xs = grid(ms);
  const figure = logLogFigure({
    title: `Linearisation gap on the sphere ‖α − α(0)‖ = ${radius}`,
    xTitle: "width m",
    xValues: ms,
    yTitle: "E[(u<sub>α</sub> − u⁰<sub>α</sub>)²]",
    traces: [
      measuredTrace(`measured (slope ${fit.slope.toFixed(3)} ± ${fit.slopeCi95.toFixed(3)})`, ms, means, summary.map((s) => s.standardError), PALETTE[1]),
      theoryTrace(`bound c·R³m^(-1/2), smallest c above the data = ${cBound.toPrecision(3)}`, xs, xs.map((m) => curves.linearisationBound(m, radius, cBound))),
      theoryTrace(`random direction c·R³m^(-3/2), c = ${cRandom.toPrecision(3)} fitted`, xs, xs.map((m) => curves.linearisationRandomDirection(m, radius, cRandom)), "#999999", "dot"),
    ],
  });
  return { figure, summary, fit };
}
