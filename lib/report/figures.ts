/**
 * Figures as plain plotly JSON, built in Node (plotly.js needs a DOM and is never loaded in
 * the kernel, STACK.md). A figure is data; `display.ts` shows it, `static-image.ts` renders it.
 */

import { tQuantile975 } from "../stats";

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
  return curveTrace({ name, x, y, color, dash });
}

/** Axis ids of panel i (0-based) of a multi-panel figure: plotly's "x", "x2", … */
export function panelAxes(i: number): { x: string; y: string } {
  return i === 0 ? { x: "x", y: "y" } : { x: `x${i + 1}`, y: `y${i + 1}` };
}

const onPanel = (panel?: number) => (panel === undefined || panel === 0 ? {} : { xaxis: panelAxes(panel).x, yaxis: panelAxes(panel).y });

/** A curve (a line, dashed by default), optionally in panel `panel` of a multi-panel figure. */
export function curveTrace(opts: { name: string; x: number[]; y: number[]; color?: string; dash?: string; width?: number; panel?: number; showlegend?: boolean; group?: string }): Trace {
  return {
    type: "scatter", mode: "lines", name: opts.name, x: opts.x, y: opts.y, line: { color: opts.color ?? "#555555", width: opts.width ?? 1.5, dash: opts.dash ?? "dash" },
    ...(opts.showlegend === undefined ? {} : { showlegend: opts.showlegend }), ...(opts.group ? { legendgroup: opts.group } : {}), ...onPanel(opts.panel),
  };
}

/**
 * A measured mean with its 95% band as a filled area, optionally in panel `panel`: ±t·s.e. with
 * Student's t for `n` replicas per point when given (1.96 otherwise). On a log axis (`log`, the
 * default) a band reaching 0 or below cannot be drawn: its lower edge is cut at a tenth of the mean there.
 */
