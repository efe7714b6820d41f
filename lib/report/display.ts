/**
 * Showing figures and tables in the tslab kernel (STACK.md). A figure is sent as ONE
 * display message carrying several MIME types, so each front end picks what it can show:
 *  - text/html: the static PNG inside a <div>, plus a script that loads the pinned plotly
 *    bundle from the Jupyter server (`files/…/plotly.min.js`, no internet; the path is found
 *    from the page's URL, so outputs name no folder of the machine that made them) and
 *    replaces the image by the interactive plot. Where scripts do not run (untrusted
 *    notebooks, GitHub) the image stays.
 *  - image/png: the same static image, for viewers that skip HTML;
 *  - text/plain: the title.
 * tslab's public `display` sends one MIME type per call, so this uses its internal
 * `lastWriteDisplayData` (tslab is pinned exactly for that reason).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import * as dfd from "danfojs-node";
import { REPO_ROOT } from "../util/paths";
import { userPath } from "../util/paths";
import { fitSubtitle, plainLabel, type Figure } from "./figures";
import { figuresDir, SCRATCH_FIGURES_DIR } from "./output-files";
import { writeFigureProvenance } from "./provenance-files";
import { plotlyBundlePath, staticExporter, staticExportUnavailableReason } from "./static-image";
import { installSendQueue } from "../util/zmq-send-queue";

installSendQueue();

type MimeBundle = Record<string, string>;

function sendDisplay(data: MimeBundle): void {
  let jupyter: { lastWriteDisplayData: ((d: unknown, update: boolean) => void) | null };
  try {
    jupyter = require("tslab/dist/jupyter");
  } catch {
    jupyter = { lastWriteDisplayData: null };
  }
  if (jupyter.lastWriteDisplayData == null) {
    process.stdout.write(`${data["text/plain"]}\n`);
    return;
  }
  jupyter.lastWriteDisplayData({ data, metadata: {}, transient: {} }, false);
}

/**
 * Where the browser finds the pinned plotly bundle, as machine-independent relative paths:
 * `bundle` from the repository root, and `up` from the notebook's folder (the kernel's working
 * directory) to the repository root ("..", or null when the kernel runs outside the
 * repository). The page combines them with the notebook's own URL (BUNDLE_CANDIDATES).
 */
export function plotlyLocation(cwd: string = process.cwd()): { bundle: string; up: string | null } {
  const up = relative(cwd, REPO_ROOT).split(sep).join("/");
  return { bundle: relative(REPO_ROOT, plotlyBundlePath()).split(sep).join("/"), up: /^(\.\.(\/\.\.)*)?$/.test(up) ? up : null };
}

/**
 * Browser-side (ES5, a string so that no compiler touches it): the server paths to try for
 * the bundle, given the page's path and base URL. Classic Notebook 6 and Notebook 7 show a
 * notebook at <base>notebooks/<path>, JupyterLab 4 at <base>lab/tree/<path> (or
 * lab/workspaces/<name>/tree/<path>, doc/tree/<path>): the repository root is `up` from the
 * notebook's folder; then, as Node resolves node_modules, every folder from the notebook's up
 * to the server root. Without a notebook path in the URL, the server root only.
 */
export const BUNDLE_CANDIDATES = `function (pathname, base, up, bundle) {
  var path = pathname.indexOf(base) === 0 ? pathname.slice(base.length) : pathname.replace(/^\\//, "");
  var m = /^(?:notebooks|(?:lab|doc)(?:\\/workspaces\\/[^\\/]+)?\\/tree)\\/(.+\\.ipynb)$/.exec(path);
  var dirs = m ? m[1].split("/").slice(0, -1) : [];
  var out = [];
  function add(d) { var p = (d.length ? d.join("/") + "/" : "") + bundle; if (out.indexOf(p) < 0) out.push(p); }
  if (m && up !== null) {
    var d = dirs.slice(), inside = true;
    up.split("/").forEach(function (s) { if (s === "..") { if (d.length) d.pop(); else inside = false; } });
    if (inside) add(d);
  }
  for (var i = dirs.length; i >= 0; i--) add(dirs.slice(0, i));
  return out;
}`;

