/**
 * Figures of notebooks 01 (Thm 4.5) and 02 (Thm 4.6): the exact error of the solvers'
 * averaged output against T and m, with the theorems' curves. Upper bounds are drawn with
 * their envelope constant (smallest c above every replica mean, `fitEnvelopeConstant`);
 * slopes are least-squares fits of log mean error with 95% CIs.
 */
import type { Row } from "../experiments/results-io";
import { fitEnvelopeConstant, fitPowerLaw, PowerLawFit, summarise, Summary } from "../stats";
import * as theory from "../theory";
import { Figure, logLogFigure, measuredTrace, PALETTE, span, theoryTrace, withVerticalLine } from "./figures";

export type SolverCurves = Pick<typeof theory, "improvementErrorBound" | "evaluationErrorBound" | "optimisationRate" | "widthRateQuarter" | "widthRateHalf">;

export interface SlopeRow {
  m: number;
  slope: number;
  ci95: number;
  points: number;
}

const grid = (xs: number[]) => {
  const [lo, hi] = span(xs);
  return Array.from({ length: 33 }, (_, i) => lo * (hi / lo) ** (i / 32));
};

/**
 * MSE vs T on log-log axes, one series per width; the theorem's full curve per width (one
 * envelope constant shared by all widths, so the curves differ only through the m terms),
 * the c·T^{-1/2} envelope, and the theorem's T threshold. `fitFrom` restricts slope fits to
 * T ≥ fitFrom (the theorem's range).
 */
export function errorVsIterations(rows: Row[], opts: { theorem: "4.5" | "4.6"; threshold: number; fitFrom?: number; curves?: SolverCurves; title: string }): { figure: Figure; slopes: SlopeRow[]; boundConstant: number } {
  const curves = opts.curves ?? theory;
  const bound = opts.theorem === "4.5" ? curves.improvementErrorBound : curves.evaluationErrorBound;
  const summary = summarise(rows, ["m", "T"], "mse");
  const radiusOf = new Map<number, number>();
  for (const r of rows) radiusOf.set(r.m as number, Math.max(radiusOf.get(r.m as number) ?? 0, r.radius as number));
  const widths = [...new Set(summary.map((s) => s.m as number))];
  const Ts = [...new Set(summary.map((s) => s.T as number))].sort((a, b) => a - b);
  const c = fitEnvelopeConstant(summary.map((_, i) => i), summary.map((s) => s.mean), (i) => bound(summary[i].T as number, summary[i].m as number, radiusOf.get(summary[i].m as number)!, 1));
  const cOpt = fitEnvelopeConstant(summary.map((s) => s.T as number), summary.map((s) => s.mean), (T) => curves.optimisationRate(T, 1));
  const traces = [];
  const slopes: SlopeRow[] = [];
  const xs = grid(Ts);
  widths.forEach((m, i) => {
    const s = summary.filter((g) => g.m === m).sort((a, b) => (a.T as number) - (b.T as number));
    const fitRows = s.filter((g) => (g.T as number) >= (opts.fitFrom ?? 0));
    let fit: PowerLawFit | null = null;
    if (fitRows.length >= 2) {
      fit = fitPowerLaw(fitRows.map((g) => g.T as number), fitRows.map((g) => g.mean));
      slopes.push({ m, slope: fit.slope, ci95: fit.slopeCi95, points: fit.points });
    }
    const color = PALETTE[i % PALETTE.length];
    traces.push(measuredTrace(`m = ${m}${fit ? ` (slope ${fit.slope.toFixed(2)} ± ${fit.slopeCi95.toFixed(2)})` : ""}`, s.map((g) => g.T as number), s.map((g) => g.mean), s.map((g) => g.standardError), color));
    traces.push({ ...theoryTrace(`Thm ${opts.theorem} bound, m = ${m}`, xs, xs.map((T) => bound(T, m, radiusOf.get(m)!, c)), color, "dash"), showlegend: i === 0, name: `Thm ${opts.theorem} bound (c = ${c.toPrecision(3)}, envelope)` });
  });
  traces.push(theoryTrace(`c·T^(-1/2) envelope (c = ${cOpt.toPrecision(3)})`, xs, xs.map((T) => curves.optimisationRate(T, cOpt)), "#000000", "dot"));
  const figure = withVerticalLine(
    logLogFigure({ title: opts.title, xTitle: "iterations T", yTitle: "exact MSE of the averaged network", traces, xValues: Ts }),
    opts.threshold,
    opts.theorem === "4.5" ? "T = 64" : `T = 64/(1−γ)² ≈ ${Math.round(opts.threshold)}`,
  );
  return { figure, slopes, boundConstant: c };
}

