/**
 * Figures and tables of notebooks/06-benchmarks.ipynb: the cost of the theorems' regime
 * against |S||A| (rows of `regime-scaling`), what the restart ε does (restart-study rows), and
 * neural against exact PPO on the benchmarks (rows of `convergence`).
 */
import type { Row } from "../experiments/results-io";
import type { RestartStudyRow } from "../mdp/benchmarks/restart-study";
import { meanAndStandardError } from "../stats";
import type * as Theory from "../theory";
import { curveTrace, Figure, logAxis, PALETTE, Panel, smallMultiples, Trace, withSubtitle } from "./figures";

const ALGORITHM_LABEL: Record<string, string> = { alg2: "Alg. 2 (σ̃<sub>k</sub> = ν<sub>k</sub>×π<sub>0</sub>)", alg3: "Alg. 3, TD (σ<sub>k</sub> = ν<sub>k</sub>π<sub>k</sub>)" };

/**
 * T₁ = 1/λ_min² against |S||A|, log-log: Garnets joined by lines, benchmarks as labelled
 * markers; filled at π_0, open at the run's last checkpoint; the one-hot floor 4(|S||A|)²
 * dashed and the largest T the notebook runs dotted. Rows with T₁ = ∞ are left out (counted in the subtitle).
 */
export function regimeCostFigure(rows: Row[], opts: { curves: Pick<typeof Theory, "oneHotTransientFloor" | "curveLabel">; budgetT: number; subtitle: string }): Figure {
  const ks = [...new Set(rows.map((r) => r.k as number))].sort((a, b) => a - b);
  const last = ks[ks.length - 1];
  const infinite = rows.filter((r) => !Number.isFinite(r.tForX1 as number)).length;
  const traces: Trace[] = [];
  const finite = rows.filter((r) => Number.isFinite(r.tForX1 as number));
  (["alg2", "alg3"] as const).forEach((alg, ai) => {
    for (const [k, open] of [[0, false], [last, true]] as const) {
      const at = finite.filter((r) => r.algorithm === alg && r.k === k);
      const garnets = at.filter((r) => String(r.testbed).startsWith("garnet")).sort((a, b) => (a.pairs as number) - (b.pairs as number));
      const bench = at.filter((r) => !String(r.testbed).startsWith("garnet"));
      const name = `${ALGORITHM_LABEL[alg]}, ${k === 0 ? "at π<sub>0</sub>" : `at exact PPO's π<sub>${k}</sub>`}`;
      const marker = { color: PALETTE[ai], size: 9, symbol: `${ai === 0 ? "circle" : "square"}${open ? "-open" : ""}` };
      const hover = (r: Row) => `${r.testbed}: |S||A| = ${r.pairs}, λ = ${(r.lambdaMin as number).toExponential(2)}, T₁ = ${(r.tForX1 as number).toExponential(2)}`;
      traces.push({ type: "scatter", mode: "lines+markers", name: `${name}: Garnets`, legendgroup: name, x: garnets.map((r) => r.pairs), y: garnets.map((r) => r.tForX1), text: garnets.map(hover), hoverinfo: "text", marker, line: { color: PALETTE[ai], width: 1.5, dash: open ? "dot" : "solid" } });
      traces.push({ type: "scatter", mode: open ? "markers" : "markers+text", name: `${name}: benchmarks`, legendgroup: name, x: bench.map((r) => r.pairs), y: bench.map((r) => r.tForX1), text: bench.map((r) => (open ? hover(r) : String(r.testbed).replace(/-onehot$/, ""))), hovertext: bench.map(hover), hoverinfo: "text", textposition: ai === 0 ? "top left" : "bottom right", textfont: { size: 10, color: PALETTE[ai] }, marker: { ...marker, size: 11, line: { width: 1.5, color: PALETTE[ai] } } });
    }
  });
  const pairs = rows.map((r) => r.pairs as number);
  const xs = [Math.min(...pairs), Math.max(...pairs)];
  const grid = Array.from({ length: 20 }, (_, i) => xs[0] * (xs[1] / xs[0]) ** (i / 19));
  traces.push(curveTrace({ name: `one-hot floor, σ̃ uniform: ${opts.curves.curveLabel(opts.curves.oneHotTransientFloor)}`, x: grid, y: grid.map((n) => opts.curves.oneHotTransientFloor(n)), color: "#555555" }));
  traces.push(curveTrace({ name: `the largest T run in this notebook (${opts.budgetT.toExponential(1)})`, x: xs, y: [opts.budgetT, opts.budgetT], color: "#000000", dash: "dot" }));
  const ys = finite.map((r) => r.tForX1 as number);
  return withSubtitle({
    data: traces,
    layout: {
      title: { text: "The cost of the theorem's regime vs |S||A|" },
      xaxis: logAxis("|S||A| (state-action pairs, one-hot features)", pairs),
      yaxis: logAxis("T₁ = 1/λ<sub>min</sub>²: the T where x<sub>min</sub> = λ<sub>min</sub>√T reaches 1", [...ys, opts.budgetT]),
      legend: { orientation: "v", x: 0, y: -0.2, xanchor: "left", yanchor: "top", font: { size: 11 } },
      width: 900,
      height: 820,
      margin: { l: 95, r: 30, t: 80, b: 40 },
      template: { layout: { font: { family: "Helvetica, Arial, sans-serif", size: 13 } } },
      plot_bgcolor: "#ffffff",
      paper_bgcolor: "#ffffff",
    },
  }, `${opts.subtitle}${infinite > 0 ? ` · ${infinite} rows with λ at rounding level (T₁ = ∞) not drawn` : ""}`);
}

