/**
 * Figures as plain plotly JSON, built in Node (plotly.js needs a DOM and is never loaded in
 * the kernel, STACK.md). A figure is data; `display.ts` shows it, `static-image.ts` renders it.
 */

export type Trace = Record<string, unknown>;

export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
}

/** Colours of the measured series, in order (colour-blind safe, Okabe–Ito). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"];

/** Measured mean with a 95% band (±1.96 standard errors) as error bars. */
export function measuredTrace(name: string, x: number[], mean: number[], standardError: number[], color: string): Trace {
  return {
    type: "scatter",
    mode: "lines+markers",
    name,
    x,
    y: mean,
    error_y: { type: "data", array: standardError.map((s) => 1.96 * s), visible: true, thickness: 1 },
    line: { color, width: 2 },
    marker: { color, size: 6 },
  };
}

/** A theoretical curve, dashed. */
export function theoryTrace(name: string, x: number[], y: number[], color = "#555555", dash = "dash"): Trace {
  return { type: "scatter", mode: "lines", name, x, y, line: { color, width: 1.5, dash } };
}

/** Tick values and labels 2^k for the powers of two in [lo, hi] (at most ~8 labels). */
export function powerOfTwoTicks(values: number[]): { tickvals: number[]; ticktext: string[] } {
  const [lo, hi] = span(values);
  const kLo = Math.ceil(Math.log2(lo));
  const kHi = Math.floor(Math.log2(hi));
  const step = Math.max(1, Math.ceil((kHi - kLo + 1) / 8));
  const ks: number[] = [];
  for (let k = kLo; k <= kHi; k += step) ks.push(k);
  return { tickvals: ks.map((k) => 2 ** k), ticktext: ks.map((k) => `2<sup>${k}</sup>`) };
}

/** Positive finite y values of all traces. */
function positiveYs(traces: Trace[]): number[] {
  return traces.flatMap((t) => ((t.y as number[]) ?? []).filter((v) => v > 0 && Number.isFinite(v)));
}

/**
 * A figure with both axes logarithmic; `xValues` (sweeps in powers of 2) set 2^k ticks. The y
 * ticks are labelled at 1, 2, 5 per decade over at most 4 decades, else at powers of 10.
 */
export function logLogFigure(opts: { title: string; xTitle: string; yTitle: string; traces: Trace[]; xValues: number[] }): Figure {
  const ys = positiveYs(opts.traces);
  const decades = ys.length > 0 ? Math.log10(Math.max(...ys) / Math.min(...ys)) : 0;
  return {
    data: opts.traces,
    layout: {
      title: { text: opts.title },
      xaxis: { title: { text: opts.xTitle }, type: "log", ...powerOfTwoTicks(opts.xValues) },
      // Full labels (plotly otherwise writes "2, 3, …" for 20, 30, …).
      yaxis: { title: { text: opts.yTitle }, type: "log", tickformat: ".2~g", dtick: decades <= 4 ? "D2" : 1 },
      legend: { orientation: "h", x: 0, y: -0.22, xanchor: "left", yanchor: "top" },
      margin: { l: 95, r: 30, t: 50, b: 40 },
      template: { layout: { font: { family: "Helvetica, Arial, sans-serif", size: 13 } } },
      plot_bgcolor: "#ffffff",
      paper_bgcolor: "#ffffff",
    },
  };
}

/** The x-range [min, max] of a list of numbers, as a two-point array for reference lines. */
export function span(values: number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

/** Add a dashed vertical line at x with a label (e.g. a theorem's T threshold). */
export function withVerticalLine(figure: Figure, x: number, label: string): Figure {
  const shapes = [...((figure.layout.shapes as unknown[]) ?? []), { type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line: { color: "#888888", width: 1, dash: "dot" } }];
  const annotations = [...((figure.layout.annotations as unknown[]) ?? []), { x: Math.log10(x), xref: "x", yref: "paper", y: 1, yanchor: "bottom", text: label, showarrow: false, font: { size: 11, color: "#666666" } }];
  return { ...figure, layout: { ...figure.layout, shapes, annotations } };
}