const json = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");
const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The MIME bundle of a figure (pure; `png` null when no static image could be made). */
export function figureBundle(figure: Figure, png: Buffer | null, opts: { id: string; width: number; height: number; title: string }): MimeBundle {
  // The title is plotly markup (ψ*<sub>k</sub>); alt text and the plain-text line take it as plain text.
  const words = plainLabel(opts.title);
  const image = png
    ? `<img class="nppo-static" alt="${words.replace(/"/g, "&quot;")}" style="width:100%" src="data:image/png;base64,${png.toString("base64")}">`
    : `<pre class="nppo-static">${escapeHtml(staticExportUnavailableReason() || "no static image")}</pre>`;
  const script = `(function () {
  var el = document.currentScript && document.currentScript.previousElementSibling;
  if (!el || el.id !== ${json(opts.id)}) el = document.getElementById(${json(opts.id)});
  if (!el) return;
  var fig = ${json({ data: figure.data, layout: { ...figure.layout, width: undefined, height: opts.height, autosize: true } })};
  var where = ${json(plotlyLocation())};
  function draw(P) {
    var holder = document.createElement("div");
    el.appendChild(holder);
    P.newPlot(holder, fig.data, fig.layout, { responsive: true, displaylogo: false }).then(function () {
      var img = el.querySelector(".nppo-static");
      if (img) img.parentNode.removeChild(img);
    });
  }
  if (window.Plotly) { draw(window.Plotly); return; }
  var base = "/";
  var cfg = document.getElementById("jupyter-config-data");
  if (cfg) { try { base = JSON.parse(cfg.textContent).baseUrl || base; } catch (e) {} }
  else if (document.body && document.body.getAttribute("data-base-url")) { base = document.body.getAttribute("data-base-url"); }
  if (base.charAt(base.length - 1) !== "/") base += "/";
  var paths = (${BUNDLE_CANDIDATES})(window.location.pathname, base, where.up, where.bundle);
  // plotly.js 4.1.2's bundle defines no AMD module and assigns its export to
  // window.moduleName (a placeholder left in its UMD wrapper), so a plain script tag is used
  // even where requirejs exists, and the export is looked up under both names.
  function tryAt(i) {
    if (i >= paths.length) return;
    var s = document.createElement("script");
    s.src = base + "files/" + paths[i];
    s.onload = function () {
      var P = window.Plotly || window.moduleName;
      if (P && P.newPlot) { window.Plotly = P; draw(P); } else tryAt(i + 1);
    };
    s.onerror = function () { tryAt(i + 1); };
    document.head.appendChild(s);
  }
  tryAt(0);
})();`;
  const bundle: MimeBundle = {
    "text/html": `<div id="${opts.id}" class="nppo-figure" style="max-width:${opts.width}px">${image}</div>\n<script type="text/javascript">${script}</script>`,
    "text/plain": `[figure] ${words}`,
  };
  if (png) bundle["image/png"] = png.toString("base64");
  return bundle;
}

function figureTitle(figure: Figure): string {
  const t = figure.layout.title as { text?: string } | string | undefined;
  return typeof t === "string" ? t : t?.text ?? "figure";
}

/**
 * Pixel size: as asked, else the figure's own layout size, else 820 × 520; and the figure with
 * its subtitle wrapped to that width, taller by the lines the wrapping added (fitSubtitle).
 */
function fitted(figure: Figure, opts: { width?: number; height?: number }): { figure: Figure; width: number; height: number } {
  const own = (v: unknown) => (typeof v === "number" ? v : undefined);
  const width = opts.width ?? own(figure.layout.width) ?? 820;
  const fit = fitSubtitle(figure, width);
  return { figure: fit.figure, width, height: (opts.height ?? own(figure.layout.height) ?? 520) + fit.extraHeight };
}

/**
 * Show a figure in the notebook (interactive where scripts run, static image elsewhere) and,
 * when `name` is given, write <name>.png, <name>.svg and <name>.provenance.json (the result
 * folders and replaced theory functions, `curves` being the notebook's copy of lib/theory.ts)
 * where this run's files go
 * (output-files.ts: scratch/figures/ by default, figures/ only for `npm run reproduce` at
 * paper scale, nowhere under NPPO_WRITE_FILES=none).
 */