export function bandSeries(opts: { name: string; x: number[]; mean: number[]; standardError: number[]; n?: number[]; color: string; panel?: number; dash?: string; group?: string; showlegend?: boolean; log?: boolean }): Trace[] {
  const log = opts.log ?? true;
  const group = opts.group ?? opts.name;
  const half = opts.standardError.map((se, i) => (opts.n && opts.n[i] > 1 ? tQuantile975(opts.n[i] - 1) : 1.96) * se);
  const lo = opts.mean.map((m, i) => (log && m - half[i] <= 0 ? m / 10 : m - half[i]));
  const hi = opts.mean.map((m, i) => m + half[i]);
  const axes = onPanel(opts.panel);
  const line: Trace = {
    type: "scatter", mode: opts.x.length > 12 ? "lines" : "lines+markers", name: opts.name, legendgroup: group, x: opts.x, y: opts.mean,
    line: { color: opts.color, width: 2, dash: opts.dash ?? "solid" }, marker: { color: opts.color, size: 6 }, ...(opts.showlegend === undefined ? {} : { showlegend: opts.showlegend }), ...axes,
  };
  return opts.standardError.some((v) => v > 0) ? [bandTrace(opts.x, lo, hi, opts.color, group, axes), line] : [line];
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
 * A figure with both axes logarithmic; `xValues` (sweeps in powers of 2) set 2^k ticks, the
 * y ticks come from `logTicks` (one label format on the axis).
 */
export function logLogFigure(opts: { title: string; xTitle: string; yTitle: string; traces: Trace[]; xValues: number[] }): Figure {
  const ys = positiveYs(opts.traces);
  return {
    data: opts.traces,
    layout: {
      title: { text: opts.title },
      xaxis: { title: { text: opts.xTitle }, type: "log", ...powerOfTwoTicks(opts.xValues) },
      yaxis: { title: { text: opts.yTitle }, type: "log", ...(ys.length > 0 ? logTicks(ys) : {}) },
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

const MINUS = "\u2212";

/** `m`·10^`k` as a number, without the rounding of m * 10 ** k (2e-7, not 2.0000000000000002e-7). */
const scaled = (m: number, k: number) => Number(`${m}e${k}`);

/**
 * Tick values and labels for a log axis spanning `values`, in ONE format per axis (plotly's
 * own mixes "0.000001" with "1e−7"): over at most 3 decades, 1-2-5 steps (1…9 within one),
 * written as plain decimals when every tick lies in [0.001, 10⁴) and as m·10<sup>k</sup>
 * otherwise; over more decades, powers of ten 10<sup>k</sup> (every n-th, at most ~8).
 * Ticks run a decade past the data on both sides, so an axis range set later still has them.
 */
export function logTicks(values: number[]): { tickvals: number[]; ticktext: string[] } {
  const [lo, hi] = span(values.filter((v) => v > 0 && Number.isFinite(v)));
  const kLo = Math.floor(Math.log10(lo)) - 1;
  const kHi = Math.ceil(Math.log10(hi)) + 1;
  const decades = Math.log10(hi / lo);
  const power = (k: number) => `10<sup>${k < 0 ? MINUS : ""}${Math.abs(k)}</sup>`;
  if (decades > 3) {
    const step = Math.max(1, Math.ceil(decades / 8));
    const ks: number[] = [];
    for (let k = Math.floor(kLo / step) * step; k <= kHi; k += step) ks.push(k);
    return { tickvals: ks.map((k) => scaled(1, k)), ticktext: ks.map(power) };
  }
  const mantissas = decades <= 1 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : [1, 2, 5];
  const ticks: [number, number][] = [];
  for (let k = kLo; k <= kHi; k++) for (const m of mantissas) ticks.push([m, k]);
  // The format is chosen for the ticks near the data (plotly pads its range by a few percent).
  const inView = ticks.filter(([m, k]) => scaled(m, k) >= lo / 2 && scaled(m, k) <= hi * 2);
  const plain = inView.every(([m, k]) => scaled(m, k) >= 1e-3 && scaled(m, k) < 1e4);
  return {
    tickvals: ticks.map(([m, k]) => scaled(m, k)),
    ticktext: ticks.map(([m, k]) => (plain ? (k < 0 ? scaled(m, k).toFixed(-k) : String(scaled(m, k))) : m === 1 ? power(k) : `${m}·${power(k)}`)),
  };
}

/**
 * Plain-text math to plotly's HTML subset (what also renders in static PNG/SVG export, where
 * MathJax is not available): `x_k`, `x_{k+1}` become subscripts, `m^(-1/2)`, `x^{2}` and
 * `x^2` superscripts, with a true minus sign. Unicode (ϵ, φ*, ‖ν‖, τ⁻²) passes through.
 */
export function mathLabel(text: string): string {
  const minus = (t: string) => t.replace(/-/g, MINUS);
  return text
    .replace(/_\{([^}]*)\}/g, "<sub>$1</sub>")
    .replace(/_([A-Za-z0-9∞])/g, "<sub>$1</sub>")
    .replace(/\^[({]([^)}]*)[)}]/g, (_m, t: string) => `<sup>${minus(t)}</sup>`)
    .replace(/\^([-−]?[A-Za-z0-9./]+)/g, (_m, t: string) => `<sup>${minus(t)}</sup>`);
}

/**
 * plotly's markup back to plain-text math, for where it does not render (alt text, a
 * plain-text output): `<sub>k</sub>` becomes `_k` (`_{k+1}`), `<sup>−1/2</sup>` `^(−1/2)`
 * (`^2`), a line break a space; other tags are dropped.
 */
export function plainLabel(html: string): string {
  const script = (mark: string, open: string, close: string) => (_m: string, t: string) => (t.length === 1 ? `${mark}${t}` : `${mark}${open}${t}${close}`);
  return html
    .replace(/<sub>(.*?)<\/sub>/g, script("_", "{", "}"))
    .replace(/<sup>(.*?)<\/sup>/g, script("^", "(", ")"))
    .replace(/<br\s*\/?>/g, " ")
    .replace(/<[^>]*>/g, "");
}

/**
 * A run's settings as one line for a subtitle, in the order given, entries without a value
 * left out; the key `mdp` is shown as its value alone:
 * `settingsLine({ mdp: "garnet-s10-a4", β: 0.1, K: 64, m: 1024, T: 4096 })` is
 * "garnet-s10-a4 · β = 0.1 · K = 64 · m = 1024 · T = 4096".
 */
export function settingsLine(settings: Record<string, string | number | undefined>): string {
  return Object.entries(settings)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => (k === "mdp" ? String(v) : `${k} = ${v}`))
    .join(" · ");
}

/**
 * The figure with smaller title lines under its title (the settings of the run, what a band
 * means; lines separated by <br>), with room made for them.
 */
export function withSubtitle(figure: Figure, subtitle: string): Figure {
  const title = figure.layout.title as { text?: string } | undefined;
  const margin = (figure.layout.margin as Record<string, number> | undefined) ?? {};
  return {
    ...figure,
    layout: {
      ...figure.layout,
      title: { ...title, subtitle: { text: subtitle, font: { size: 12, color: "#555555" } } },
      margin: { ...margin, t: Math.max(margin.t ?? 0, 50) + 18 * subtitle.split("<br>").length + 6 },
    },
  };
}