/** Per benchmark, L(π*_ε)/L(π*_0) against ε (log x); open markers where π*_ε differs from π*_0. */
export function restartFigure(rows: RestartStudyRow[], chosen: Record<string, number>): Figure {
  const names = [...new Set(rows.map((r) => r.benchmark))];
  const traces: Trace[] = names.flatMap((name, i) => {
    const at = rows.filter((r) => r.benchmark === name);
    const limit = at.find((r) => r.epsilon === 0)!.lStar;
    const pos = at.filter((r) => r.epsilon > 0).sort((a, b) => a.epsilon - b.epsilon);
    const chosenRow = pos.find((r) => r.epsilon === chosen[name]);
    return [
      {
        type: "scatter", mode: "lines+markers", name, x: pos.map((r) => r.epsilon), y: pos.map((r) => r.lStar / limit), line: { color: PALETTE[i % PALETTE.length], width: 1.5 },
        marker: { color: PALETTE[i % PALETTE.length], size: 8, symbol: pos.map((r) => (r.policyChanges > 0 ? "circle-open" : "circle")) },
        text: pos.map((r) => `${name}, ε = ${r.epsilon}: L(π*) = ${r.lStar.toPrecision(4)}, π* differs from ε → 0 in ${r.policyChanges} states`), hoverinfo: "text",
      },
      ...(chosenRow ? [{ type: "scatter", mode: "markers", name: `${name}: the shipped ε`, showlegend: false, x: [chosenRow.epsilon], y: [chosenRow.lStar / limit], marker: { color: PALETTE[i % PALETTE.length], size: 16, symbol: "star" }, hoverinfo: "skip" }] : []),
    ];
  });
  return withSubtitle({
    data: traces,
    layout: {
      title: { text: "What the restart ε does: L(π*) of P<sub>ε</sub> relative to ε → 0" },
      xaxis: logAxis("restart ε (P<sub>ε</sub> = (1 − ε)P + εU(S))", rows.filter((r) => r.epsilon > 0).map((r) => r.epsilon)),
      yaxis: { title: { text: "L(π*<sub>ε</sub>) / L(π*<sub>0</sub>)" } },
      legend: { orientation: "h", x: 0, y: -0.2, xanchor: "left", yanchor: "top" },
      width: 820,
      height: 520,
      margin: { l: 80, r: 30, t: 80, b: 40 },
      plot_bgcolor: "#ffffff",
      paper_bgcolor: "#ffffff",
    },
  }, "open markers: π*<sub>ε</sub> differs from π*<sub>0</sub> in some state · stars: the ε each file ships with · exact, float64");
}

/** Mean gap L(π*) − L(π_k) per k over replicas, for rows of one (variant, K, m, T). */
function gapCurve(rows: Row[]): { k: number[]; mean: number[]; se: number[]; n: number[] } {
  const ks = [...new Set(rows.map((r) => r.k as number))].sort((a, b) => a - b);
  const stats = ks.map((k) => meanAndStandardError(rows.filter((r) => r.k === k).map((r) => r.gap as number)));
  return { k: ks, mean: stats.map((s) => s.mean), se: stats.map((s) => s.standardError), n: stats.map((s) => s.n) };
}

/** One panel per benchmark: exact PPO's gap against k, and neural PPO's for each T (mean over replicas, each replica thin). */
export function neuralVsExactFigure(runs: { title: string; rows: Row[]; tForX1: { alg2: number; alg3: number } }[], subtitle: string): Figure {
  const panels: Panel[] = runs.map(({ title, rows, tForX1 }) => {
    const exact = rows.filter((r) => r.variant === "exact-ppo");
    const neural = rows.filter((r) => r.variant === "neural-ppo");
    const Ts = [...new Set(neural.map((r) => r.T as number))].sort((a, b) => a - b);
    const e = gapCurve(exact);
    const traces: Trace[] = [curveTrace({ name: "exact PPO", x: e.k, y: e.mean, color: "#000000", dash: "solid", width: 2 })];
    Ts.forEach((T, i) => {
      const color = PALETTE[(i + 1) % PALETTE.length];
      const atT = neural.filter((r) => r.T === T);
      const g = gapCurve(atT);
      const x2 = Math.sqrt(T / tForX1.alg2);
      const x3 = Math.sqrt(T / tForX1.alg3);
      const name = `neural PPO, T = 2<sup>${Math.log2(T)}</sup> (x<sub>min</sub> = ${x2.toPrecision(2)} Alg. 2, ${x3.toPrecision(2)} TD)`;
      traces.push({ ...curveTrace({ name, x: g.k, y: g.mean, color, dash: "solid", width: 2, group: name }), mode: "lines+markers", marker: { color, size: 6 } });
      for (const rep of [...new Set(atT.map((r) => r.replica as number))]) {
        const one = gapCurve(atT.filter((r) => r.replica === rep));
        traces.push(curveTrace({ name: `${name}, replica ${rep}`, x: one.k, y: one.mean, color, dash: "dot", width: 1, group: name, showlegend: false }));
      }
    });
    return { title, traces, yaxis: { rangemode: "tozero" } };
  });
  return smallMultiples({ title: "Neural PPO against exact PPO on the benchmarks (one-hot features)", subtitle, panels, columns: 2, xTitle: "iteration k", yTitle: "L(π*) − L(π<sub>k</sub>)", legendRows: 4 });
}
