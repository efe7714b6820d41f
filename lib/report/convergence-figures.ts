/**
 * Analysis of the `convergence` experiment (notebook 04, Thm 4.9 and Cor 4.10, NeurIPS
 * numbering): per-run summaries (min-, final- and average-iterate gaps, the bounds), and the
 * figures. Pure functions of the rows; every theoretical right side comes from `curves`
 * (lib/theory.ts), so a reader who replaces one redraws from cached rows.
 */
import type { Row } from "../experiments/results-io";
import { fitPowerLaw, meanAndStandardError, PowerLawFit } from "../stats";
import * as theory from "../theory";
import { curveLabel } from "../theory";
import { bandSeries, curveTrace, Figure, logAxis, logLogFigure, PALETTE, powerOfTwoTicks, sideBySide, span, theoryTrace, Trace, withSubtitle } from "./figures";

export type ConvergenceCurves = Pick<typeof theory, "theorem49Bound" | "theorem49IdealBound" | "epsilonK" | "epsilonPrimeKRevision" | "exactPpoHoeffdingBound">;

/** One run (variant, K, m, T, replica and knobs): its gaps and the right sides that bound them. */
export interface RunSummary {
  variant: string;
  K: number;
  m: number;
  T: number;
  replica: number;
  init: string;
  alpha0: string;
  beta: number;
  /** min_{0≤k≤K} gap (Thm 4.9's left side), gap at k = K, and (1/K) Σ_{k<K} gap (what the regret-style bounds control). */
  minGap: number;
  finalGap: number;
  averageGap: number;
  /** The gap of π_0 (k = 0). */
  startGap: number;
  /** Thm 4.9's right side with the measured errors, ε_k (Lemma 4.7, root-MSE) + ε'_k (the revision's, with the change of measure). NaN for exact PPO. */
  bound: number;
  /** Thm 4.9 with zero inner error. NaN for exact PPO (M needs a network). */
  idealBound: number;
  /** Exact PPO's Hoeffding bound on the average gap (SPEC §9). NaN for the neural variants. */
  hoeffdingBound: number;
  sumEps: number;
  M: number;
  /** Mean over k < K of the share of NN(α(0)) left in the critic (NaN when NN(α(0)) ≡ 0). */
  criticInitShare: number;
}

const num = (v: unknown) => (typeof v === "number" ? v : NaN);
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

/** Summarise every run of `rows`; `actions` = |A|. */
export function summariseRuns(rows: Row[], actions: number, curves: ConvergenceCurves = theory): RunSummary[] {
  const runs = new Map<string, Row[]>();
  for (const r of rows) {
    const id = `${r.variant}|${r.K}|${r.m}|${r.T}|${r.replica}|${r.init}|${r.alpha0}|${r.beta}`;
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
    const steps = rs.filter((r) => num(r.k) < K);
    let sumEps = 0;
    for (const r of steps) {
      const tauNext = num(r.tauNext);
      const improveRootMse = Math.sqrt(num(r.improveMse));
      sumEps += curves.epsilonK({ tauNext, betaK: bK, improveRootMse, evalRootMse: Math.sqrt(num(r.evalMse)), phiStar: num(r.phiStar), psiStar: num(r.psiStar) });
      sumEps += curves.epsilonPrimeKRevision({ tauNext, actions, improveRootMse, varphiStar: num(r.varphiStar) });
    }
    const M = num(first.M);
    const exact = first.variant === "exact-ppo";
    const shares = steps.map((r) => num(r.criticInitShare)).filter(Number.isFinite);
    return {
      variant: String(first.variant), K, m: num(first.m), T: num(first.T), replica: num(first.replica), init: String(first.init), alpha0: String(first.alpha0), beta,
      minGap: Math.min(...rs.map((r) => num(r.gap))),
      finalGap: num(rs[rs.length - 1].gap),
      averageGap: mean(steps.map((r) => num(r.gap))),
      startGap: num(first.gap),
      bound: exact ? NaN : curves.theorem49Bound(K, beta, gamma, actions, M, sumEps),
      idealBound: exact ? NaN : curves.theorem49IdealBound(K, beta, gamma, actions, M),
      hoeffdingBound: exact ? curves.exactPpoHoeffdingBound(K, beta, gamma, actions, mean(steps.map((r) => num(r.spanSq)))) : NaN,
      sumEps, M,
      criticInitShare: shares.length > 0 ? mean(shares) : NaN,
    };
  });
}

