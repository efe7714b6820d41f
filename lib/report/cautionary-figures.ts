/**
 * The cautionary arm of notebook 04 (ill-conditioned features, fixed T; its regime label is
 * computed by `regimeTable` like every arm's, never typed here), from `summariseRuns` summaries:
 * its figure and its table, which give the change of the gap relative to π_0. Split from
 * convergence-figures.ts, which holds the summaries and the other arms.
 */
import type { Row } from "../experiments/results-io";
import { meanAndStandardError, tQuantile975 } from "../stats";
import { bandedTraces, pointsBy, RunSummary } from "./convergence-figures";
import { curveTrace, Figure, PALETTE, powerOfTwoTicks, sideBySide, span, Trace } from "./figures";

const GAP_TITLE = "L(π*) − L(π<sub>θ<sub>k</sub></sub>)";
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

/**
 * The cautionary arm, one panel per width: final-, average- and min-iterate gaps against K,
 * with π_0's gap (above it, a run ended worse than it started), on a linear axis that spans the
 * neural runs (exact PPO, near 0, would flatten it: the caller states its values); where `runs`
 * hold an antisymmetric arm at a width, its final gap is drawn there too.
 */
export function cautionaryFigure(runs: RunSummary[], opts: { title: string; subtitle: string }): Figure {
  const neural = runs.filter((r) => r.variant === "neural-ppo");
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
 * The cautionary arm in numbers, per (initialisation, width, K): the final-, average- and
 * min-iterate gaps beside π_0's; the change final − π_0 with its 95% interval (Student's t over
 * replicas; the replicas at one width share α(0) across K, so the K are not independent); how
 * many runs end worse; where the min-gap is attained; and the shares of NN(α(0)) left in the
 * critic and the actor, with how often the critic's share is positive over all (k, replica).
 */
export function cautionaryTable(rows: Row[], runs: RunSummary[]): Record<string, number | string>[] {
  const neural = runs.filter((r) => r.variant === "neural-ppo");
  const keys = [...new Set(neural.map((r) => `${r.init}|${r.m}|${r.K}`))];
  return keys.map((key) => {
    const [init, mText, KText] = key.split("|");
    const sel = neural.filter((r) => `${r.init}|${r.m}|${r.K}` === key);
    const change = meanAndStandardError(sel.map((r) => r.finalGap - r.startGap));
    const half = tQuantile975(change.n - 1) * change.standardError;
    const shares = rows.filter((r) => r.variant === "neural-ppo" && r.init === init && r.m === Number(mText) && r.K === Number(KText) && typeof r.criticInitShare === "number").map((r) => r.criticInitShare as number);
    const avg = (f: (r: RunSummary) => number) => mean(sel.map(f));
    return {
      init, m: Number(mText), K: Number(KText),
      "final gap": avg((r) => r.finalGap), "average gap": avg((r) => r.averageGap), "min gap": avg((r) => r.minGap), "π0's gap": avg((r) => r.startGap),
      "final − π0 (95% CI)": `${change.mean >= 0 ? "+" : ""}${change.mean.toFixed(3)} ± ${half.toFixed(3)}`,
      "runs ending worse than π0": `${sel.filter((r) => r.finalGap > r.startGap).length} of ${sel.length}`,
      "k of the min-gap (mean)": avg((r) => r.argminK),
      "NN(α(0)) share in Q_ω": init === "paper" ? avg((r) => r.criticInitShare) : "(≡ 0)",
      "… positive in": init === "paper" ? `${((100 * shares.filter((v) => v > 0).length) / shares.length).toFixed(0)}% of (k, replica)` : "",
      "NN(α(0)) share in f": init === "paper" ? avg((r) => r.actorInitShare) : "(≡ 0)",
    };
  });
}
