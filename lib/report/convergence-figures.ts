/**
 * Analysis of the `convergence` experiment (notebook 04): the min-gap per run, Thm 4.9's
 * right side from the measured errors (theory.ts), and figures. Pure functions of the rows.
 */
import type { Row } from "../experiments/results-io";
import { fitEnvelopeConstant, fitPowerLaw, meanAndStandardError, PowerLawFit } from "../stats";
import * as theory from "../theory";
import { Figure, logLogFigure, measuredTrace, PALETTE, span, theoryTrace } from "./figures";

export type ConvergenceCurves = Pick<typeof theory, "theorem49Bound" | "theorem49IdealBound" | "epsilonK" | "epsilonPrimeK" | "horizonRate">;

/** One run (variant, K, m, replica): its min-gap and Thm 4.9's right sides. */
export interface RunSummary {
  variant: string;
  K: number;
  m: number;
  replica: number;
  minGap: number;
  finalGap: number;
  /** Right side with the measured errors (NaN for exact PPO, which has no M). */
  bound: number;
  /** Right side with zero inner error. */
  idealBound: number;
  /** Σ_{k<K} (ε_k + ε'_k). */
  sumEps: number;
  M: number;
}

const num = (v: unknown) => (typeof v === "number" ? v : NaN);

/** Summarise every run; `actions` = |A|. Uses root-MSEs in ε_k (SPEC §6). */
export function summariseRuns(rows: Row[], actions: number, curves: ConvergenceCurves = theory): RunSummary[] {
  const runs = new Map<string, Row[]>();
  for (const r of rows) {
    const id = `${r.variant}|${r.K}|${r.m}|${r.replica}`;
    if (!runs.has(id)) runs.set(id, []);
    runs.get(id)!.push(r);
  }
  return [...runs.values()].map((rs) => {
    rs.sort((a, b) => num(a.k) - num(b.k));
    const first = rs[0];
    const K = num(first.K);
    const beta = num(first.beta);
    const gamma = num(first.gamma);
    const bK = beta * Math.sqrt(K);
    let sumEps = 0;
    for (const r of rs) {
      if (num(r.k) >= K || typeof r.improveMse !== "number") continue;
      const tauNext = num(r.tauNext);
      sumEps += curves.epsilonK({ tauNext, betaK: bK, improveRootMse: Math.sqrt(num(r.improveMse)), evalRootMse: Math.sqrt(num(r.evalMse)), phiStar: num(r.phiStar), psiStar: num(r.psiStar) });
      sumEps += curves.epsilonPrimeK({ tauNext, actions, improveMse: num(r.improveMse) });
    }
    const M = num(first.M);
    return {
      variant: String(first.variant), K, m: num(first.m), replica: num(first.replica),
      minGap: Math.min(...rs.map((r) => num(r.gap))),
      finalGap: num(rs[rs.length - 1].gap),
      bound: Number.isFinite(M) ? curves.theorem49Bound(K, beta, gamma, actions, M, sumEps) : NaN,
      idealBound: Number.isFinite(M) ? curves.theorem49IdealBound(K, beta, gamma, actions, M) : NaN,
      sumEps, M,
    };
  });
}

export interface SeriesPoint {
  K: number;
  mean: number;
  standardError: number;
}

function series(runs: RunSummary[], pick: (r: RunSummary) => number): SeriesPoint[] {
  const Ks = [...new Set(runs.map((r) => r.K))].sort((a, b) => a - b);
  return Ks.map((K) => ({ K, ...meanAndStandardError(runs.filter((r) => r.K === K).map(pick)) }));
}

/**
 * Min-gap vs K (log-log) per variant and width, Thm 4.9's right side from the measured errors
 * (dashed, per width) and with zero inner error (dotted), and an envelope c·K^{-1/2}.
 */
