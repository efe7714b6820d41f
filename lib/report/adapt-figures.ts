/**
 * Figures of notebook 05 (adapting the companion): one error-against-T chart for several
 * labelled result sets of the `improvement`/`evaluation` experiments, e.g. the paper's step
 * size beside another, or the path average beside the last iterate of the same runs.
 */
import type { Row } from "../experiments/results-io";
import { summarise } from "../stats";
import { Figure, logLogFigure, measuredBandTraces, PALETTE, theoryTrace, withSubtitle } from "./figures";

export interface LabelledRows {
  label: string;
  rows: Row[];
  /** The error column to draw (default `mse`). */
  column?: string;
}

/** Mean error against T per labelled set, with 95% bands; `baseline`, when given, is drawn as a dashed line (e.g. the zero predictor's MSE). */
export function errorVsIterationsBySet(sets: LabelledRows[], opts: { title: string; subtitle: string; yTitle: string; baseline?: { label: string; value: number } }): Figure {
  const Ts = [...new Set(sets.flatMap((s) => s.rows.map((r) => r.T as number)))].sort((a, b) => a - b);
  const traces = sets.flatMap((s, i) => {
    const points = summarise(s.rows, ["T"], s.column ?? "mse").sort((a, b) => (a.T as number) - (b.T as number));
    return measuredBandTraces(s.label, points.map((p) => p.T as number), points.map((p) => p.mean), points.map((p) => p.standardError), PALETTE[i % PALETTE.length]);
  });
  if (opts.baseline) traces.push(theoryTrace(opts.baseline.label, [Ts[0], Ts[Ts.length - 1]], [opts.baseline.value, opts.baseline.value], "#000000", "dash"));
  return withSubtitle(logLogFigure({ title: opts.title, xTitle: "T", yTitle: opts.yTitle, traces, xValues: Ts }), opts.subtitle);
}
