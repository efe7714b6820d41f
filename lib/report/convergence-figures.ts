/**
 * Analysis of the `convergence` experiment (notebook 04, Thm 4.9 and Cor 4.10, NeurIPS
 * numbering): per-run summaries (min-, final- and average-iterate gaps, the bounds), and the
 * figures. Pure functions of the rows; every theoretical right side comes from `curves`
 * (lib/theory.ts), so a reader who replaces one redraws from cached rows.
 */
import type { Row } from "../experiments/results-io";
import { bootstrapSlopeInterval, fitPowerLaw, independentBootstrapSlopeInterval, meanAndStandardError } from "../stats";
import * as theory from "../theory";
import { curveLabel } from "../theory";
import { slowestX } from "../ppo/regime";
import { bandSeries, curveTrace, Figure, logAxis, logLogFigure, mathLabel, PALETTE, powerOfTwoTicks, sideBySide, span, theoryTrace, Trace, withSubtitle } from "./figures";

export type ConvergenceCurves = Pick<typeof theory, "theorem49Bound" | "theorem49IdealBound" | "epsilonK" | "epsilonPrimeK" | "exactPpoHoeffdingBound">;

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
  /** c of the solvers' η = c·T^{−power}. */
  stepSizeC: number;
  /** min_{0≤k≤K} gap (Thm 4.9's left side), gap at k = K, and (1/K) Σ_{k<K} gap (what the regret-style bounds control). */
  minGap: number;
  finalGap: number;
  averageGap: number;
  /** The gap of π_0 (k = 0). */
  startGap: number;
  /** Thm 4.9's right side with the measured errors, ε_k (Lemma 4.7, root-MSE) + ρ_k·ε'_k (the NeurIPS ε'_k = |A|τ⁻²ϵ² with the change of measure ρ_k = max_s ν*(s)/ν_k(s) its Lemma 4.8 needs; chain-figures.ts). NaN for exact PPO. */
  bound: number;
  /** Thm 4.9 with zero inner error. NaN for exact PPO (M needs a network). */
  idealBound: number;
  /** Exact PPO's Hoeffding bound on the average gap (SPEC §9). NaN for the neural variants. */
  hoeffdingBound: number;
  sumEps: number;
  M: number;
  /** Mean over k < K of the share of NN(α(0)) left in the critic and in the actor (NaN when NN(α(0)) ≡ 0). */
  criticInitShare: number;
  actorInitShare: number;
  /** The iteration k at which the min-gap is attained. */
  argminK: number;
  /** The smallest conditioning along the run (SPEC §9): min over k of λ_min of Alg. 2's matrix under σ̃_k and of Re λ_min of Alg. 3's under σ_k. NaN for exact PPO. */
  ntkLambdaMin: number;
  tdLambdaMinRe: number;
  /** Those as x = η·λ·T (η = c·T^{−power}, the run's step size): the slowest direction's progress, lib/ppo/regime.ts. NaN for exact PPO. */
  xActor: number;
  xCritic: number;
  /** max over k < K of Alg. 2's MSE (improveMse) and Alg. 3's (evalMse): the uniform bound Lemma 4.7's hypotheses ask at every k. NaN for exact PPO, or where a k < K has no record. */
  improveMseMax: number;
  evalMseMax: number;
  /** γ, R_f and R_Q as recorded: the theorem's conditions T ≥ 64/(1−γ)² and R_f ≥ R_Q (lib/ppo/regime.ts). */
  gamma: number;
  radiusF: number;
  radiusQ: number;
}

const num = (v: unknown) => (typeof v === "number" ? v : NaN);
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

/** The rows of `rows` grouped by run (variant, K, m, T, replica and knobs), each sorted by k. */
export function groupRuns(rows: Row[]): Row[][] {
  const runs = new Map<string, Row[]>();
  for (const r of rows) {
    const id = `${r.variant}|${r.K}|${r.m}|${r.T}|${r.replica}|${r.init}|${r.alpha0}|${r.beta}|${r.stepSizeC}`;
    if (!runs.has(id)) runs.set(id, []);
    runs.get(id)!.push(r);
  }
  return [...runs.values()].map((rs) => rs.sort((a, b) => num(a.k) - num(b.k)));
}