/** Pixels per character of a 12 px subtitle and of plotly's ~18 px title (Helvetica/Arial average, with room for wide glyphs). */
const SUBTITLE_PX_PER_CHAR = 6.6;
const TITLE_PX_PER_CHAR = 9.8;

/**
 * Lines (split at <br>) broken at spaces so that none is wider than `width` px: plotly does not
 * wrap a subtitle, and a long line ran off both edges of the figure. Tags (<sub>, <sup>) count
 * as zero width and are never split; a word longer than a line stays whole.
 */
export function wrapLines(text: string, width: number, pxPerChar = SUBTITLE_PX_PER_CHAR): string {
  const maxChars = Math.max(20, Math.floor((width - 40) / pxPerChar));
  const visible = (t: string) => t.replace(/<[^>]*>/g, "").length;
  return text
    .split("<br>")
    .map((line) => {
      const out: string[] = [];
      let current = "";
      for (const word of line.split(" ")) {
        const next = current === "" ? word : `${current} ${word}`;
        if (current !== "" && visible(next) > maxChars) {
          out.push(current);
          current = word;
        } else current = next;
      }
      out.push(current);
      return out.join("<br>");
    })
    .join("<br>");
}

/**
 * The figure with its title and subtitle wrapped to `width` px (wrapLines) and more top margin
 * per line the wrapping added (24 px a title line, 18 px a subtitle line); `extraHeight` is that
 * amount, for a caller that fixes the height. Wrapping an already wrapped figure changes nothing.
 */
export function fitSubtitle(figure: Figure, width: number): { figure: Figure; extraHeight: number } {
  const title = figure.layout.title as { text?: string; subtitle?: { text?: string } } | string | undefined;
  if (title === undefined || typeof title === "string") return { figure, extraHeight: 0 };
  const lines = (t: string | undefined) => (t ? t.split("<br>").length : 0);
  const text = title.text && wrapLines(title.text, width, TITLE_PX_PER_CHAR);
  const sub = title.subtitle?.text && wrapLines(title.subtitle.text, width);
  const extraHeight = 24 * (lines(text) - lines(title.text)) + 18 * (lines(sub) - lines(title.subtitle?.text));
  if (extraHeight === 0) return { figure, extraHeight };
  const margin = (figure.layout.margin as Record<string, number> | undefined) ?? {};
  const wrappedTitle = { ...title, ...(text ? { text } : {}), ...(sub ? { subtitle: { ...title.subtitle, text: sub } } : {}) };
  return { figure: { ...figure, layout: { ...figure.layout, title: wrappedTitle, margin: { ...margin, t: (margin.t ?? 100) + extraHeight } } }, extraHeight };
}

/** `color` (#rrggbb) with transparency `alpha`. */
export function withAlpha(color: string, alpha: number): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(String(color))) throw new RangeError(`color must be "#rrggbb", got ${JSON.stringify(color)}`);
  const n = parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/**
 * A filled band from `lo` to `hi` over `x` (a 95% CI, a min–max range): no line, no legend
 * entry, no hover; in the legend group `group` so that it hides with its series. Put it
 * before the series' own trace so that the line is drawn over it.
 */
export function bandTrace(x: number[], lo: number[], hi: number[], color: string, group?: string, opts: { xaxis?: string; yaxis?: string } = {}): Trace {
  return {
    type: "scatter",
    mode: "lines",
    x: [...x, ...[...x].reverse()],
    y: [...hi, ...[...lo].reverse()],
    fill: "toself",
    fillcolor: withAlpha(color, 0.18),
    line: { width: 0, color },
    hoverinfo: "skip",
    showlegend: false,
    ...(group ? { legendgroup: group } : {}),
    ...opts,
  };
}

/**
 * Measured mean with its 95% band (±1.96 standard errors) filled behind it: for series with
 * many points, where error bars crowd each other. On log axes (`log`, the default) a band
 * edge at or below 0 is drawn a decade below the mean.
 */
export function measuredBandTraces(name: string, x: number[], mean: number[], standardError: number[], color: string, opts: { log?: boolean } = {}): Trace[] {
  return bandSeries({ name, x, mean, standardError, color, log: opts.log });
}