export interface Point {
  x: number;
  mean: number;
  standardError: number;
  n: number;
}

/** Mean ± standard error of y over the items sharing x, sorted by x. */
export function pointsBy<R>(items: R[], x: (r: R) => number, y: (r: R) => number): Point[] {
  const xs = [...new Set(items.map(x))].sort((a, b) => a - b);
  return xs.map((v) => ({ x: v, ...meanAndStandardError(items.filter((r) => x(r) === v).map(y)) }));
}

/** `bandSeries` (figures.ts) for points: a mean line with its 95% band, optionally in panel `panel`. */
export function bandedTraces(name: string, points: Point[], color: string, opts: { dash?: string; panel?: number; showlegend?: boolean; legendgroup?: string; log?: boolean } = {}): Trace[] {
  return bandSeries({ name, x: points.map((p) => p.x), mean: points.map((p) => p.mean), standardError: points.map((p) => p.standardError), color, panel: opts.panel, dash: opts.dash, group: opts.legendgroup, showlegend: opts.showlegend, log: opts.log });
}

const GAP_TITLE = "L(π*) − L(π<sub>θ<sub>k</sub></sub>)";
/** Sequential colours (light to dark) for an ordered parameter such as T. */
const SEQUENTIAL = ["#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b", "#041a3a"];
const pow2 = (v: number) => `2<sup>${Math.log2(v)}</sup>`;
const yValues = (traces: Trace[]) => traces.flatMap((t) => (t.y as number[]) ?? []);

/** Slope of log mean against log x with its 95% CI (NaN fit when fewer than 3 positive points). */
export function slopeOf(points: Point[]): PowerLawFit | null {
  const ok = points.filter((p) => p.mean > 0);
  return ok.length >= 2 ? fitPowerLaw(ok.map((p) => p.x), ok.map((p) => p.mean)) : null;
}

export interface Schedule {
  /** Legend text, e.g. "T = 64·K³ (Cor 4.10's K³)". */
  label: string;
  T: (K: number) => number;
}

/**
 * Thm 4.9 in the theorem's regime: the final gap L(π*) − L(π_θK) against K, exact PPO beside
 * neural PPO with T growing with K (`schedules`) and with T fixed (`fixedT`, the plateau), for
 * one width. Returns the figure and each series' points and slope.
 */
export function horizonFigure(runs: RunSummary[], opts: { m: number; schedules: Schedule[]; fixedT: number[]; title: string; subtitle: string; value?: "finalGap" | "minGap" }): { figure: Figure; series: { label: string; points: Point[]; fit: PowerLawFit | null }[] } {
  const value = opts.value ?? "finalGap";
  const pick = (r: RunSummary) => r[value];
  const exact = runs.filter((r) => r.variant === "exact-ppo");
  const neural = runs.filter((r) => r.variant === "neural-ppo" && r.m === opts.m);
  const Ks = [...new Set(neural.map((r) => r.K))].sort((a, b) => a - b);
  const series: { label: string; points: Point[]; fit: PowerLawFit | null; color: string; dash?: string }[] = [];
  series.push({ label: "exact PPO (m = ∞, exact Q)", points: pointsBy(exact.filter((r) => Ks.includes(r.K)), (r) => r.K, pick), fit: null, color: "#000000" });
  opts.schedules.forEach((s, i) => series.push({ label: `neural PPO, ${s.label}`, points: pointsBy(neural.filter((r) => r.T === s.T(r.K)), (r) => r.K, pick), fit: null, color: PALETTE[i % PALETTE.length] }));
  opts.fixedT.forEach((T, i) => series.push({ label: `neural PPO, T = ${pow2(T)} fixed`, points: pointsBy(neural.filter((r) => r.T === T), (r) => r.K, pick), fit: null, color: PALETTE[(opts.schedules.length + i) % PALETTE.length], dash: "dot" }));
  for (const s of series) s.fit = slopeOf(s.points);
  const traces = series.flatMap((s) => bandedTraces(`${s.label}${s.fit ? ` (slope ${s.fit.slope.toFixed(2)})` : ""}`, s.points, s.color, { dash: s.dash }));
  const figure = withSubtitle(logLogFigure({ title: opts.title, xTitle: "horizon K (each K its own run)", yTitle: value === "finalGap" ? `final gap ${GAP_TITLE.replace("k", "K")}` : `min<sub>k≤K</sub> gap`, traces, xValues: Ks }), opts.subtitle);
  return { figure, series: series.map(({ label, points, fit }) => ({ label, points, fit })) };
}

