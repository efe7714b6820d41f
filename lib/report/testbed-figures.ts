/**
 * Figures and tables of notebooks/00-testbeds.ipynb: one testbed's exact facts, its
 * stationary distributions, and the realizability radii (Assumption 4.3) against width.
 */
import { evaluatePolicy, objective, optimalPolicy, stationaryDistribution, uniformPolicy } from "../mdp/exact";
import { FiniteMdp, rewardBound } from "../mdp/mdp";
import { fitPowerLaw, summarise } from "../stats";
import { ratioTrend, RatioTrend } from "../verdicts";
import type { Row } from "../experiments/results-io";
import { Figure, logLogFigure, measuredTrace, PALETTE, settingsLine, withSubtitle } from "./figures";

/** One row of exact facts about a testbed (all float64 finite sums). */
export function testbedFacts(mdp: FiniteMdp): Record<string, number | string> {
  const pi0 = uniformPolicy(mdp);
  const opt = optimalPolicy(mdp);
  const L0 = objective(evaluatePolicy(mdp, pi0).V, opt.nu);
  const Lstar = objective(opt.V, opt.nu);
  return {
    name: mdp.name,
    "|S|": mdp.states,
    "|A|": mdp.actions,
    d: mdp.dim ?? "none",
    γ: mdp.gamma,
    R_max: rewardBound(mdp),
    "L(π0)": L0,
    "L(π*)": Lstar,
    "L(π*) − L(π0)": Lstar - L0,
    "PI iterations": opt.iterations,
    "min ν*": Math.min(...opt.nu),
    "max ν*": Math.max(...opt.nu),
  };
}

/** The MDP's size as a subtitle: "|S| = 10 · |A| = 4 · d = 6 · γ = 0.9". */
function mdpLine(mdp: FiniteMdp): string {
  return settingsLine({ "|S|": mdp.states, "|A|": mdp.actions, d: mdp.dim, γ: mdp.gamma });
}

/** Grouped bars of ν* and ν_{π0} over states. */
export function stationaryFigure(mdp: FiniteMdp): Figure {
  const states = Array.from({ length: mdp.states }, (_, s) => s);
  const nuStar = optimalPolicy(mdp).nu;
  const nu0 = stationaryDistribution(mdp, uniformPolicy(mdp)).nu;
  return withSubtitle({
    data: [
      { type: "bar", name: "ν* (optimal policy)", x: states, y: Array.from(nuStar), marker: { color: PALETTE[0] } },
      { type: "bar", name: "ν<sub>π0</sub> (uniform policy)", x: states, y: Array.from(nu0), marker: { color: PALETTE[4] } },
    ],
    layout: {
      title: { text: `Stationary state distributions of ${mdp.name}` },
      barmode: "group",
      xaxis: { title: { text: "state s" }, dtick: mdp.states > 20 ? 5 : 1 },
      yaxis: { title: { text: "probability" } },
      legend: { orientation: "h", x: 0, y: -0.22, xanchor: "left", yanchor: "top" },
      margin: { l: 80, r: 30, t: 50, b: 40 },
      plot_bgcolor: "#ffffff",
      paper_bgcolor: "#ffffff",
    },
  }, `${mdpLine(mdp)} · exact, in float64`);
}

const SERIES: [string, string][] = [
  ["radiusUniformQ", "minimum R for Q<sup>π0</sup>"],
  ["radiusOptimalQ", "minimum R for Q<sup>π*</sup>"],
  ["coveringRadius", "covering R (every policy)"],
];

/** Realizability radii vs width (mean ± 1.96 s.e. over initialisations), with fitted slopes. */
export function realizabilityFigure(rows: Row[], mdp: FiniteMdp): { figure: Figure; slopes: Record<string, ReturnType<typeof fitPowerLaw>> } {
  const slopes: Record<string, ReturnType<typeof fitPowerLaw>> = {};
  const traces = SERIES.map(([column, label], i) => {
    const s = summarise(rows, ["m"], column);
    const ms = s.map((g) => g.m as number);
    slopes[column] = fitPowerLaw(ms, s.map((g) => g.mean));
    return measuredTrace(`${label} (slope ${slopes[column].slope.toFixed(2)})`, ms, s.map((g) => g.mean), s.map((g) => g.standardError), PALETTE[i]);
  });
  const ms = summarise(rows, ["m"], SERIES[0][0]).map((g) => g.m as number);
  const replicas = new Set(rows.map((r) => r.replica)).size;
  const figure = logLogFigure({ title: `The radius R that Assumption 4.3 needs on ${mdp.name}`, xTitle: "width m", yTitle: "radius R", traces, xValues: ms });
  return { figure: withSubtitle(figure, `${mdpLine(mdp)} · ${replicas} initialisations α(0) per width<br>mean over initialisations, bars: 95% CI; slopes of log R against log m`), slopes };
}

/** Whether a radius settles as m grows, from the data: the log-log trend over the larger half of the widths. */
export interface SettlingCheck {
  column: string;
  widths: number[];
  trend: RatioTrend;
  /**
   * "settles" where the whole 95% CI of the slope over the larger half of m lies inside
   * ±SETTLED_SLOPE, "still moving" where it lies wholly outside, "no verdict" where it straddles
   * the tolerance (too few replicas to tell).
   */
  verdict: "settles" | "still moving" | "no verdict";
}

/**
 * The tolerance on "settled": |d log R / d log m| < 0.05, i.e. R changes by less than 3.5% per
 * doubling of m at the widest networks. A radius converging to a finite limit passes it at large
 * enough m; one growing like m^0.1 or faster fails, whatever the replica count.
 */
export const SETTLED_SLOPE = 0.05;

/**
 * The claim "the radii settle as m grows" (SPEC §4), tested: the slope of log R against log m over
 * the larger half of the widths (at least 3) with its 95% CI (`ratioTrend`): it holds if the whole
 * CI lies within ±SETTLED_SLOPE, fails if it lies wholly outside, and gives no verdict otherwise.
 */
export function settlingCheck(rows: Row[], column: string): SettlingCheck {
  const s = summarise(rows, ["m"], column).sort((a, b) => (a.m as number) - (b.m as number));
  const upper = s.slice(Math.min(Math.floor(s.length / 2), Math.max(0, s.length - 3)));
  if (upper.length < 3) throw new RangeError(`a settling check needs at least 3 widths, got ${s.length}`);
  const widths = upper.map((g) => g.m as number);
  const trend = ratioTrend(widths, upper.map((g) => g.mean));
  const size = Math.abs(trend.fit.slope);
  const verdict = size + trend.fit.slopeCi95 < SETTLED_SLOPE ? "settles" : size - trend.fit.slopeCi95 > SETTLED_SLOPE ? "still moving" : "no verdict";
  return { column, widths, trend, verdict };
}