/** One panel of `smallMultiples`: its title, traces and axis settings (type, range, ticks). */
export interface Panel {
  title: string;
  traces: Trace[];
  xaxis?: Record<string, unknown>;
  yaxis?: Record<string, unknown>;
  /** Shapes and annotations in the panel's own axes: write xref "x", yref "y" (or "x domain"), they are moved to the panel's. */
  shapes?: Record<string, unknown>[];
  annotations?: Record<string, unknown>[];
}

/**
 * Small multiples instead of many series on one axis: panels on a grid of `columns`, each
 * with its own axes, title and legend (under the panel), x titled on every panel, y on the
 * first column. Sizes are in pixels; the figure's height follows from them.
 */
export function smallMultiples(opts: { title: string; subtitle?: string; panels: Panel[]; columns: number; xTitle: string; yTitle: string; width?: number; panelHeight?: number; legendRows?: number }): Figure {
  const width = opts.width ?? 820;
  const columns = Math.min(opts.columns, opts.panels.length);
  const rows = Math.ceil(opts.panels.length / columns);
  const panelHeight = opts.panelHeight ?? 230;
  const subtitleLines = opts.subtitle ? opts.subtitle.split("<br>").length : 0;
  const margin = { l: 80, r: 20, t: 70 + 18 * subtitleLines, b: 10 };
  const titlePx = 26;
  const belowPx = 60 + 22 * (opts.legendRows ?? 3);
  const height = margin.t + margin.b + rows * (titlePx + panelHeight + belowPx);
  const plotH = height - margin.t - margin.b;
  const gapX = 0.1;
  const w = (1 - gapX * (columns - 1)) / columns;
  const layout: Record<string, unknown> = {
    title: { text: opts.title, ...(opts.subtitle ? { subtitle: { text: opts.subtitle, font: { size: 12, color: "#555555" } } } : {}) },
    width,
    height,
    margin,
    showlegend: true,
    template: { layout: { font: { family: "Helvetica, Arial, sans-serif", size: 13 } } },
    plot_bgcolor: "#ffffff",
    paper_bgcolor: "#ffffff",
  };
  const data: Trace[] = [];
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  opts.panels.forEach((p, i) => {
    const row = Math.floor(i / columns);
    const col = i % columns;
    const n = i === 0 ? "" : String(i + 1);
    const x0 = col * (w + gapX);
    const top = 1 - (row * (titlePx + panelHeight + belowPx) + titlePx) / plotH;
    const bottom = top - panelHeight / plotH;
    const legend = i === 0 ? "legend" : `legend${n}`;
    layout[`xaxis${n}`] = { title: { text: opts.xTitle, standoff: 4 }, domain: [x0, x0 + w], anchor: `y${n}`, ...p.xaxis };
    layout[`yaxis${n}`] = { title: { text: col === 0 ? opts.yTitle : "" }, domain: [bottom, top], anchor: `x${n}`, ...p.yaxis };
    layout[legend] = { x: x0, xanchor: "left", y: bottom - 48 / plotH, yanchor: "top", orientation: "v", font: { size: 11 }, bgcolor: "rgba(0,0,0,0)", tracegroupgap: 2 };
    annotations.push({ text: `<b>${p.title}</b>`, xref: `x${n} domain`, yref: `y${n} domain`, x: 0, y: 1, xanchor: "left", yanchor: "bottom", yshift: 4, showarrow: false, font: { size: 13 } });
    const moved = (o: Record<string, unknown>) => ({ ...o, xref: String(o.xref ?? "x").replace(/^x/, `x${n}`), yref: String(o.yref ?? "y").replace(/^y/, `y${n}`) });
    shapes.push(...(p.shapes ?? []).map(moved));
    annotations.push(...(p.annotations ?? []).map(moved));
    for (const t of p.traces) data.push({ ...t, xaxis: `x${n}`, yaxis: `y${n}`, legend });
  });
  layout.shapes = shapes;
  layout.annotations = annotations;
  return { data, layout };
}

/**
 * Panels side by side that share one legend (the same series in every panel, e.g. one panel
 * per T): plotly's axis-per-panel layout (`x`, `x2`, …), each panel with its own axes. Traces
 * name their panel's axes themselves (`xaxis: "x2", yaxis: "y2"`). `smallMultiples` instead
 * gives each panel its own legend.
 */