export function minGapFigure(runs: RunSummary[], title: string, curves: ConvergenceCurves = theory): { figure: Figure; slopes: { series: string; fit: PowerLawFit }[] } {
  const keys = [...new Set(runs.map((r) => `${r.variant}|${r.m}`))];
  const traces = [];
  const slopes: { series: string; fit: PowerLawFit }[] = [];
  const allK = [...new Set(runs.map((r) => r.K))].sort((a, b) => a - b);
  let boundShown = false;
  keys.forEach((key, i) => {
    const [variant, mText] = key.split("|");
    const rs = runs.filter((r) => r.variant === variant && r.m === Number(mText));
    const label = variant === "exact-ppo" ? "exact PPO (m = ∞)" : `${variant}, m = ${mText}`;
    const color = PALETTE[i % PALETTE.length];
    const s = series(rs, (r) => r.minGap);
    if (s.length >= 2 && s.every((p) => p.mean > 0)) slopes.push({ series: label, fit: fitPowerLaw(s.map((p) => p.K), s.map((p) => p.mean)) });
    const fit = slopes.find((x) => x.series === label)?.fit;
    traces.push(measuredTrace(`${label}${fit ? ` (slope ${fit.slope.toFixed(2)} ± ${fit.slopeCi95.toFixed(2)})` : ""}`, s.map((p) => p.K), s.map((p) => p.mean), s.map((p) => p.standardError), color));
    if (variant !== "exact-ppo") {
      // One legend entry per kind of bound; the colour says which width it belongs to.
      const b = series(rs, (r) => r.bound);
      traces.push({ ...theoryTrace("Thm 4.9 bound with the measured errors (colour = width)", b.map((p) => p.K), b.map((p) => p.mean), color, "dash"), legendgroup: "bound", showlegend: !boundShown });
      const ib = series(rs, (r) => r.idealBound);
      traces.push({ ...theoryTrace("Thm 4.9 bound with zero inner error", ib.map((p) => p.K), ib.map((p) => p.mean), color, "dot"), legendgroup: "ideal", showlegend: !boundShown });
      boundShown = true;
    }
  });
  const exact = runs.filter((r) => r.variant === "exact-ppo");
  if (exact.length > 0) {
    const s = series(exact, (r) => r.minGap).filter((p) => p.mean > 0);
    if (s.length > 0) {
      const c = fitEnvelopeConstant(s.map((p) => p.K), s.map((p) => p.mean), (K) => curves.horizonRate(K, 1));
      const [lo, hi] = span(allK);
      const xs = Array.from({ length: 17 }, (_, i) => lo * (hi / lo) ** (i / 16));
      traces.push(theoryTrace(`c·K^(-1/2) envelope of exact PPO (c = ${c.toPrecision(3)})`, xs, xs.map((K) => curves.horizonRate(K, c)), "#000000", "longdash"));
    }
  }
  // The bound with measured errors can be astronomically large (ψ*_k explodes once a neural
  // policy is nearly deterministic): keep the axis on the data and the zero-error bound, and
  // say in the title how far up the bound goes.
  const onScale = [...runs.map((r) => r.minGap), ...runs.map((r) => r.idealBound)].filter((v) => v > 0 && Number.isFinite(v));
  const top = Math.max(...onScale) * 10;
  const bottom = Math.min(...onScale) / 3;
  const maxBound = Math.max(...runs.map((r) => r.bound).filter((v) => !Number.isNaN(v)));
  const figure = logLogFigure({ title: maxBound > top ? `${title}<br><sub>Thm 4.9 with measured errors reaches ${maxBound.toPrecision(2)}, above the axis</sub>` : title, xTitle: "horizon K", yTitle: "min<sub>k≤K</sub> [L(π*) − L(π<sub>k</sub>)]", traces, xValues: allK });
  figure.layout.yaxis = { ...(figure.layout.yaxis as object), range: [Math.log10(bottom), Math.log10(top)], dtick: Math.log10(top / bottom) <= 4 ? "D2" : 1 };
  figure.layout.margin = { l: 95, r: 30, t: 70, b: 40 };
  return { figure, slopes };
}

/** L(π_θk) along k for one horizon K: mean ± 1.96 s.e. per variant and width, with L(π*). */
export function trajectoryFigure(rows: Row[], K: number, lStar: number, title: string): Figure {
  const sel = rows.filter((r) => r.K === K);
  const keys = [...new Set(sel.map((r) => `${r.variant}|${r.m}`))];
  const traces = keys.map((key, i) => {
    const [variant, mText] = key.split("|");
    const rs = sel.filter((r) => r.variant === variant && r.m === Number(mText));
    const ks = [...new Set(rs.map((r) => num(r.k)))].sort((a, b) => a - b);
    const stats = ks.map((k) => meanAndStandardError(rs.filter((r) => r.k === k).map((r) => num(r.L))));
    return measuredTrace(variant === "exact-ppo" ? "exact PPO" : `${variant}, m = ${mText}`, ks, stats.map((s) => s.mean), stats.map((s) => s.standardError), PALETTE[i % PALETTE.length]);
  });
  const ks = [...new Set(sel.map((r) => num(r.k)))];
  traces.push(theoryTrace("L(π*)", span(ks), [lStar, lStar], "#000000", "dash"));
  return {
    data: traces,
    layout: {
      title: { text: title },
      xaxis: { title: { text: "iteration k" } },
      yaxis: { title: { text: "L(π<sub>θk</sub>) = E<sub>ν*</sub>[V<sup>π</sup>]" } },
      legend: { orientation: "h", x: 0, y: -0.22, xanchor: "left", yanchor: "top" },
      margin: { l: 95, r: 30, t: 50, b: 40 },
      plot_bgcolor: "#ffffff",
      paper_bgcolor: "#ffffff",
    },
  };
}

/** Min-gap at one K against β (log-log), with the ideal bound's optimal β marked. */
export function betaFigure(runs: { beta: number; run: RunSummary }[], optimalBeta: number, title: string): Figure {
  const keys = [...new Set(runs.map((r) => `${r.run.variant}|${r.run.m}`))];
  const traces = keys.map((key, i) => {
    const [variant, mText] = key.split("|");
    const rs = runs.filter((r) => r.run.variant === variant && r.run.m === Number(mText));
    const betas = [...new Set(rs.map((r) => r.beta))].sort((a, b) => a - b);
    const stats = betas.map((b) => meanAndStandardError(rs.filter((r) => r.beta === b).map((r) => r.run.minGap)));
    return measuredTrace(variant === "exact-ppo" ? "exact PPO" : `${variant}, m = ${mText}`, betas, stats.map((s) => s.mean), stats.map((s) => s.standardError), PALETTE[i % PALETTE.length]);
  });
  const betas = runs.map((r) => r.beta);
  const fig = logLogFigure({ title, xTitle: "β", yTitle: "min<sub>k≤K</sub> gap", traces, xValues: [Math.min(...betas), Math.max(...betas)] });
  // β is not a power-of-two sweep: plain log ticks, and the bound's optimal β as a line.
  fig.layout.xaxis = { title: { text: "β" }, type: "log" };
  fig.layout.shapes = [{ type: "line", xref: "x", yref: "paper", x0: optimalBeta, x1: optimalBeta, y0: 0, y1: 1, line: { color: "#888888", dash: "dot" } }];
  fig.layout.annotations = [{ x: Math.log10(optimalBeta), xref: "x", yref: "paper", y: 1, yanchor: "bottom", text: "β* = √(M/log|A|) of the bound", showarrow: false, font: { size: 11, color: "#666666" } }];
  return fig;
}
