/**
 * `npm run reproduce [-- --scale smoke|paper] [--no-write]`: executes every notebook in
 * notebooks/ in order in the tslab kernel (no Python needed), writing their outputs in place
 * and their figures to figures/. Parses arguments and calls lib/ only.
 */
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseScale, SCALE_ENV } from "../lib/experiments/scale";
import { ConfigError } from "../lib/experiments/validate";
import { REPO_ROOT } from "../lib/experiments/provenance";
import { runNotebook } from "../lib/report/notebook-runner";

function parseArgs(argv: string[]): { scale: string; write: boolean; only: string[] } {
  let scale = "paper";
  let write = true;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--scale") scale = argv[++i] ?? "";
    else if (a.startsWith("--scale=")) scale = a.slice(8);
    else if (a === "--no-write") write = false;
    else if (a.endsWith(".ipynb")) only.push(resolve(a));
    else throw new ConfigError(`unknown argument ${JSON.stringify(a)} (usage: reproduce [--scale smoke|paper] [--no-write] [notebook.ipynb ...])`);
  }
  return { scale: parseScale(scale, "--scale"), write, only };
}

async function main(): Promise<number> {
  const { scale, write, only } = parseArgs(process.argv.slice(2));
  const dir = join(REPO_ROOT, "notebooks");
  const notebooks = only.length > 0 ? only : readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(dir, f));
  const start = Date.now();
  let failed = 0;
  for (const path of notebooks) {
    const name = relative(REPO_ROOT, path);
    process.stderr.write(`▶ ${name} (scale ${scale})\n`);
    const run = await runNotebook(path, { env: { [SCALE_ENV]: scale }, write });
    if (run.ok) process.stderr.write(`✔ ${name} in ${run.seconds.toFixed(1)} s\n`);
    else {
      failed++;
      process.stderr.write(`✘ ${name}: cell ${run.failure!.index} failed\n--- source ---\n${run.failure!.source}\n--- error ---\n${run.failure!.error}\n`);
    }
  }
  process.stderr.write(`${notebooks.length - failed} notebooks passed, ${failed} failed, ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof ConfigError ? "" : "error: "}${e instanceof Error ? e.message : e}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