/**
 * The floor at one K: the final gap against T per width (left) and against m per T (right),
 * with exact PPO's final gap as the line the floor sits on.
 */
export function floorFigure(runs: RunSummary[], opts: { K: number; title: string; subtitle: string }): Figure {
  const neural = runs.filter((r) => r.variant === "neural-ppo" && r.K === opts.K && r.init === "antisymmetric" && r.alpha0 === "shared");
  const exact = runs.filter((r) => r.variant === "exact-ppo" && r.K === opts.K);
  const widths = [...new Set(neural.map((r) => r.m))].sort((a, b) => a - b);
  const Ts = [...new Set(neural.map((r) => r.T))].sort((a, b) => a - b);
  const traces: Trace[] = [];
  widths.forEach((m, i) => traces.push(...bandedTraces(`m = ${m}`, pointsBy(neural.filter((r) => r.m === m), (r) => r.T, (r) => r.finalGap), PALETTE[i])));
  const byM = Ts.filter((T) => neural.filter((r) => r.T === T).map((r) => r.m).filter((v, i, a) => a.indexOf(v) === i).length > 1);
  byM.forEach((T, i) => traces.push(...bandedTraces(`T = ${pow2(T)}`, pointsBy(neural.filter((r) => r.T === T), (r) => r.m, (r) => r.finalGap), SEQUENTIAL[Math.min(SEQUENTIAL.length - 1, i + SEQUENTIAL.length - byM.length)], { panel: 1, dash: "dash" })));
  if (exact.length > 0) {
    const g = mean(exact.map((r) => r.finalGap));
    traces.push(curveTrace({ name: `exact PPO's final gap at K = ${opts.K}`, x: span(Ts), y: [g, g], color: "#000000", group: "exact" }));
    traces.push(curveTrace({ name: "", x: span(widths), y: [g, g], color: "#000000", panel: 1, showlegend: false, group: "exact" }));
  }
  return sideBySide({
    title: opts.title,
    subtitle: opts.subtitle,
    traces,
    axes: [
      { x: { title: { text: "T (samples and steps per solver call)" }, type: "log", ...powerOfTwoTicks(Ts) }, y: logAxis(`final gap at K = ${opts.K}`, yValues(traces)) },
      { x: { title: { text: "width m" }, type: "log", ...powerOfTwoTicks(widths) }, y: { ...logAxis("", yValues(traces)), matches: "y" } },
    ],
  });
}

/**
 * Per k of one run group: how far neural PPO is from exact PPO. Top panels: |L(π_θk) − L(π^ex_k)|;
 * the energy error E_{ν*}‖E_k − E^ex_k‖_∞ and its accumulated actor (Alg. 2), critic (Alg. 3)
 * and drift parts, one panel per T.
 */
