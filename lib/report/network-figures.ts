/**
 * Figures of notebooks/00-network.ipynb, built from the tidy rows of the `network`
 * experiment and from theory curves passed in (defaults: lib/theory.ts), so that a reader
 * can override a curve and redraw without recomputing.
 */
import { fitConstant, fitPowerLaw, PowerLawFit, summarise, Summary } from "../stats";
import * as theory from "../theory";
import { curveLabel } from "../theory";
import { bandQuantile, heldOutRateCheck, HeldOutCheck } from "../verdicts";
import type { Row } from "../experiments/results-io";
import type { NetworkSweepConfig } from "../experiments/network-sweep";
import { initNetwork, randomUnitVectors } from "../network";
import { streams } from "../random";
import { Figure, logLogFigure, mathLabel, measuredTrace, PALETTE, settingsLine, span, theoryTrace, Trace, withSubtitle } from "./figures";

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
 * Linearisation gap vs m for α uniformly on the ball's surface, with the random-direction
 * heuristic c·R³m^{-3/2} (c fitted in log space: a rate estimate, not a bound). The paper's bound
 * is a sup over the ball: it is tested against the worst direction (`worstDirectionFigure`), not here.
 */
export function linearisationFigure(rows: Row[], radius: number, curves: NetworkCurves = theory, run?: NetworkRun): FigureWithFit {
  const summary = summarise(rows, ["m"], "linearisationGap");
  const ms = summary.map((s) => s.m as number);
  const means = summary.map((s) => s.mean);
  const fit = fitPowerLaw(ms, means);
  const cRandom = fitConstant(ms, means, (m) => curves.linearisationRandomDirection(m, radius, 1));
  const xs = grid(ms);
  const figure = withSubtitle(logLogFigure({
    title: `Linearisation gap u<sub>α</sub> − u⁰<sub>α</sub> at a random point of the sphere ‖α − α(0)‖ = ${radius}`,
    xTitle: "width m",
    xValues: ms,
    yTitle: "E[(u<sub>α</sub> − u⁰<sub>α</sub>)²]",
    traces: [
      measuredTrace(`measured (slope ${fit.slope.toFixed(3)} ± ${fit.slopeCi95.toFixed(3)})`, ms, means, summary.map((s) => s.standardError), PALETTE[1]),
      theoryTrace(mathLabel(`random direction ${curveLabel(curves.linearisationRandomDirection)}, c = ${cRandom.toPrecision(3)} fitted (a rate, not a bound)`), xs, xs.map((m) => curves.linearisationRandomDirection(m, radius, cRandom)), "#999999", "dot"),
    ],
  }), subtitle(rows, run));
  return { figure, summary, fit };
}

/** The worst-direction search of one radius: the `worst` table of a network sweep run at that R. */
export interface WorstDirectionRun {
  radius: number;
  worst: Row[];
  /** The random-direction rows of the same run (for comparison). */
  random: Row[];
}

export interface WorstDirectionChecks {
  /** `linearisationBound`'s c, fitted on the reference radius's smaller half of the widths (the envelope there). */
  constant: number;
  referenceRadius: number;
  /** The reference radius's larger widths (held-out check in m). */
  inWidth: HeldOutCheck | null;
  /** Every other radius, every width, against the same c: worst (mean − t₀.₉₇₅(n−1)·s.e.)/(c·g) per radius (n replicas per width). */
  inRadius: { radius: number; worstRatio: number; holds: boolean }[];
  /** Log-log slope in m of the worst-direction gap at the reference radius. */
  fit: PowerLawFit;
}

/**
 * The worst direction found on the sphere against m (one colour per radius) with the random
 * direction of the same run, and the lemma's shape c·R³m^{-1/2}: c fitted on the reference
 * radius (`runs[0]`) over the smaller half of its widths, then tested on its larger widths and on
 * every other radius at every width (a test of both the m and the R exponent).
 */