/** Summarise every run of `rows`; `actions` = |A|. */
export function summariseRuns(rows: Row[], actions: number, curves: ConvergenceCurves = theory): RunSummary[] {
  return groupRuns(rows).map((rs) => {
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
      sumEps += num(r.densityRatioMax) * curves.epsilonPrimeK({ tauNext, actions, improveMse: num(r.improveMse) });
    }
    const M = num(first.M);
    const exact = first.variant === "exact-ppo";
    const meanOf = (col: string) => {
      const v = steps.map((r) => num(r[col])).filter(Number.isFinite);
      return v.length > 0 ? mean(v) : NaN;
    };
    // Over every k < K, or NaN: a blank or missing k must not leave the min (or max) to the k that remain, nor an empty list give ±∞.
    const allSteps = (col: string) => {
      const v = steps.map((r) => num(r[col]));
      return steps.length === K && K > 0 && v.every(Number.isFinite) ? v : null;
    };
    const minOf = (col: string) => { const v = allSteps(col); return v ? Math.min(...v) : NaN; };
    const maxOf = (col: string) => { const v = allSteps(col); return v ? Math.max(...v) : NaN; };
    const gaps = rs.map((r) => num(r.gap));
    const stepSize = { c: num(first.stepSizeC), power: num(first.stepSizePower) };
    return {
      variant: String(first.variant), K, m: num(first.m), T: num(first.T), replica: num(first.replica), init: String(first.init), alpha0: String(first.alpha0), beta, stepSizeC: stepSize.c,
      minGap: Math.min(...gaps),
      finalGap: num(rs[rs.length - 1].gap),
      averageGap: mean(steps.map((r) => num(r.gap))),
      startGap: num(first.gap),
      bound: exact ? NaN : curves.theorem49Bound(K, beta, gamma, actions, M, sumEps),
      idealBound: exact ? NaN : curves.theorem49IdealBound(K, beta, gamma, actions, M),
      hoeffdingBound: exact ? curves.exactPpoHoeffdingBound(K, beta, gamma, actions, mean(steps.map((r) => num(r.spanSq)))) : NaN,
      sumEps, M,
      criticInitShare: meanOf("criticInitShare"),
      actorInitShare: meanOf("actorInitShare"),
      argminK: num(rs[gaps.indexOf(Math.min(...gaps))].k),
      ntkLambdaMin: exact ? NaN : minOf("ntkLambdaMinK"),
      tdLambdaMinRe: exact ? NaN : minOf("tdLambdaMinReK"),
      xActor: exact ? NaN : slowestX(minOf("ntkLambdaMinK"), num(first.T), stepSize),
      xCritic: exact ? NaN : slowestX(minOf("tdLambdaMinReK"), num(first.T), stepSize),
      improveMseMax: exact ? NaN : maxOf("improveMse"),
      evalMseMax: exact ? NaN : maxOf("evalMse"),
      gamma, radiusF: num(first.radiusF), radiusQ: num(first.radiusQ),
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
  return bandSeries({ name, x: points.map((p) => p.x), mean: points.map((p) => p.mean), standardError: points.map((p) => p.standardError), n: points.map((p) => p.n), color, panel: opts.panel, dash: opts.dash, group: opts.legendgroup, showlegend: opts.showlegend, log: opts.log });
}

const GAP_TITLE = "L(π*) − L(π<sub>θ<sub>k</sub></sub>)";
const pow2 = (v: number) => `2<sup>${Math.log2(v)}</sup>`;
const yValues = (traces: Trace[]) => traces.flatMap((t) => (t.y as number[]) ?? []);

export interface Schedule {
  /** Legend text, e.g. "T = 64·K³". */
  label: string;
  T: (K: number) => number;
  /** The runs this series is drawn from (default: the figure's own neural runs at its width). */
  runs?: RunSummary[];
  dash?: string;
  /** Fit the slope over K ≥ this only (default: every K whose T reaches `minT`). */
  fitFromK?: number;
}

/** A log-log slope in K with its 95% interval: the union of the replica bootstrap's and least squares' residual-t one (each given too). */
export interface SlopeInterval {
  slope: number;
  lo: number;
  hi: number;
  bootstrap?: { lo: number; hi: number };
  residual?: { lo: number; hi: number };
}

/** Fewer K, or fewer replicas at some K, than these give no slope interval (two points fit any power law; a percentile bootstrap on a few replicas is too narrow). */
export const SLOPE_MIN_K = 3;
export const SLOPE_MIN_REPLICAS = 8;

/**
 * The slope of mean y against K (`perK[i]`: the replicas' y at Ks[i]) with a 95% interval that
 * admits a misfitting power law: the union of the replica bootstrap (`paired`: the same replica
 * index shares α(0) and samples across K, resampled jointly; otherwise each K resampled on its own)
 * and Student's t on the least-squares residuals of the means, which widens when the power law
 * misfits while the bootstrap stays tight. Null with fewer than SLOPE_MIN_K horizons or
 * SLOPE_MIN_REPLICAS replicas at some K.
 */
export function slopeInterval(Ks: number[], perK: number[][], opts: { paired: boolean }): SlopeInterval | null {
  if (Ks.length < SLOPE_MIN_K || perK.some((v) => v.length < SLOPE_MIN_REPLICAS)) return null;
  const means = perK.map((v) => v.reduce((s, y) => s + y, 0) / v.length);
  const fit = fitPowerLaw(Ks, means);
  const residual = { lo: fit.slope - fit.slopeCi95, hi: fit.slope + fit.slopeCi95 };
  const pairable = opts.paired && perK.every((v) => v.length === perK[0].length);
  const boot = pairable ? bootstrapSlopeInterval(Ks, perK) : independentBootstrapSlopeInterval(Ks, perK);
  return { slope: fit.slope, lo: Math.min(boot.lo, residual.lo), hi: Math.max(boot.hi, residual.hi), bootstrap: { lo: boot.lo, hi: boot.hi }, residual };
}

/** One series of `horizonFigure`: its mean points, the K the slope is fitted over, and the slope with its 95% interval (`slopeInterval`). */
export interface HorizonSeries {
  label: string;
  points: Point[];
  fitFrom: number;
  slope: SlopeInterval | null;
}

/**
 * Thm 4.9 in the theorem's regime: the final gap L(π*) − L(π_θK) against K, exact PPO beside
 * neural PPO with T growing with K (`schedules`) and with T fixed (`fixedT`, the plateau), for
 * one width. Slopes are fitted over the K whose T reaches Thm 4.6's threshold `minT` (points
 * below it are drawn, not fitted); a fixed T's over the larger half of the K, where a plateau
 * would show. A schedule's 95% interval is `slopeInterval` (replica bootstrap, the same replicas
 * at every K, joined with the residual-t interval; none with < 3 K or < 8 replicas); a fixed T's
 * is the residual-t one alone. A c·K^{-1/2} guide
 * (`curves.horizonRate`) passes through exact PPO's first point: a slope to compare with, not a bound.
 */
export function horizonFigure(runs: RunSummary[], opts: { m: number; schedules: Schedule[]; fixedT: number[]; minT: number; title: string; subtitle: string; curves?: Pick<typeof theory, "horizonRate">; quantity?: "minGap" | "finalGap" }): { figure: Figure; series: HorizonSeries[] } {
  const curves = opts.curves ?? theory;
  const q = opts.quantity ?? "finalGap";
  const exact = runs.filter((r) => r.variant === "exact-ppo");
  const neural = runs.filter((r) => r.variant === "neural-ppo" && r.m === opts.m);
  const allK = [...new Set(neural.map((r) => r.K))].sort((a, b) => a - b);
  const specs: (Schedule & { color: string })[] = [
    ...opts.schedules.map((sch, i) => ({ ...sch, color: PALETTE[i % PALETTE.length] })),
    ...opts.fixedT.map((T, i) => ({ label: `T = ${pow2(T)} fixed`, T: () => T, dash: "dot", fitFromK: allK[Math.floor(allK.length / 2)], color: PALETTE[(opts.schedules.length + i) % PALETTE.length] })),
  ];
  const series: HorizonSeries[] = [];
  const traces: Trace[] = [];
  const exactPoints = pointsBy(exact, (r) => r.K, (r) => r[q]);
  for (const sp of specs) {
    const sel = (sp.runs ?? neural).filter((r) => r.variant === "neural-ppo" && r.T === sp.T(r.K));
    const points = pointsBy(sel, (r) => r.K, (r) => r[q]);
    const fitted = points.filter((p) => sp.T(p.x) >= opts.minT && p.x >= (sp.fitFromK ?? 0));
    let slope: HorizonSeries["slope"] = null;
    if (sp.dash === "dot" && fitted.length >= SLOPE_MIN_K) {
      // A fixed T over a few K: least squares on the means, whose residual-based interval widens when a power law misfits (replica resampling would not).
      const fit = fitPowerLaw(fitted.map((p) => p.x), fitted.map((p) => p.mean));
      slope = { slope: fit.slope, lo: fit.slope - fit.slopeCi95, hi: fit.slope + fit.slopeCi95, residual: { lo: fit.slope - fit.slopeCi95, hi: fit.slope + fit.slopeCi95 } };
    } else if (sp.dash !== "dot") {
      const perK = fitted.map((p) => sel.filter((r) => r.K === p.x).sort((a, b) => a.replica - b.replica).map((r) => r[q]));
      slope = slopeInterval(fitted.map((p) => p.x), perK, { paired: true });
    }
    const fitFrom = fitted.length > 0 ? fitted[0].x : NaN;
    series.push({ label: `neural PPO, ${sp.label}`, points, fitFrom, slope });
    traces.push(...bandedTraces(`neural PPO, ${sp.label}${slope ? ` (slope ${slope.slope.toFixed(2)} [${slope.lo.toFixed(2)}, ${slope.hi.toFixed(2)}])` : ""}`, points, sp.color, { dash: sp.dash }));
  }
  const exactFit = exactPoints.length >= SLOPE_MIN_K ? fitPowerLaw(exactPoints.map((p) => p.x), exactPoints.map((p) => p.mean)) : null;
  series.unshift({ label: "exact PPO (m = ∞, exact Q)", points: exactPoints, fitFrom: exactPoints[0]?.x ?? NaN, slope: exactFit ? { slope: exactFit.slope, lo: exactFit.slope - exactFit.slopeCi95, hi: exactFit.slope + exactFit.slopeCi95 } : null });
  traces.unshift(...bandedTraces(`exact PPO (m = ∞, exact Q)${exactFit ? ` (slope ${exactFit.slope.toFixed(2)})` : ""}`, exactPoints, "#000000"));
  if (exactPoints.length > 0) {
    const Ks = exactPoints.map((p) => p.x);
    const c = exactPoints[0].mean / curves.horizonRate(Ks[0], 1);
    traces.push(curveTrace({ name: mathLabel(`guide: ${curveLabel(curves.horizonRate)} through exact PPO's first point`), x: Ks, y: Ks.map((K) => curves.horizonRate(K, c)), color: "#888888", dash: "longdash", width: 1 }));
  }
  const Ks = [...new Set(runs.map((r) => r.K))].sort((a, b) => a - b);
  const yTitle = q === "minGap" ? `min<sub>k≤K</sub> gap ${GAP_TITLE}` : `final gap ${GAP_TITLE.replace("θ<sub>k</sub>", "θ<sub>K</sub>")}`;
  const figure = withSubtitle(logLogFigure({ title: opts.title, xTitle: "horizon K (each K its own run)", yTitle, traces, xValues: Ks }), opts.subtitle);
  return { figure, series };
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
  widths.forEach((m, i) => traces.push(...bandedTraces(`m = ${m} (left)`, pointsBy(neural.filter((r) => r.m === m), (r) => r.T, (r) => r.finalGap), PALETTE[i])));
  const byM = Ts.filter((T) => neural.filter((r) => r.T === T).map((r) => r.m).filter((v, i, a) => a.indexOf(v) === i).length > 1);
  // Distinct hues, and a dash per T, so eight T stay tellable apart (a sequential ramp of blues did not).
  const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"];
  byM.forEach((T, i) => traces.push(...bandedTraces(`T = ${pow2(T)} (right)`, pointsBy(neural.filter((r) => r.T === T), (r) => r.m, (r) => r.finalGap), PALETTE[i % PALETTE.length], { panel: 1, dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length] })));
  if (exact.length > 0) {
    const g = mean(exact.map((r) => r.finalGap));
    traces.push(curveTrace({ name: `exact PPO's final gap at K = ${opts.K}: ${g.toPrecision(2)}`, x: span(Ts), y: [g, g], color: "#000000", group: "exact" }));
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
 * Per k of one run group, how far neural PPO is from exact PPO, one panel per T: the energy error
 * E_{ν*}‖E_k − E^ex_k‖_∞, its accumulated actor (Alg. 2), critic (Alg. 3) and drift parts, and
 * E_{ν*}[span_a(E_k − E^ex_k)], the part a policy sees (a per-state constant changes no policy);
 * a last panel gives |L(π_θk) − L(π^ex_k)| for every T.
 */
export function trackingFigure(rows: Row[], opts: { K: number; m: number; Ts: number[]; title: string; subtitle: string }): Figure {
  const parts: [string, string, string, string][] = [
    ["energyErrorInf", "E<sub>ν*</sub>‖E<sub>k</sub> − E<sup>ex</sup><sub>k</sub>‖<sub>∞</sub> (total)", "#000000", "solid"],
    ["energyErrorSpan", "E<sub>ν*</sub>[span<sub>a</sub>(E<sub>k</sub> − E<sup>ex</sup><sub>k</sub>)] (what the policy sees)", "#000000", "dot"],
    ["actorErrorInf", "accumulated actor error (Alg. 2)", PALETTE[0], "solid"],
    ["criticErrorInf", "accumulated critic error (Alg. 3)", PALETTE[1], "solid"],
    ["driftErrorInf", "drift (exact Q at π<sub>θ<sub>k</sub></sub> vs at π<sup>ex</sup><sub>k</sub>)", PALETTE[2], "solid"],
  ];
  const select = (T: number) => rows.filter((r) => r.variant === "neural-ppo" && r.K === opts.K && r.m === opts.m && r.T === T && r.init === "antisymmetric" && r.alpha0 === "shared");
  const byK = (sel: Row[], col: string) => [...new Set(sel.map((r) => num(r.k)))].sort((a, b) => a - b).map((k) => ({ x: k, ...meanAndStandardError(sel.filter((r) => r.k === k).map((r) => num(r[col]))) })).filter((pt) => pt.mean > 0);
  const traces: Trace[] = [];
  opts.Ts.forEach((T, p) => {
    for (const [col, label, color, dash] of parts) traces.push(...bandedTraces(`energy panels: ${label}`, byK(select(T), col), color, { panel: p, showlegend: p === 0, legendgroup: col, dash }));
  });
  const last = opts.Ts.length;
  opts.Ts.forEach((T, i) => traces.push(...bandedTraces(`right panel: |L(π<sub>θ<sub>k</sub></sub>) − L(π<sup>ex</sup><sub>k</sub>)|, T = ${pow2(T)}`, byK(select(T), "trackingL"), PALETTE[4 + i], { panel: last, dash: i === 0 ? "dot" : "solid" })));
  const energy = traces.filter((t) => t.xaxis !== `x${last + 1}`);
  return sideBySide({
    title: opts.title,
    subtitle: opts.subtitle,
    traces,
    axes: [
      ...opts.Ts.map((T, p) => ({ x: { title: { text: `iteration k (T = ${pow2(T)})` } }, y: { ...logAxis(p === 0 ? "energy error (ν*-weighted, over actions)" : "", yValues(energy)), ...(p === 0 ? {} : { matches: "y" }) } })),
      { x: { title: { text: "iteration k" } }, y: logAxis("|L(π<sub>θ<sub>k</sub></sub>) − L(π<sup>ex</sup><sub>k</sub>)|", yValues(traces.filter((t) => t.xaxis === `x${last + 1}`))) },
    ],
  });
}

/** Ablations at one K: final gap against T for each (initialisation, α(0) per iteration). */
export function ablationFigure(runs: RunSummary[], opts: { K: number; m: number; title: string; subtitle: string }): Figure {
  const neural = runs.filter((r) => r.variant === "neural-ppo" && r.K === opts.K && r.m === opts.m);
  const combos = [...new Set(neural.map((r) => `${r.init}|${r.alpha0}`))].sort();
  const Ts = [...new Set(neural.map((r) => r.T))].sort((a, b) => a - b);
  const traces = combos.flatMap((c, i) => {
    const [init, alpha0] = c.split("|");
    const label = `${init === "paper" ? "paper's init" : "antisymmetric init"}, ${alpha0 === "shared" ? "one α(0) for the run (as in Alg. 1)" : "fresh α(0) every k"}`;
    return bandedTraces(label, pointsBy(neural.filter((r) => `${r.init}|${r.alpha0}` === c), (r) => r.T, (r) => r.finalGap), PALETTE[i], { dash: alpha0 === "shared" ? "solid" : "dash" });
  });
  const exact = runs.filter((r) => r.variant === "exact-ppo" && r.K === opts.K);
  if (exact.length > 0) {
    const g = mean(exact.map((r) => r.finalGap));
    traces.push(theoryTrace(`exact PPO's final gap at K = ${opts.K}: ${g.toPrecision(2)}`, span(Ts), [g, g], "#000000", "dash"));
  }
  return withSubtitle(logLogFigure({ title: opts.title, xTitle: "T", yTitle: `final gap at K = ${opts.K}`, traces, xValues: Ts }), opts.subtitle);
}

/**
 * Bounds against the data, per K: exact PPO's average gap with its Hoeffding bound, and neural
 * PPO's min-gap with Thm 4.9's right side from the measured errors (NeurIPS ε'_k with ρ_k). The
 * figure labels come from the curve functions, so replacing one in `curves` relabels it.
 */
export function boundsFigure(runs: RunSummary[], opts: { title: string; subtitle: string; curves?: ConvergenceCurves }): Figure {
  const curves = opts.curves ?? theory;
  const exact = runs.filter((r) => r.variant === "exact-ppo");
  const neural = runs.filter((r) => r.variant === "neural-ppo");
  const Ks = [...new Set(runs.map((r) => r.K))].sort((a, b) => a - b);
  const traces: Trace[] = [
    ...bandedTraces("exact PPO: average gap over k < K", pointsBy(exact, (r) => r.K, (r) => r.averageGap), "#000000"),
    ...bandedTraces("exact PPO: min-gap", pointsBy(exact, (r) => r.K, (r) => r.minGap), "#000000", { dash: "dot" }),
    ...bandedTraces(mathLabel(`exact PPO: Hoeffding bound on the average gap, ${curveLabel(curves.exactPpoHoeffdingBound)}`), pointsBy(exact, (r) => r.K, (r) => r.hoeffdingBound), "#000000", { dash: "dash" }),
  ];
  if (neural.length > 0) {
    traces.push(...bandedTraces("neural PPO: average gap over k < K", pointsBy(neural, (r) => r.K, (r) => r.averageGap), PALETTE[0]));
    traces.push(...bandedTraces("neural PPO: min-gap", pointsBy(neural, (r) => r.K, (r) => r.minGap), PALETTE[0], { dash: "dot" }));
    traces.push(...bandedTraces("neural PPO: Thm 4.9 on the min-gap, measured errors (ε'<sub>k</sub> with the change of measure)", pointsBy(neural, (r) => r.K, (r) => r.bound), PALETTE[0], { dash: "dash" }));
    traces.push(...bandedTraces("Thm 4.9 with zero inner error", pointsBy(neural, (r) => r.K, (r) => r.idealBound), PALETTE[0], { dash: "longdash" }));
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
  const range = [Math.log10(ticks[0]) - 0.15, Math.log10(ticks[ticks.length - 1]) + 0.15];
  fig.layout.xaxis = { title: { text: "β (β<sub>k</sub> = β√K)" }, type: "log", range, tickvals: ticks, ticktext: ticks.map((b) => (b === optimalBeta ? `β* = ${b.toFixed(1)}` : String(b))) };
  fig.layout.shapes = [{ type: "line", xref: "x", yref: "paper", x0: optimalBeta, x1: optimalBeta, y0: 0, y1: 1, line: { color: "#888888", dash: "dot" } }];
  fig.layout.annotations = [{ x: Math.log10(optimalBeta), xref: "x", yref: "paper", y: 0.02, yanchor: "bottom", xanchor: "right", text: "β* = √(M/log|A|), the bound's best β: not run ", showarrow: false, font: { size: 11, color: "#666666" } }];
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
