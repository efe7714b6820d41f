/**
 * Browser test of what a reader sees (`npm run test:browser`): classic Jupyter Notebook from
 * Debian serves the repository on 127.0.0.1 (random port, random token) with the repo's
 * kernelspec; headless Chromium (playwright-core) opens every notebook
 *  (a) untrusted, as a fresh clone is: every figure shows its static image, no error output;
 *  (b) trusted (signed, as `jupyter trust` does): every figure becomes an interactive plotly
 *      plot, loaded from the local server (no internet), the static image removed.
 * Screenshots go to ci-artifacts/browser/. The server is stopped whatever happens.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { execFileSync } from "node:child_process";
import { REPO_ROOT } from "../../lib/util/paths";
import { companionNotebooks } from "../../tools/companion";
import { freePort } from "../../tools/notebook-runner";
import { chromiumLaunchOptions } from "../../lib/report/static-image";
import { runMain, stopServer, tally, waitForServer } from "./harness";

const OUT = join(REPO_ROOT, "ci-artifacts", "browser");
const COPIES = join(REPO_ROOT, "notebooks", "_browser_check");

async function main(): Promise<number> {
  const notebooks = companionNotebooks().present.map((p) => basename(p));
  mkdirSync(OUT, { recursive: true });
  rmSync(COPIES, { recursive: true, force: true });
  mkdirSync(COPIES, { recursive: true });
  // Trust is keyed by content, not path, and kept in a database under the Jupyter data dir: a
  // throwaway data dir keeps the user's database out of it, and each copy gets its own marker in
  // the metadata, so signing the trusted copies cannot make the untrusted ones trusted.
  const dataDir = mkdtempSync(join(tmpdir(), "nppo-jupyter-data-"));
  for (const nb of notebooks) {
    const json = JSON.parse(readFileSync(join(REPO_ROOT, "notebooks", nb), "utf8"));
    for (const mode of ["trusted", "untrusted"]) {
      json.metadata.nppo_browser_check = mode;
      writeFileSync(join(COPIES, `${mode}-${nb}`), JSON.stringify(json));
    }
  }
  // Sign the trusted copies with the server's own notary, as `jupyter trust` would.
  execFileSync("/usr/bin/python3", ["-c", "import sys, nbformat\nfrom nbformat.sign import NotebookNotary\nfor p in sys.argv[1:]:\n    NotebookNotary().sign(nbformat.read(p, 4))", ...notebooks.map((nb) => join(COPIES, `trusted-${nb}`))], { env: { ...process.env, JUPYTER_DATA_DIR: dataDir } });
  const port = await freePort();
  const token = randomBytes(12).toString("hex");
  const server = spawn("/usr/bin/python3", ["-m", "notebook", "--allow-root", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", `--NotebookApp.token=${token}`, `--notebook-dir=${REPO_ROOT}`], {
    env: { ...process.env, JUPYTER_PATH: join(REPO_ROOT, "jupyter"), JUPYTER_DATA_DIR: dataDir },
    stdio: "ignore",
    detached: true,
  });
  const base = `http://127.0.0.1:${port}`;
  const { check, summary, failed } = tally();
  const { chromium } = require("playwright-core");
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    await waitForServer(`${base}/api?token=${token}`, 30);
    for (const nb of notebooks) {
      for (const mode of ["untrusted", "trusted"] as const) {
        const path = `notebooks/_browser_check/${mode}-${nb}`;
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        const outside: string[] = [];
        page.on("request", (r: { url(): string }) => {
          const u = r.url();
          if (!u.startsWith(base) && !u.startsWith("data:") && !u.startsWith("about:") && !u.startsWith("ws://127.0.0.1")) outside.push(u);
        });
        await page.goto(`${base}/notebooks/${path}?token=${token}`);
        await page.waitForSelector(".output_area", { timeout: 30_000 });
        const figures = await page.locator(".nppo-figure").count();
        if (mode === "trusted") await page.waitForFunction((n: number) => (globalThis as any).document.querySelectorAll(".nppo-figure .js-plotly-plot").length >= n, figures, { timeout: 60_000 }).catch(() => undefined);
        const statics = await page.locator(".nppo-figure img.nppo-static").count();
        const plots = await page.locator(".nppo-figure .js-plotly-plot").count();
        const errors = await page.locator(".output_error").count();
        check(figures > 0, `${nb} (${mode}): has figures (${figures})`);
        check(errors === 0, `${nb} (${mode}): no error output (${errors})`);
        if (mode === "untrusted") check(statics === figures && plots === 0, `${nb} (untrusted): every figure shows its static image (${statics}/${figures})`);
        else check(plots === figures && statics === 0, `${nb} (trusted): every figure is an interactive plot (${plots}/${figures})`);
        check(outside.length === 0, `${nb} (${mode}): no request leaves 127.0.0.1 (${outside.slice(0, 3).join(", ")})`);
        await page.screenshot({ path: join(OUT, `${nb.replace(/\.ipynb$/, "")}-${mode}.png`), fullPage: true });
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await stopServer(server.pid!);
    rmSync(COPIES, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`${summary()}\n`);
  return failed() === 0 ? 0 : 1;
}

runMain(main);