export async function showFigure(original: Figure, opts: { name?: string; width?: number; height?: number; curves?: Record<string, unknown> } = {}): Promise<void> {
  const { figure, width, height } = fitted(original, opts);
  const exporter = await staticExporter();
  const png = exporter ? await exporter.png(figure, width, height, 1) : null;
  const dir = figuresDir();
  if (exporter && opts.name && dir) {
    const replacing = dir === SCRATCH_FIGURES_DIR && existsSync(join(dir, `${opts.name}.png`));
    await saveFigure(figure, join(dir, `${opts.name}.png`), { width, height });
    await saveFigure(figure, join(dir, `${opts.name}.svg`), { width, height });
    writeFigureProvenance(dir, opts.name, [`${opts.name}.png`, `${opts.name}.svg`], opts.curves);
    // Scratch figures are shared by every run: say when this one replaces another's.
    if (replacing) console.log(`wrote ${relative(REPO_ROOT, join(dir, opts.name))}.png/.svg over an earlier run's; what made them: ${opts.name}.provenance.json`);
  }
  const id = `nppo-${createHash("sha256").update(json(figure)).digest("hex").slice(0, 12)}`;
  sendDisplay(figureBundle(figure, png, { id, width, height, title: figureTitle(original).replace(/<br>/g, " ") }));
}

/**
 * Write a figure to `path` on purpose, whatever NPPO_WRITE_FILES says: a .png (twice the
 * pixel size, as the committed figures) or an .svg; a relative path is from the repository
 * root, as every path a user types (lib/util/paths.ts). Needs Chromium (static-image.ts).
 */
export async function saveFigure(original: Figure, path: string, opts: { width?: number; height?: number } = {}): Promise<void> {
  const { figure, width, height } = fitted(original, opts);
  const format = extname(path).toLowerCase();
  if (format !== ".png" && format !== ".svg") throw new RangeError(`saveFigure: path must end in .png or .svg, got ${JSON.stringify(path)}`);
  const exporter = await staticExporter();
  if (!exporter) throw new Error(staticExportUnavailableReason());
  const target = userPath(path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, format === ".png" ? await exporter.png(figure, width, height, 2) : await exporter.svg(figure, width, height));
}

/** Rows (as written by the experiments) to a danfojs DataFrame. */
export function toDataFrame(rows: Record<string, unknown>[]): dfd.DataFrame {
  return new dfd.DataFrame(rows);
}

// A float that grew past 2^53 (a diverging ψ*_k) is an integer too, yet no count: digits, not 17 figures.
function formatValue(v: unknown, digits: number): string {
  if (typeof v === "number") return Number.isSafeInteger(v) ? String(v) : v.toPrecision(digits);
  return String(v);
}

/**
 * What a table needs of a DataFrame. Structural, because danfojs-node's operations (head,
 * loc, query) return its base DataFrame class, which its DataFrame type does not accept.
 */
export interface TableLike {
  columns: string[];
  values: unknown;
}

/** The HTML and plain-text rendering of a DataFrame (pure). */
export function tableBundle(df: TableLike, opts: { caption?: string; digits?: number } = {}): MimeBundle {
  const digits = opts.digits ?? 4;
  const columns = df.columns;
  const values = df.values as unknown[][];
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = values.map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(formatValue(v, digits))}</td>`).join("")}</tr>`).join("\n");
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : "";
  const widths = columns.map((c, j) => Math.max(c.length, ...values.map((r) => formatValue(r[j], digits).length)));
  const text = [columns.map((c, j) => c.padStart(widths[j])).join("  "), ...values.map((r) => r.map((v, j) => formatValue(v, digits).padStart(widths[j])).join("  "))].join("\n");
  return {
    "text/html": `<table class="dataframe nppo-table">${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`,
    "text/plain": (opts.caption ? `${opts.caption}\n` : "") + text,
  };
}

/**
 * Rows as a table: the columns are every key of any row, in order of first appearance, and a
 * row without a key has an empty cell there. (A danfojs DataFrame built from ragged rows puts
 * the values of a shorter row under the wrong columns.)
 */
export function rowsTable(rows: Record<string, unknown>[]): TableLike {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), columns.push(k));
  return { columns, values: rows.map((r) => columns.map((c) => (c in r && r[c] !== undefined ? r[c] : ""))) };
}

/** Show a danfojs DataFrame (or rows, ragged or not) as an HTML table, with a plain-text fallback. */
export function showTable(table: TableLike | Record<string, unknown>[], opts: { caption?: string; digits?: number } = {}): void {
  sendDisplay(tableBundle(Array.isArray(table) ? rowsTable(table) : table, opts));
}