export function trackingFigure(rows: Row[], opts: { K: number; m: number; Ts: number[]; title: string; subtitle: string }): Figure {
  const parts: [string, string, string][] = [
    ["energyErrorInf", "E<sub>ν*</sub>‖E<sub>k</sub> − E<sup>ex</sup><sub>k</sub>‖<sub>∞</sub> (total)", "#000000"],
    ["actorErrorInf", "accumulated actor error (Alg. 2)", PALETTE[0]],
    ["criticErrorInf", "accumulated critic error (Alg. 3)", PALETTE[1]],
    ["driftErrorInf", "drift (exact Q at π<sub>θ<sub>k</sub></sub> vs at π<sup>ex</sup><sub>k</sub>)", PALETTE[2]],
    ["trackingL", "|L(π<sub>θ<sub>k</sub></sub>) − L(π<sup>ex</sup><sub>k</sub>)|", PALETTE[3]],
  ];
  const traces: Trace[] = [];
  opts.Ts.forEach((T, p) => {
    const sel = rows.filter((r) => r.variant === "neural-ppo" && r.K === opts.K && r.m === opts.m && r.T === T && r.init === "antisymmetric" && r.alpha0 === "shared");
    const ks = [...new Set(sel.map((r) => num(r.k)))].sort((a, b) => a - b);
    for (const [col, label, color] of parts) {
      const points = ks.map((k) => ({ x: k, ...meanAndStandardError(sel.filter((r) => r.k === k).map((r) => num(r[col]))) })).filter((pt) => pt.mean > 0);
      traces.push(...bandedTraces(label, points, color, { panel: p, showlegend: p === 0, legendgroup: col, dash: col === "trackingL" ? "dot" : "solid" }));
    }
  });
  return sideBySide({
    title: opts.title,
    subtitle: opts.subtitle,
    traces,
    axes: opts.Ts.map((T, p) => ({ x: { title: { text: `iteration k (T = ${pow2(T)})` } }, y: { ...logAxis(p === 0 ? "energy error (ν*-weighted sup over actions)" : "", yValues(traces)), ...(p === 0 ? {} : { matches: "y" }) } })),
  });
}

/** Ablations at one K: final gap against T for each (initialisation, α(0) per iteration). */
export function ablationFigure(runs: RunSummary[], opts: { K: number; m: number; title: string; subtitle: string }): Figure {
  const neural = runs.filter((r) => r.variant === "neural-ppo" && r.K === opts.K && r.m === opts.m);
  const combos = [...new Set(neural.map((r) => `${r.init}|${r.alpha0}`))].sort();
  const Ts = [...new Set(neural.map((r) => r.T))].sort((a, b) => a - b);
  const traces = combos.flatMap((c, i) => {
    const [init, alpha0] = c.split("|");
    const label = `${init} init, ${alpha0 === "shared" ? "shared α(0) (the paper)" : "fresh α(0) every k"}`;
    return bandedTraces(label, pointsBy(neural.filter((r) => `${r.init}|${r.alpha0}` === c), (r) => r.T, (r) => r.finalGap), PALETTE[i], { dash: alpha0 === "shared" ? "solid" : "dash" });
  });
  const exact = runs.filter((r) => r.variant === "exact-ppo" && r.K === opts.K);
  if (exact.length > 0) {
    const g = mean(exact.map((r) => r.finalGap));
    traces.push(theoryTrace(`exact PPO's final gap at K = ${opts.K}`, span(Ts), [g, g], "#000000", "dash"));
  }
  return withSubtitle(logLogFigure({ title: opts.title, xTitle: "T", yTitle: `final gap at K = ${opts.K}`, traces, xValues: Ts }), opts.subtitle);
}

/**
 * The cautionary arm, one panel per width: final-, average- and min-iterate gaps against K,
 * with π_0's gap (above it, a run ended worse than it started) and exact PPO, on a linear
 * axis; where `runs` hold an antisymmetric arm at a width, its final gap is drawn there too.
 */
