/**
 * Static PNG/SVG of plotly figures through a headless Chromium driven by playwright-core
 * (STACK.md: ~8–10 s to start and load plotly, then ~0.1–0.2 s per PNG). One browser per
 * process, started on first use. Where Chromium is missing the exporter is null and a
 * clear message says why, so callers can skip static export instead of failing.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { Figure } from "./figures";

export const CHROMIUM_ENV = "NPPO_CHROMIUM";
const DEFAULT_CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/**
 * How to launch Debian's Chromium headless here (STACK.md): NPPO_CHROMIUM or /usr/bin/chromium,
 * with the flags that keep it off the network. Shared by the exporter and the browser test.
 */
export function chromiumLaunchOptions(): { executablePath: string; args: string[] } {
  return { executablePath: process.env[CHROMIUM_ENV] || DEFAULT_CHROMIUM, args: [...FLAGS] };
}

export interface StaticExporter {
  /** `scale` multiplies the pixel size (2 for files, 1 for what is embedded in notebooks). */
  png(figure: Figure, width: number, height: number, scale?: number): Promise<Buffer>;
  svg(figure: Figure, width: number, height: number): Promise<string>;
  close(): Promise<void>;
}

/** Path of the pinned plotly bundle, shipped to every browser that shows a figure. */
export function plotlyBundlePath(): string {
  return require.resolve("plotly.js-dist-min/plotly.min.js");
}

let exporter: Promise<StaticExporter | null> | null = null;
let unavailableReason = "";

/** Why the exporter is null (empty when it is available or not yet asked for). */
export function staticExportUnavailableReason(): string {
  return unavailableReason;
}

async function launch(): Promise<StaticExporter | null> {
  const options = chromiumLaunchOptions();
  const executablePath = options.executablePath;
  if (!existsSync(executablePath)) {
    unavailableReason = `static figure export skipped: no Chromium at ${executablePath} (install Debian's chromium, or set ${CHROMIUM_ENV})`;
    return null;
  }
  const { chromium } = require("playwright-core");
  const browser = await chromium.launch(options);
  const page = await browser.newPage();
  await page.setContent("<!doctype html><html><body></body></html>");
  await page.addScriptTag({ content: readFileSync(plotlyBundlePath(), "utf8") });
  const render = (figure: Figure, width: number, height: number, format: "png" | "svg", scale: number): Promise<string> =>
    page.evaluate(
      ({ figure, width, height, format, scale }: { figure: Figure; width: number; height: number; format: string; scale: number }) =>
        // The pinned bundle exports to window.moduleName (see display.ts); look under both names.
        ((globalThis as any).Plotly ?? (globalThis as any).moduleName).toImage({ data: figure.data, layout: figure.layout }, { format, width, height, scale }),
      { figure, width, height, format, scale },
    );
  return {
    async png(figure, width, height, scale = 2) {
      const url = await render(figure, width, height, "png", scale);
      return Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
    },
    async svg(figure, width, height) {
      const url = await render(figure, width, height, "svg", 1);
      return canonicalSvg(decodeURIComponent(url.slice(url.indexOf(",") + 1)));
    },
    async close() {
      await browser.close();
    },
  };
}

/**
 * The same drawing always gives the same SVG file. plotly's SVG differs between runs in two
 * ways that draw nothing: it names a plot's defs, clip paths, legend and trace groups with
 * random ids, and the order of an element's attributes depends on timing inside the page (a
 * rerun once wrote the root's `viewBox` before its `style`). So every element's attributes are
 * sorted by name and the random ids replaced by one derived from the drawing itself — not from
 * the figure's JSON, which can differ where nothing drawn does. Ids are rewritten in their own
 * contexts only (an all-digit id could occur in path data).
 */
export function canonicalSvg(svg: string): string {
  const HOLE = "\u0000";
  const m = /id="defs-([0-9a-z]+)"/.exec(svg);
  let out = m ? svg.replace(new RegExp(`(defs-|topdefs-|clip|legend)${m[1]}`, "g"), `$1${HOLE}`) : svg;
  // A figure with one legend per panel names legends 2, 3, … with random ids of their own ("legend27c6391").
  out = out.replace(/(legend\d+)[0-9a-z]{6}(?=["')])/g, `$1${HOLE}`);
  // Pattern fills (hatched bars) get random ids ("p100d4d-b8a726-1"), in their definitions and url() references: numbered in order of appearance.
  const patterns = new Map<string, number>();
  out = out.replace(/\bp[0-9a-f]{6}-[0-9a-f]{6}-\d+\b/g, (pid) => {
    if (!patterns.has(pid)) patterns.set(pid, patterns.size);
    return `p${HOLE}-${patterns.get(pid)}`;
  });
  // Each trace's group carries its own random id in its class ("trace scatter trace1a2b3c").
  let k = 0;
  out = out.replace(/(class="trace [a-z]+ trace)([0-9a-z]+)"/g, (_all, head: string) => `${head}${HOLE}t${k++}"`);
  // Serialised SVG quotes every attribute value with " and escapes " inside it.
  out = out.replace(/<([A-Za-z][\w:.-]*)((?:\s+[^\s=/>]+="[^"]*")+)\s*(\/?)>/g, (_all, name: string, attrs: string, close: string) => {
    const list = [...attrs.matchAll(/\s+([^\s=/>]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]);
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return `<${name}${list.map(([n, v]) => ` ${n}="${v}"`).join("")}${close}>`;
  });
  const id = createHash("sha256").update(out).digest("hex").slice(0, 6);
  return out.split(HOLE).join(id);
}

/** An exporter that renders through a reproduction's shared browser (export-server.ts). */
function remote(url: string): StaticExporter {
  const post = (body: string) => fetch(url, { method: "POST", body });
  const render = async (figure: Figure, width: number, height: number, format: "png" | "svg", scale?: number) => {
    const body = JSON.stringify({ figure, width, height, format, scale });
    // A kernel busy computing (a sweep between two figures) cannot see the server close its idle
    // keep-alive socket; the next request on that socket then fails ("other side closed"). A
    // second attempt gets a fresh connection.
    const res = await post(body).catch(() => post(body));
    if (!res.ok) throw new Error(`static export via ${url} failed: ${res.status} ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  };
  return {
    png: (figure, width, height, scale = 2) => render(figure, width, height, "png", scale),
    svg: async (figure, width, height) => (await render(figure, width, height, "svg")).toString("utf8"),
    close: async () => undefined,
  };
}

/**
 * The process's exporter: the reproduction's shared browser when NPPO_EXPORT_URL is set,
 * else a browser of this process's own; null when there is none (see the reason).
 */
export function staticExporter(): Promise<StaticExporter | null> {
  if (!exporter) {
    const url = process.env.NPPO_EXPORT_URL;
    exporter = url ? Promise.resolve(remote(url)) : launch();
  }
  return exporter;
}

/** Close the browser if one was started; the next call to `staticExporter` starts a new one. */
export async function closeStaticExporter(): Promise<void> {
  if (!exporter) return;
  const e = await exporter;
  exporter = null;
  if (e) await e.close();
}
