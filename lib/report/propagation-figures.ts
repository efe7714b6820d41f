/**
 * Figures and tables of notebook 03 (error propagation) from `propagationRows`
 * (lib/experiments/propagation.ts): left side / right side of each (statement, reading).
 * Below 1 the bound holds; the distance below 1 is its slack. One panel per statement, its
 * readings in it: solid blue the reading that follows from the definitions, dashed the
 * printed readings that can fail, drawn over it (they overlap where the readings agree).
 */
import { CHECKS, PropagationRow, PropagationSummary } from "../experiments/propagation";
import type { Row } from "../experiments/results-io";
import { median } from "../stats";
import { bandTrace, Figure, logTicks, mathLabel, Panel, PALETTE, powerOfTwoTicks, settingsLine, smallMultiples, Trace, withAlpha } from "./figures";

/** Lowest ratio drawn: far enough below 1 to show any bound's slack, not so far that the region around 1 shrinks to nothing. */
const FLOOR = 1e-6;
const CAN_FAIL = [PALETTE[1], PALETTE[3]];

function quantiles(values: number[]): { median: number; lo: number; hi: number } {
  return { median: median(values), lo: Math.min(...values), hi: Math.max(...values) };
}

interface Drawn {
  panel: Panel;
  /** Whether some band or median lies below FLOOR (cut off). */
  cut: boolean;
}

/** The panel of one statement: per reading, the median over each x with a min–max band. */
function statementPanel(statement: string, rows: PropagationRow[], x: (r: PropagationRow) => number, xaxis: Record<string, unknown>): Drawn | null {
  // The reading that follows from the definitions first: the printed ones are drawn over it.
  const checks = CHECKS.filter((c) => c.statement === statement && !c.signed).sort((a, b) => Number(b.theorem) - Number(a.theorem));
  const traces: Trace[] = [];
  const lines: Trace[] = [];
  const all: number[] = [];
  let failing = 0;
  checks.forEach((c) => {
    const rs = rows.filter((r) => r.statement === c.statement && r.reading === c.reading && r.ratio !== null && r.ratio > 0 && Number.isFinite(r.ratio));
    if (rs.length === 0) return;
    const xs = [...new Set(rs.map(x))].sort((a, b) => a - b);
    const q = xs.map((v) => quantiles(rs.filter((r) => x(r) === v).map((r) => r.ratio as number)));
    const color = c.theorem ? PALETTE[0] : CAN_FAIL[failing++ % CAN_FAIL.length];
    const name = `${mathLabel(c.reading)}${c.theorem ? "" : " — can fail"}`;
    traces.push(bandTrace(xs, q.map((v) => Math.max(v.lo, FLOOR / 10)), q.map((v) => v.hi), color, name));
    lines.push({
      type: "scatter", mode: xs.length > 12 ? "lines" : "lines+markers", name, legendgroup: name, x: xs, y: q.map((v) => v.median),
      line: { color, width: c.theorem ? 3.5 : 1.8, dash: c.theorem ? "solid" : failing === 1 ? "dash" : "dot" }, marker: { color, size: c.theorem ? 8 : 6, symbol: c.theorem ? "circle" : "diamond" },
    });
    for (const v of q) all.push(v.lo, v.hi, v.median);
  });
  if (lines.length === 0) return null;
  const top = Math.max(10, ...all.map((v) => v * 2));
  const bottom = Math.max(FLOOR, Math.min(0.1, ...all.filter((v) => v > 0)));
  const range = [Math.log10(bottom), Math.log10(top)];
  return {
    // Bands first: every line is drawn over every band.
    panel: {
      title: mathLabel(statement),
      traces: [...traces, ...lines],
      xaxis,
      yaxis: { type: "log", range, ...logTicks([bottom, top]), gridcolor: "#eeeeee", zeroline: false },
      shapes: [
        { type: "rect", xref: "x domain", yref: "y", x0: 0, x1: 1, y0: 1, y1: top, fillcolor: withAlpha(PALETTE[1], 0.08), line: { width: 0 }, layer: "below" },
        { type: "line", xref: "x domain", yref: "y", x0: 0, x1: 1, y0: 1, y1: 1, line: { color: "#000000", width: 1, dash: "dot" } },
      ],
      annotations: [{ text: "left > right: bound fails", xref: "x domain", yref: "y", x: 1, y: Math.log10(top), xanchor: "right", yanchor: "top", showarrow: false, font: { size: 10, color: "#a04000" } }],
    },
    cut: all.some((v) => v < FLOOR),
  };
}

function ratioFigure(rows: PropagationRow[], x: (r: PropagationRow) => number, xaxis: Record<string, unknown>, title: string, settings: string, band: string, xTitle: string, extra: Panel[] = []): Figure {
  const statements = [...new Set(CHECKS.filter((c) => !c.signed).map((c) => c.statement))];
  const drawn = statements.map((s) => statementPanel(s, rows, x, xaxis)).filter((d): d is Drawn => d !== null);
  const cut = drawn.some((d) => d.cut) ? `; axes cut at 10<sup>−6</sup>, far below any failure` : "";
  return smallMultiples({
    title,
    subtitle: `${settings}<br>line: median of left side / right side; band: ${band}${cut}`,
    panels: [...drawn.map((d) => d.panel), ...extra],
    columns: 2,
    xTitle,
    yTitle: "left side / right side",
  });
}

/**
 * Left/right ratio against the iteration k of one run configuration (one K and m in `rows`):
 * median over replicas, band from the smallest to the largest replica, one panel per
 * statement. Lemma 5.2 (both sides signed) is not drawn: its table gives right − left.
 */