export function worstDirectionFigure(runs: WorstDirectionRun[], curves: NetworkCurves = theory, run?: NetworkRun): { figure: Figure; checks: WorstDirectionChecks; summaries: { radius: number; summary: Summary[] }[] } {
  const ref = runs[0];
  const bound = (m: number, R: number) => curves.linearisationBound(m, R, 1);
  const refSummary = summarise(ref.worst, ["m"], "linearisationGapWorst").sort((a, b) => (a.m as number) - (b.m as number));
  const ms = refSummary.map((s) => s.m as number);
  const inWidth = ms.length >= 2 ? heldOutRateCheck(ms, refSummary.map((s) => s.mean), refSummary.map((s) => s.standardError), (m) => bound(m, ref.radius), 0, refSummary.map((s) => s.n)) : null;
  const constant = inWidth ? inWidth.constant : fitEnvelopeConstantOn(refSummary, (m) => bound(m, ref.radius));
  const summaries = runs.map((r) => ({ radius: r.radius, summary: summarise(r.worst, ["m"], "linearisationGapWorst").sort((a, b) => (a.m as number) - (b.m as number)) }));
  const inRadius = summaries.slice(1).map(({ radius, summary }) => {
    const worstRatio = Math.max(...summary.map((s) => (s.mean - bandQuantile(s.n) * s.standardError) / (constant * bound(s.m as number, radius))));
    return { radius, worstRatio, holds: worstRatio <= 1 };
  });
  const traces: Trace[] = summaries.flatMap(({ radius, summary }, k): Trace[] => {
    const color = PALETTE[k % PALETTE.length];
    const x = summary.map((s) => s.m as number);
    const random = summarise(runs[k].random.filter((r) => x.includes(r.m as number)), ["m"], "linearisationGap").sort((a, b) => (a.m as number) - (b.m as number));
    // One legend entry per radius (the worst direction, solid); the dotted and dashed lines of a radius share its colour and are named once below.
    return [
      { ...measuredTrace(`R = ${radius}`, x, summary.map((s) => s.mean), summary.map((s) => s.standardError), color), legendgroup: `R${radius}` },
      { ...theoryTrace(`R = ${radius}: random direction`, random.map((s) => s.m as number), random.map((s) => s.mean), color, "dot"), legendgroup: `R${radius}`, showlegend: false },
      { ...theoryTrace(`R = ${radius}: bound`, x, x.map((m) => constant * bound(m, radius)), color, "dash"), legendgroup: `R${radius}`, showlegend: false },
    ];
  });
  const fitTop = inWidth ? Math.max(...inWidth.fitX) : Math.max(...ms);
  traces.push(
    // Single-point lines draw nothing: legend entries for the three line styles.
    theoryTrace("solid: the worst direction found (a lower bound on the sup)", [ms[0]], [refSummary[0].mean], "#000000", "solid"),
    theoryTrace("dotted: a random direction, same run", [ms[0]], [refSummary[0].mean], "#000000", "dot"),
    theoryTrace(mathLabel(`dashed: ${curveLabel(curves.linearisationBound)}, c = ${constant.toPrecision(3)} fitted on R = ${ref.radius}, m ≤ ${fitTop} only`), [ms[0]], [refSummary[0].mean], "#000000", "dash"),
  );
  const fit = fitPowerLaw(ms, refSummary.map((s) => s.mean));
  const replicas = new Set(ref.worst.map((r) => r.replica)).size;
  const figure = withSubtitle(logLogFigure({
    title: "Linearisation gap in the worst direction found on the sphere ‖α − α(0)‖ = R",
    xTitle: "width m",
    xValues: ms,
    yTitle: "(1/n) Σ<sub>p</sub> (u<sub>α</sub> − u⁰<sub>α</sub>)²(x<sub>p</sub>)",
    traces,
  }), `${settingsLine({ d: run?.dim, "inputs x<sub>p</sub>": run?.points })} · ${replicas} initialisations per width; mean, bars 95% CI<br>dashed: c from R = ${ref.radius}, m ≤ ${fitTop}; tested on the larger m and every other R`);
  return { figure, checks: { constant, referenceRadius: ref.radius, inWidth, inRadius, fit }, summaries };
}

function fitEnvelopeConstantOn(summary: Summary[], g: (m: number) => number): number {
  return Math.max(...summary.map((s) => s.mean / g(s.m as number)));
}

/**
 * The random-direction linearisation gap of the `network` sweep recomputed in float64, unit by
 * unit: for each input x_p, e_p = Σ_i (b_i/√m)·g_i with g_i = relu(α_iᵀx_p) − 1{α_i(0)ᵀx_p > 0}·α_iᵀx_p
 * (the difference u_α − u⁰_α accumulated per unit, as lib/linearisation-gap.ts does, instead of
 * two float32 sums of order 1 subtracted), gap = (1/n) Σ_p e_p². The same inputs, α(0), b and
 * direction as the sweep (its streams), one value per (width, replica) of `config`.
 */
export function randomDirectionGapFloat64(config: NetworkSweepConfig): Row[] {
  const { replicas: R, dim: d, points: n, radius } = config;
  const X = randomUnitVectors(streams(config).mdp.split("inputs"), n, d);
  const out: Row[] = [];
  for (const m of config.widths) {
    const algorithm = streams(config).algorithm.split(`width:${m}`);
    const init = initNetwork(algorithm.split("init"), { replicas: R, width: m, dim: d });
    const directions = algorithm.split("direction");
    const scale = 1 / Math.sqrt(m);
    for (let r = 0; r < R; r++) {
      const v = directions.split(r).fillNormal(new Float64Array(m * d));
      const norm = Math.sqrt(v.reduce((acc, x) => acc + x * x, 0));
      const errors = new Float64Array(n);
      for (let i = 0; i < m; i++) {
        const base = (r * m + i) * d;
        const bi = init.b[r * m + i];
        for (let p = 0; p < n; p++) {
          let z0 = 0;
          let z = 0;
          for (let k = 0; k < d; k++) {
            const a0 = init.alpha0[base + k];
            z0 += a0 * X[p * d + k];
            z += (a0 + (radius * v[i * d + k]) / norm) * X[p * d + k];
          }
          const g = (z > 0 ? z : 0) - (z0 > 0 ? z : 0);
          if (g !== 0) errors[p] += scale * bi * g;
        }
      }
      out.push({ m, replica: r, linearisationGap64: errors.reduce((acc, e) => acc + e * e, 0) / n });
    }
  }
  return out;
}

/** Per width: the sweep's float32 gap against the float64 unit-by-unit one, replica means and the largest relative difference. */
export function gapPrecisionTable(rows: Row[], exact: Row[]): Record<string, number>[] {
  const widths = [...new Set(exact.map((r) => r.m as number))].sort((a, b) => a - b);
  return widths.map((m) => {
    const pairs = exact.filter((e) => e.m === m).map((e) => {
      const f32 = rows.find((r) => r.m === m && r.replica === e.replica);
      if (!f32) throw new RangeError(`no sweep row at m = ${m}, replica ${e.replica}`);
      return { f32: f32.linearisationGap as number, f64: e.linearisationGap64 as number };
    });
    const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    return {
      m,
      "float32 tensor path, mean": meanOf(pairs.map((q) => q.f32)),
      "float64 unit by unit, mean": meanOf(pairs.map((q) => q.f64)),
      "max |float32 − float64| / float64": Math.max(...pairs.map((q) => Math.abs(q.f32 - q.f64) / q.f64)),
    };
  });
}