/** MSE vs m at one T, with envelope-constant c·m^{-1/4} and c·m^{-1/2} references. */
export function errorVsWidth(rows: Row[], opts: { T: number; curves?: SolverCurves; title: string }): { figure: Figure; fit: PowerLawFit; summary: Summary[] } {
  const curves = opts.curves ?? theory;
  const summary = summarise(rows.filter((r) => r.T === opts.T), ["m"], "mse");
  const ms = summary.map((s) => s.m as number);
  const means = summary.map((s) => s.mean);
  const fit = fitPowerLaw(ms, means);
  const cq = fitEnvelopeConstant(ms, means, (m) => curves.widthRateQuarter(m, 1));
  const ch = fitEnvelopeConstant(ms, means, (m) => curves.widthRateHalf(m, 1));
  const xs = grid(ms);
  const figure = logLogFigure({
    title: opts.title,
    xTitle: "width m",
    yTitle: "exact MSE of the averaged network",
    xValues: ms,
    traces: [
      measuredTrace(`T = ${opts.T} (slope ${fit.slope.toFixed(2)} ± ${fit.slopeCi95.toFixed(2)})`, ms, means, summary.map((s) => s.standardError), PALETTE[1]),
      theoryTrace(`c·m^(-1/4) envelope (c = ${cq.toPrecision(3)})`, xs, xs.map((m) => curves.widthRateQuarter(m, cq))),
      theoryTrace(`c·m^(-1/2) envelope (c = ${ch.toPrecision(3)})`, xs, xs.map((m) => curves.widthRateHalf(m, ch)), "#999999", "dot"),
    ],
  });
  return { figure, fit, summary };
}

/** Radius used vs the minimum radius that makes the target realizable, per width (means). */
export function radiusFigure(rows: Row[], title: string): Figure {
  const usable = rows.filter((r) => typeof r.realizabilityRadius === "number");
  const needed = summarise(usable, ["m"], "realizabilityRadius");
  const used = summarise(usable, ["m"], "radius");
  const ms = needed.map((s) => s.m as number);
  return logLogFigure({
    title,
    xTitle: "width m",
    yTitle: "radius",
    xValues: ms,
    traces: [
      measuredTrace("minimum radius making the exact target realizable (Assumption 4.3)", ms, needed.map((s) => s.mean), needed.map((s) => s.standardError), PALETTE[2]),
      measuredTrace("radius used (projection)", ms, used.map((s) => s.mean), used.map((s) => s.standardError), PALETTE[0]),
    ],
  });
}

/** Thm 4.6's dependence on γ: MSE vs T at one width, one series per γ, each with its T ≥ 64/(1−γ)² line. */
export function errorVsIterationsByGamma(rows: Row[], title: string): { figure: Figure; slopes: { gamma: number; slope: number; ci95: number }[] } {
  const summary = summarise(rows, ["gamma", "T"], "mse");
  const gammas = [...new Set(summary.map((s) => s.gamma as number))].sort((a, b) => a - b);
  const Ts = [...new Set(summary.map((s) => s.T as number))].sort((a, b) => a - b);
  const slopes: { gamma: number; slope: number; ci95: number }[] = [];
  const traces = gammas.map((g, i) => {
    const s = summary.filter((x) => x.gamma === g).sort((a, b) => (a.T as number) - (b.T as number));
    const fit = fitPowerLaw(s.map((x) => x.T as number), s.map((x) => x.mean));
    slopes.push({ gamma: g, slope: fit.slope, ci95: fit.slopeCi95 });
    return measuredTrace(`γ = ${g} (slope ${fit.slope.toFixed(2)} ± ${fit.slopeCi95.toFixed(2)})`, s.map((x) => x.T as number), s.map((x) => x.mean), s.map((x) => x.standardError), PALETTE[i % PALETTE.length]);
  });
  let figure = logLogFigure({ title, xTitle: "iterations T", yTitle: "exact MSE of the averaged network", traces, xValues: Ts });
  const [lo, hi] = span(Ts);
  for (const g of gammas) {
    const t = theory.minimumIterations("4.6", g);
    if (t >= lo && t <= hi) figure = withVerticalLine(figure, t, `γ=${g}`);
  }
  return { figure, slopes };
}

/**
 * How tight the optimisation term is: mean exact error / (R²·T^{-1/2}) per width and T, with
 * R the mean radius used. Averaged projected SGD guarantees the objective gap (here the MSE
 * itself: the target is realizable) is O(R²T^{-1/2}) at every T, so this ratio stays bounded;
 * a ratio rising with T means the data approach the bound from below.
 */
export function optimisationTightness(rows: Row[]): { m: number; T: number; ratio: number }[] {
  const mse = summarise(rows, ["m", "T"], "mse");
  const radius = summarise(rows, ["m", "T"], "radius");
  return mse.map((s, i) => ({ m: s.m as number, T: s.T as number, ratio: (s.mean * Math.sqrt(s.T as number)) / radius[i].mean ** 2 }));
}