export function ratioByIterationFigure(rows: PropagationRow[], run: { mdp: string; beta: number; T: number }, runRows?: Row[]): Figure {
  const one = (key: "K" | "m") => [...new Set(rows.map((r) => r[key]))].join(", ");
  const replicas = new Set(rows.map((r) => r.replica)).size;
  const ks = rows.map((r) => r.k + 1);
  const xaxis = { type: "log", ...powerOfTwoTicks(ks), gridcolor: "#eeeeee" };
  return ratioFigure(
    rows, (r) => r.k + 1, xaxis,
    "Error propagation along one run: does each bound hold at every iteration?",
    `${settingsLine({ mdp: run.mdp, β: run.beta, K: one("K"), m: one("m"), T: run.T })} · ${replicas} replicas`,
    "smallest to largest replica", "iteration k + 1",
    runRows ? [sidesPanel(rows, runRows, xaxis)] : [],
  );
}

/**
 * A panel for Lemma 4.7 (root-MSE reading): its left side, its right side ε_k and the
 * coefficient ψ*_k of the critic's term, each the median over replicas against k + 1, so that a
 * collapse of the ratio shows which side moved.
 */
function sidesPanel(rows: PropagationRow[], runRows: Row[], xaxis: Record<string, unknown>): Panel {
  const check = CHECKS.find((c) => c.statement === "Lemma 4.7" && c.theorem)!;
  const rs = rows.filter((r) => r.statement === check.statement && r.reading === check.reading);
  const xs = [...new Set(rs.map((r) => r.k + 1))].sort((a, b) => a - b);
  const med = (vals: number[]) => quantiles(vals).median;
  const psi = xs.map((x) => med(runRows.filter((r) => r.variant !== "exact-ppo" && (r.k as number) + 1 === x && rs.some((p) => p.m === r.m && p.K === r.K)).map((r) => r.psiStar as number)));
  return {
    title: "Lemma 4.7 (root-MSE): which side moves",
    traces: [
      { type: "scatter", mode: "lines", name: "left side", x: xs, y: xs.map((x) => med(rs.filter((r) => r.k + 1 === x).map((r) => r.lhs))), line: { color: "#000000", width: 2.5 } },
      { type: "scatter", mode: "lines", name: "right side ε<sub>k</sub>", x: xs, y: xs.map((x) => med(rs.filter((r) => r.k + 1 === x).map((r) => r.rhs))), line: { color: PALETTE[0], width: 2.5 } },
      { type: "scatter", mode: "lines", name: "ψ*<sub>k</sub>, the factor of its critic term (Assumption 4.1)", x: xs, y: psi, line: { color: PALETTE[1], dash: "dash" } },
    ],
    xaxis,
    yaxis: { type: "log", exponentformat: "power", gridcolor: "#eeeeee", title: { text: "value (median over replicas)" } },
  };
}

/**
 * Left/right ratio against the width m or the solver's T: every iteration and replica at each
 * x pooled (median, band min–max), one panel per statement.
 */
export function ratioBySweepFigure(rows: PropagationRow[], by: "m" | "T", run: { mdp: string; beta: number; K: number; m?: number; T?: number }): Figure {
  const xs = rows.map((r) => r[by]);
  return ratioFigure(
    rows, (r) => r[by], { type: "log", ...powerOfTwoTicks(xs), gridcolor: "#eeeeee" },
    by === "m" ? "Slack of each bound against the width m" : "Slack of each bound against the solvers' steps T",
    settingsLine({ mdp: run.mdp, β: run.beta, K: run.K, m: run.m, T: run.T }),
    "all iterations and replicas, min to max", by === "m" ? "width m" : "solver steps T",
  );
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

/**
 * Whether a statement whose right side carries Thm 4.9's M term (NeurIPS Lemma 4.8: 2β_k⁻²M;
 * the revision's Lemma 4.9: β_k⁻²M) would hold on every neural iteration (k < K) from that term
 * alone, its ϵ terms dropped: then "held" cannot fail on these runs (M ≥ 2R_f² dwarfs every left
 * side), and the verdict says so. Null for a statement without an M term. `runRows`: convergence rows.
 */
export function heldByMTermAlone(statement: string, runRows: Row[]): boolean | null {
  const term: Record<string, { lhs: (r: Row) => number; mTerm: (r: Row) => number }> = {
    "Lemma 4.8 (NeurIPS)": { lhs: (r) => Number(r.energyStepSq), mTerm: (r) => (2 * Number(r.M)) / Number(r.lambda) ** 2 },
    "Lemma 4.9 (revision)": { lhs: (r) => Number(r.criticSupSq) / Number(r.lambda) ** 2, mTerm: (r) => Number(r.M) / Number(r.lambda) ** 2 },
  };
  const t = term[statement];
  if (!t) return null;
  const rows = runRows.filter((r) => r.variant !== "exact-ppo" && typeof r.lambda === "number" && typeof r.M === "number" && Number.isFinite(t.lhs(r)));
  return rows.length > 0 && rows.every((r) => t.lhs(r) <= t.mTerm(r));
}

/** A statement's verdict from its summary: "held", "fails", "FAILED (bug)" where it follows from the definitions, and "held through its M term alone" where the ϵ terms were never needed. */
export function propagationVerdict(s: PropagationSummary, runRows: Row[]): string {
  if (s.held < s.rows) return s.theorem ? "FAILED (bug)" : "fails";
  return heldByMTermAlone(s.statement, runRows) ? "held only through its M term (alone ≥ the left side on every row: cannot fail on these runs)" : "held";
}
