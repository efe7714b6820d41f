/**
 * `npm run reproduce [-- --scale smoke|paper] [--jobs N] [--no-write] [--prune] [notebook.ipynb ...]`:
 * executes every notebook in notebooks/ in order in the tslab kernel (no Python needed),
 * writing their outputs in place and their figures to figures/. --prune then deletes the
 * result folders under data/results/ that no notebook output refers to (stale code versions,
 * other scales). --jobs N runs N notebooks at a time (they do not depend on each other; each
 * kernel uses one core). Parses arguments and calls lib/ only.
 */
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseScale, SCALE_ENV } from "../lib/experiments/scale";
import { ConfigError } from "../lib/experiments/validate";
import { REPO_ROOT } from "../lib/experiments/provenance";
import { runNotebook } from "../lib/report/notebook-runner";
import { pruneResults } from "../lib/experiments/prune";

function parseArgs(argv: string[]): { scale: string; write: boolean; prune: boolean; jobs: number; only: string[] } {
  let scale = "paper";
  let jobs = 1;
  let write = true;
  let prune = false;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--scale") scale = argv[++i] ?? "";
    else if (a.startsWith("--scale=")) scale = a.slice(8);
    else if (a === "--no-write") write = false;
    else if (a === "--prune") prune = true;
    else if (a === "--jobs") {
      const v = argv[++i] ?? "";
      jobs = Number(v);
      if (!Number.isInteger(jobs) || jobs < 1) throw new ConfigError(`--jobs must be a positive integer, got ${JSON.stringify(v)}`);
    }
    else if (a.endsWith(".ipynb")) only.push(resolve(a));
    else throw new ConfigError(`unknown argument ${JSON.stringify(a)} (usage: reproduce [--scale smoke|paper] [--jobs N] [--no-write] [--prune] [notebook.ipynb ...])`);
  }
  if (prune && (!write || only.length > 0)) throw new ConfigError("--prune needs a full run that writes the notebooks (no --no-write, no notebook list)");
  return { scale: parseScale(scale, "--scale"), write, prune, jobs, only };
}

async function main(): Promise<number> {
  const { scale, write, prune, jobs, only } = parseArgs(process.argv.slice(2));
  const dir = join(REPO_ROOT, "notebooks");
  const notebooks = only.length > 0 ? only : readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(dir, f));
  const start = Date.now();
  let failed = 0;
  const queue = [...notebooks];
  const worker = async () => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      const name = relative(REPO_ROOT, path);
      process.stderr.write(`▶ ${name} (scale ${scale})\n`);
      const run = await runNotebook(path, { env: { [SCALE_ENV]: scale }, write });
      if (run.ok) process.stderr.write(`✔ ${name} in ${run.seconds.toFixed(1)} s\n`);
      else {
        failed++;
        process.stderr.write(`✘ ${name}: cell ${run.failure!.index} failed\n--- source ---\n${run.failure!.source}\n--- error ---\n${run.failure!.error}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, notebooks.length) }, worker));
  process.stderr.write(`${notebooks.length - failed} notebooks passed, ${failed} failed, ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
  if (prune && failed === 0) {
    const removed = pruneResults(notebooks);
    process.stderr.write(`pruned ${removed.length} result folders no notebook refers to\n`);
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof ConfigError ? "" : "error: "}${e instanceof Error ? e.message : e}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
