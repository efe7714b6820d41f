/**
 * Figures and tables of notebook 03 (error propagation) from `propagationRows`
 * (lib/experiments/propagation.ts): left side / right side of each (statement, reading).
 * Below 1 the bound holds; the distance below 1 is its slack.
 */
import { CHECKS, PropagationRow, PropagationSummary } from "../experiments/propagation";
import { Figure, logLogFigure, PALETTE, Trace } from "./figures";

const label = (c: { statement: string; reading: string }) => `${c.statement}: ${c.reading}`;

function quantiles(values: number[]): { median: number; lo: number; hi: number } {
  const s = [...values].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], lo: s[0], hi: s[s.length - 1] };
}

/** One trace per unsigned check present in `rows`: median (markers, line) with the min–max over the group as bars. */
function traces(rows: PropagationRow[], x: (r: PropagationRow) => number): Trace[] {
  const out: Trace[] = [];
  CHECKS.forEach((c, i) => {
    const rs = rows.filter((r) => r.statement === c.statement && r.reading === c.reading && r.ratio !== null && r.ratio > 0 && Number.isFinite(r.ratio));
    if (rs.length === 0) return;
    const xs = [...new Set(rs.map(x))].sort((a, b) => a - b);
    const q = xs.map((v) => quantiles(rs.filter((r) => x(r) === v).map((r) => r.ratio as number)));
    const color = PALETTE[i % PALETTE.length];
    out.push({
      type: "scatter", mode: "lines+markers", name: `${label(c)}${c.theorem ? "" : " (can fail)"}`, x: xs, y: q.map((v) => v.median),
      error_y: { type: "data", symmetric: false, array: q.map((v) => v.hi - v.median), arrayminus: q.map((v) => v.median - v.lo), visible: true, thickness: 1 },
      line: { color, width: 2, dash: c.theorem ? "solid" : "dash" }, marker: { color, size: 6, symbol: c.theorem ? "circle" : "diamond" },
    });
  });
  return out;
}

function withUnitLine(figure: Figure, xs: number[]): Figure {
  const line: Trace = { type: "scatter", mode: "lines", name: "left side = right side", x: [Math.min(...xs), Math.max(...xs)], y: [1, 1], line: { color: "#000000", width: 1, dash: "dot" }, hoverinfo: "skip" };
  return { ...figure, data: [...figure.data, line] };
}

/**
 * Left/right ratio against the iteration k of one run configuration (K, m): median over
 * replicas, bars from min to max. Solid: readings that are theorems; dashed: readings that can
 * fail. Lemma 5.2 (both sides signed) is not drawn: its table gives right − left.
 */
export function ratioByIterationFigure(rows: PropagationRow[], title: string): Figure {
  const ts = traces(rows, (r) => r.k + 1);
  const xs = rows.map((r) => r.k + 1);
  const fig = logLogFigure({ title, xTitle: "iteration k + 1", yTitle: "left side / right side", traces: ts, xValues: xs });
  return withUnitLine({ ...fig, layout: { ...fig.layout, height: 620, legend: { orientation: "v", x: 0, y: -0.18, xanchor: "left", yanchor: "top", font: { size: 11 } }, margin: { l: 95, r: 30, t: 50, b: 260 } } }, xs);
}

/** Left/right ratio against the width m or the solver's T (all iterations and replicas pooled: median, min–max). */
export function ratioBySweepFigure(rows: PropagationRow[], by: "m" | "T", title: string): Figure {
  const ts = traces(rows, (r) => r[by]);
  const xs = rows.map((r) => r[by]);
  const fig = logLogFigure({ title, xTitle: by === "m" ? "width m" : "solver steps T", yTitle: "left side / right side", traces: ts, xValues: xs });
  return withUnitLine({ ...fig, layout: { ...fig.layout, height: 620, legend: { orientation: "v", x: 0, y: -0.18, xanchor: "left", yanchor: "top", font: { size: 11 } }, margin: { l: 95, r: 30, t: 50, b: 260 } } }, xs);
}

/** The summary as table rows: how often each reading held, and its slack. */
export function propagationTable(summary: PropagationSummary[]): Record<string, string | number>[] {
  return summary.map((s) => ({
    statement: s.statement,
    reading: s.reading,
    "follows from the definitions": s.theorem ? "yes" : "no",
    held: `${s.held} / ${s.rows}`,
    "median left/right": s.medianRatio ?? "—",
    "max left/right": s.maxRatio ?? "—",
    "min (right − left)": s.minSlack,
  }));
}
