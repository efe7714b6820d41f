/**
 * Small figure helpers for notebooks 01 and 02: small multiples (one panel per regime), 95%
 * bands, reference lines per panel, and plain-text curve labels rendered with superscripts.
 * Plain plotly JSON, as in figures.ts (whose generic band / subtitle / small-multiples helpers
 * are being written on another branch; these are the few this branch needs).
 */
import { Figure, powerOfTwoTicks, Trace } from "./figures";

/** A curve label such as "c·T^-1/2" or "[(1 − e^-x)/x]^2" with its exponents as <sup> (plotly text; MathJax does not reach static PNGs). */
export function figureText(label: string): string {
  return label.replace(/\^\(([^)]*)\)|\^([-−+]?[\w./]+)/g, (_, group: string | undefined, plain: string | undefined) => `<sup>${group ?? plain}</sup>`);
}

/** `#rrggbb` as rgba with the given opacity. */
export function translucent(color: string, opacity: number): string {
  const n = parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${opacity})`;
}

/** Axis ids of panel i (0-based): plotly's "x", "x2", … */
export function panelAxes(i: number): { x: string; y: string } {
  return i === 0 ? { x: "x", y: "y" } : { x: `x${i + 1}`, y: `y${i + 1}` };
}

/**
 * A mean with its 95% band (±1.96 standard errors) as a filled area, in panel `panel`. On a log
 * axis a band reaching 0 is cut at 1/1000 of the mean (it would have no bottom).
 */
export function bandTraces(opts: { name: string; x: number[]; mean: number[]; standardError: number[]; color: string; panel: number; showlegend?: boolean; dash?: string; group?: string }): Trace[] {
  const { x: xa, y: ya } = panelAxes(opts.panel);
  const group = opts.group ?? opts.name;
  const upper = opts.mean.map((m, i) => m + 1.96 * opts.standardError[i]);
  const lower = opts.mean.map((m, i) => Math.max(m - 1.96 * opts.standardError[i], m / 1000));
  return [
    { type: "scatter", mode: "lines", x: [...opts.x, ...[...opts.x].reverse()], y: [...upper, ...[...lower].reverse()], fill: "toself", fillcolor: translucent(opts.color, 0.18), line: { width: 0, color: opts.color }, hoverinfo: "skip", showlegend: false, legendgroup: group, xaxis: xa, yaxis: ya },
    { type: "scatter", mode: "lines+markers", name: opts.name, x: opts.x, y: opts.mean, line: { color: opts.color, width: 2, dash: opts.dash ?? "solid" }, marker: { color: opts.color, size: 5 }, showlegend: opts.showlegend ?? true, legendgroup: group, xaxis: xa, yaxis: ya },
  ];
}

/** A curve in panel `panel` (dashed by default). */
export function curveTrace(opts: { name: string; x: number[]; y: number[]; color?: string; dash?: string; width?: number; panel: number; showlegend?: boolean; group?: string }): Trace {
  const { x: xa, y: ya } = panelAxes(opts.panel);
  return { type: "scatter", mode: "lines", name: opts.name, x: opts.x, y: opts.y, line: { color: opts.color ?? "#555555", width: opts.width ?? 1.5, dash: opts.dash ?? "dash" }, showlegend: opts.showlegend ?? true, legendgroup: opts.group ?? opts.name, xaxis: xa, yaxis: ya };
}

/** A log axis, one label format each: powers of ten beyond three decades, 1-2-5 labels down to one decade, plotly's own ticks below. */
export function logAxis(title: string, values: number[]): Record<string, unknown> {
  const v = values.filter((y) => y > 0 && Number.isFinite(y));
  const decades = v.length > 0 ? Math.log10(Math.max(...v) / Math.min(...v)) : 0;
  if (decades > 3) return { title: { text: title }, type: "log", dtick: 1, exponentformat: "power" };
  return { title: { text: title }, type: "log", tickformat: ".2~g", ...(decades >= 1 ? { dtick: "D2" } : {}) };
}

/** One panel of a small-multiples figure. */
export interface Panel {
  title: string;
  traces: Trace[];
  /** Vertical reference lines (x in data units) with their labels, placed at height y (0…1 of the panel; default the top). */
  verticals?: { x: number; label: string; y?: number }[];
}

/**
 * Panels side by side, log-log, sharing the y axis unless `shareY` is false (so levels compare
 * across panels); x ticks at powers of 2 unless `powerOfTwoX` is false (then at powers of 10);
 * title with a subtitle line (MDP, T, m: what the reader needs without the text).
 */
export function smallMultiples(opts: { title: string; subtitle: string; panels: Panel[]; xTitle: string; yTitle: string; xValues: number[]; powerOfTwoX?: boolean; shareY?: boolean }): Figure {
  const n = opts.panels.length;
  const gap = 0.06;
  const width = (1 - gap * (n - 1)) / n;
  const layout: Record<string, unknown> = {
    title: { text: `${opts.title}<br><span style="font-size:12px">${opts.subtitle}</span>`, x: 0.01, xanchor: "left" },
    legend: { orientation: "h", x: 0, y: -0.16, xanchor: "left", yanchor: "top", font: { size: 11 } },
    margin: { l: 80, r: 20, t: 135, b: 40 },
    template: { layout: { font: { family: "Helvetica, Arial, sans-serif", size: 13 } } },
    plot_bgcolor: "#ffffff",
    paper_bgcolor: "#ffffff",
  };
  const shapes: unknown[] = [];
  const annotations: unknown[] = [];
  const allY = opts.panels.flatMap((p) => p.traces.flatMap((t) => ((t.y as number[]) ?? []).filter((y) => typeof y === "number")));
  opts.panels.forEach((p, i) => {
    const { x: xa, y: ya } = panelAxes(i);
    const domain = [i * (width + gap), i * (width + gap) + width];
    const xKey = i === 0 ? "xaxis" : `xaxis${i + 1}`;
    const yKey = i === 0 ? "yaxis" : `yaxis${i + 1}`;
    layout[xKey] = { title: { text: opts.xTitle }, type: "log", domain, anchor: ya, ...(opts.powerOfTwoX === false ? { dtick: 1, exponentformat: "power" } : powerOfTwoTicks(opts.xValues)) };
    const shared = opts.shareY !== false;
    const y = logAxis(i === 0 || !shared ? opts.yTitle : "", shared ? allY : p.traces.flatMap((t) => ((t.y as number[]) ?? []).filter((v) => typeof v === "number")));
    layout[yKey] = { ...y, anchor: xa, ...(i > 0 && shared ? { matches: "y" } : {}) };
    annotations.push({ text: p.title, x: (domain[0] + domain[1]) / 2, xref: "paper", xanchor: "center", y: 1.01, yref: "paper", yanchor: "bottom", showarrow: false, font: { size: 12 } });
    for (const v of p.verticals ?? []) {
      shapes.push({ type: "line", xref: xa, yref: `${ya} domain`, x0: v.x, x1: v.x, y0: 0, y1: 1, line: { color: "#888888", width: 1, dash: "dot" } });
      annotations.push({ text: v.label, x: Math.log10(v.x), xref: xa, y: v.y ?? 0.99, yref: `${ya} domain`, xanchor: "left", yanchor: "top", showarrow: false, font: { size: 10, color: "#666666" } });
    }
  });
  layout.shapes = shapes;
  layout.annotations = annotations;
  return { data: opts.panels.flatMap((p) => p.traces), layout };
}