export function cautionaryFigure(runs: RunSummary[], opts: { title: string; subtitle: string }): Figure {
  const neural = runs.filter((r) => r.variant === "neural-ppo");
  const exact = runs.filter((r) => r.variant === "exact-ppo");
  const widths = [...new Set(neural.filter((r) => r.init === "paper").map((r) => r.m))].sort((a, b) => a - b);
  const Ks = [...new Set(runs.map((r) => r.K))].sort((a, b) => a - b);
  const start = mean(runs.map((r) => r.startGap));
  const traces: Trace[] = [];
  const kinds: [keyof RunSummary, string, string][] = [["finalGap", "final gap", PALETTE[1]], ["averageGap", "average over k < K", PALETTE[0]], ["minGap", "min over k ≤ K (includes π₀)", PALETTE[2]]];
  widths.forEach((m, p) => {
    const paperRuns = neural.filter((r) => r.m === m && r.init === "paper");
    for (const [key, label, color] of kinds) traces.push(...bandedTraces(`paper init: ${label}`, pointsBy(paperRuns, (r) => r.K, (r) => r[key] as number), color, { panel: p, showlegend: p === 0, legendgroup: String(key), log: false }));
    const anti = neural.filter((r) => r.m === m && r.init === "antisymmetric");
    if (anti.length > 0) traces.push(...bandedTraces("antisymmetric init: final gap", pointsBy(anti, (r) => r.K, (r) => r.finalGap), PALETTE[3], { panel: p, dash: "dash", legendgroup: "anti", log: false }));
    traces.push(...bandedTraces("exact PPO: final gap", pointsBy(exact, (r) => r.K, (r) => r.finalGap), "#000000", { panel: p, showlegend: p === 0, legendgroup: "exact", log: false }));
    traces.push(curveTrace({ name: `π₀ (uniform): gap ${start.toFixed(3)}`, x: span(Ks), y: [start, start], color: "#888888", dash: "longdash", panel: p, showlegend: p === 0, group: "start" }));
  });
  return sideBySide({
    title: opts.title,
    subtitle: opts.subtitle,
    traces,
    axes: widths.map((m, p) => ({ x: { title: { text: `horizon K (m = ${m})` }, type: "log", ...powerOfTwoTicks(Ks) }, y: { title: { text: p === 0 ? GAP_TITLE : "" }, rangemode: "tozero", ...(p > 0 ? { matches: "y" } : {}) } })),
  });
}

/**
 * Bounds against the data, per K: exact PPO's average gap with its Hoeffding bound, and neural
 * PPO's min-gap with Thm 4.9's right side from the measured errors (revision's ε'_k). The
 * figure labels come from the curve functions, so replacing one in `curves` relabels it.
 */
export function boundsFigure(runs: RunSummary[], opts: { title: string; subtitle: string; curves?: ConvergenceCurves }): Figure {
  const curves = opts.curves ?? theory;
  const exact = runs.filter((r) => r.variant === "exact-ppo");
  const neural = runs.filter((r) => r.variant === "neural-ppo");
  const Ks = [...new Set(runs.map((r) => r.K))].sort((a, b) => a - b);
  const traces: Trace[] = [
    ...bandedTraces("exact PPO: average gap over k < K", pointsBy(exact, (r) => r.K, (r) => r.averageGap), "#000000"),
    ...bandedTraces(`exact PPO: Hoeffding bound (${curveLabel(curves.exactPpoHoeffdingBound).slice(0, 60)})`, pointsBy(exact, (r) => r.K, (r) => r.hoeffdingBound), "#000000", { dash: "dash" }),
  ];
  if (neural.length > 0) {
    traces.push(...bandedTraces("neural PPO: min-gap", pointsBy(neural, (r) => r.K, (r) => r.minGap), PALETTE[0]));
    traces.push(...bandedTraces("neural PPO: Thm 4.9 with measured errors (revision's ε'<sub>k</sub>)", pointsBy(neural, (r) => r.K, (r) => r.bound), PALETTE[0], { dash: "dash" }));
    traces.push(...bandedTraces("Thm 4.9 with zero inner error", pointsBy(neural, (r) => r.K, (r) => r.idealBound), PALETTE[0], { dash: "dot" }));
  }
  return withSubtitle(logLogFigure({ title: opts.title, xTitle: "horizon K", yTitle: "gap, and its upper bounds", traces, xValues: Ks }), opts.subtitle);
}