export function sideBySide(opts: { title: string; subtitle?: string; traces: Trace[]; axes: { x: Record<string, unknown>; y: Record<string, unknown> }[] }): Figure {
  const n = opts.axes.length;
  const gap = 0.08;
  const width = (1 - gap * (n - 1)) / n;
  const layout: Record<string, unknown> = {
    title: { text: opts.title },
    legend: { orientation: "h", x: 0, y: -0.2, xanchor: "left", yanchor: "top" },
    margin: { l: 80, r: 30, t: 50, b: 40 },
    template: { layout: { font: { family: "Helvetica, Arial, sans-serif", size: 13 } } },
    plot_bgcolor: "#ffffff",
    paper_bgcolor: "#ffffff",
  };
  opts.axes.forEach((a, i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    layout[`xaxis${suffix}`] = { ...a.x, domain: [i * (width + gap), i * (width + gap) + width], anchor: `y${suffix}` };
    layout[`yaxis${suffix}`] = { ...a.y, anchor: `x${suffix}` };
  });
  const figure = { data: opts.traces, layout };
  return opts.subtitle ? withSubtitle(figure, opts.subtitle) : figure;
}

/** A log axis with one label format (`logTicks`) over the values it shows. */
export function logAxis(title: string, values: number[]): Record<string, unknown> {
  return { title: { text: title }, type: "log", ...logTicks(values.filter((v) => v > 0 && Number.isFinite(v))) };
}

/** One panel of `logLogPanels`: its title, traces, and vertical reference lines (x in data units, label at height y, 0…1 of the panel). */
export interface LogLogPanel {
  title: string;
  traces: Trace[];
  verticals?: { x: number; label: string; y?: number }[];
}

/**
 * Log-log panels side by side sharing one legend and, unless `shareY` is false, the y axis (so
 * levels compare across panels); x ticks at powers of 2 unless `powerOfTwoX` is false. Traces
 * are placed in their panel here (their own xaxis/yaxis are overwritten).
 */
export function logLogPanels(opts: { title: string; subtitle: string; panels: LogLogPanel[]; xTitle: string; yTitle: string; xValues: number[]; powerOfTwoX?: boolean; shareY?: boolean }): Figure {
  const yValues = (traces: Trace[]) => traces.flatMap((t) => ((t.y as number[]) ?? []).filter((v) => typeof v === "number"));
  const shared = opts.shareY !== false;
  const allY = yValues(opts.panels.flatMap((p) => p.traces));
  const figure = sideBySide({
    title: opts.title,
    subtitle: opts.subtitle,
    traces: opts.panels.flatMap((p, i) => p.traces.map((t) => ({ ...t, xaxis: panelAxes(i).x, yaxis: panelAxes(i).y }))),
    axes: opts.panels.map((p, i) => ({
      x: { title: { text: opts.xTitle }, type: "log", ...(opts.powerOfTwoX === false ? { dtick: 1, exponentformat: "power" } : powerOfTwoTicks(opts.xValues)) },
      y: { ...logAxis(i === 0 || !shared ? opts.yTitle : "", shared ? allY : yValues(p.traces)), ...(i > 0 && shared ? { matches: "y" } : {}) },
    })),
  });
  const shapes: unknown[] = [];
  const annotations: unknown[] = [];
  opts.panels.forEach((p, i) => {
    const { x: xa, y: ya } = panelAxes(i);
    annotations.push({ text: p.title, xref: `${xa} domain`, x: 0.5, xanchor: "center", yref: `${ya} domain`, y: 1.01, yanchor: "bottom", showarrow: false, font: { size: 12 } });
    for (const v of p.verticals ?? []) {
      shapes.push({ type: "line", xref: xa, yref: `${ya} domain`, x0: v.x, x1: v.x, y0: 0, y1: 1, line: { color: "#888888", width: 1, dash: "dot" } });
      annotations.push({ text: v.label, x: Math.log10(v.x), xref: xa, y: v.y ?? 0.99, yref: `${ya} domain`, xanchor: "left", yanchor: "top", showarrow: false, font: { size: 10, color: "#666666" } });
    }
  });
  figure.layout.shapes = shapes;
  figure.layout.annotations = annotations;
  figure.layout.legend = { ...(figure.layout.legend as object), font: { size: 11 } };
  // Room above the panels for their titles, below the figure's title and subtitle.
  const titleLines = Math.max(...opts.panels.map((p) => p.title.split("<br>").length));
  const margin = figure.layout.margin as Record<string, number>;
  figure.layout.margin = { ...margin, t: margin.t + 18 * titleLines + 8 };
  // Plotly centres a title in the top margin; pinned to the top, the title and subtitle stay clear of the panel titles.
  figure.layout.title = { ...(figure.layout.title as object), yref: "container", y: 1, yanchor: "top", pad: { t: 12 } };
  return figure;
}