/** Min-gap at one K against β (log-log), with the ideal bound's optimal β marked. */
export function betaFigure(runs: RunSummary[], optimalBeta: number, opts: { title: string; subtitle: string }): Figure {
  const keys = [...new Set(runs.map((r) => `${r.variant}|${r.m}`))];
  const traces = keys.flatMap((key, i) => {
    const [variant, mText] = key.split("|");
    const rs = runs.filter((r) => r.variant === variant && r.m === Number(mText));
    return bandedTraces(variant === "exact-ppo" ? "exact PPO" : `neural PPO, m = ${mText}`, pointsBy(rs, (r) => r.beta, (r) => r.finalGap), variant === "exact-ppo" ? "#000000" : PALETTE[i % PALETTE.length]);
  });
  const betas = [...new Set(runs.map((r) => r.beta))].sort((a, b) => a - b);
  const fig = withSubtitle(logLogFigure({ title: opts.title, xTitle: "β", yTitle: "final gap", traces, xValues: [betas[0], betas[betas.length - 1]] }), opts.subtitle);
  // β is not a power-of-two sweep: ticks at the values run and at the bound's optimal β.
  const ticks = [...betas, optimalBeta].sort((a, b) => a - b);
  fig.layout.xaxis = { title: { text: "β (β<sub>k</sub> = β√K)" }, type: "log", tickvals: ticks, ticktext: ticks.map((b) => (b === optimalBeta ? `β* = ${b.toFixed(1)}` : String(b))) };
  fig.layout.shapes = [{ type: "line", xref: "x", yref: "paper", x0: optimalBeta, x1: optimalBeta, y0: 0, y1: 1, line: { color: "#888888", dash: "dot" } }];
  fig.layout.annotations = [{ x: Math.log10(optimalBeta), xref: "x", yref: "paper", y: 1, yanchor: "bottom", xanchor: "right", text: "β* = √(M/log|A|), the bound's best β", showarrow: false, font: { size: 11, color: "#666666" } }];
  return fig;
}

/**
 * Cor 4.10's requirements for each K of a run group (constants dropped), under the printed
 * exponents and the root-MSE re-derivation (SPEC §9), beside the T and m that were run. The
 * concentrability coefficients are the run's worst over k and replicas (the corollary needs
 * them bounded along the whole run).
 */
export function cor410Table(rows: Row[], opts: { actions: number; radiusF: number; radiusQ: number; schedule: (K: number) => number; m: number; curves?: Pick<typeof theory, "cor410Printed" | "cor410RootMse"> }): Record<string, number | string>[] {
  const curves = opts.curves ?? theory;
  const neural = rows.filter((r) => r.variant === "neural-ppo" && r.m === opts.m);
  const Ks = [...new Set(neural.map((r) => num(r.K)))].sort((a, b) => a - b);
  return Ks.map((K) => {
    const rs = neural.filter((r) => r.K === K && r.T === opts.schedule(K));
    const worst = (c: string) => Math.max(...rs.map((r) => num(r[c])).filter(Number.isFinite));
    const a = { K, radiusF: opts.radiusF, radiusQ: opts.radiusQ, phiStar: worst("phiStar"), psiStar: worst("psiStar"), varphiStar: worst("varphiStar"), actions: opts.actions };
    const printed = curves.cor410Printed(a);
    const rootMse = curves.cor410RootMse(a);
    const big = (v: number) => v.toExponential(2);
    return {
      K, "T run": opts.schedule(K), "T printed": big(printed.T), "T root-MSE": big(rootMse.T), "m run": opts.m,
      "m_f printed": big(printed.widthF), "m_Q printed": big(printed.widthQ), "m_f root-MSE": big(rootMse.widthF), "m_Q root-MSE": big(rootMse.widthQ),
      "max φ*": a.phiStar, "max ψ*": a.psiStar, "max ϕ*": a.varphiStar,
    };
  });
}
