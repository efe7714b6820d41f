/**
 * `npm run reproduce [-- --scale smoke|paper] [--jobs N] [--shard i/n] [--merge dir ...] [--no-write] [--prune] [--plan DIR [--units N]] [notebook.ipynb ...]`:
 * executes the companion's notebooks (tools/companion-notebooks.json; or the ones named) in
 * order in the tslab kernel (no Python needed). At paper scale it writes their outputs in
 * place and their figures and findings to figures/ (the only run that does: its kernels get
 * NPPO_WRITE_FILES=committed); at another scale the notebooks are left alone and figures and
 * findings go to scratch/figures/; --no-write writes none of them. --prune then deletes the
 * result folders under data/results/ that no notebook output refers to (stale code versions,
 * other scales). --jobs N runs N notebooks at a time (they do not depend on each other; each
 * kernel uses one core). --shard i/n runs the notebooks whose index ≡ i−1 (mod n), for
 * spreading a sweep over machines; --merge copies the result folders of shard stores into
 * data/results/ before running (every notebook then reads its results from the cache). After
 * a full run that writes, figures/REPORT.md is assembled from the notebooks' findings.
 * Parses arguments and calls lib/ and tools/ only.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { PLAN_MISSES_ENV } from "../lib/experiments/cache";
import { planUnits, writePlan } from "../lib/experiments/units";
import { formatDuration } from "../lib/experiments/estimate";
import { writeFileAtomic } from "../lib/util/atomic-write";
import { parseScale, SCALE_ENV } from "../lib/experiments/scale";
import { RESULTS_ENV } from "../lib/experiments/cache";
import { ConfigError } from "../lib/experiments/validate";
import { REPO_ROOT } from "../lib/util/paths";
import { runNotebook } from "../tools/notebook-runner";
import { pruneResults } from "../lib/experiments/prune";
import { mergeResults } from "../lib/experiments/merge";
import { writeReport } from "../lib/report/findings";
import { etaLine, recordTiming } from "../tools/timings";
import { allNotebooks, companionNotebooks } from "../tools/companion";
import { WRITE_FILES_ENV, WriteTarget } from "../lib/report/output-files";
import { EXPORT_ENV, startExportServer } from "../tools/export-server";

interface Args {
  /** `--plan DIR`: write work units for every result the notebooks would compute, compute nothing. */
  plan: string | null;
  /** `--units N` with --plan: units per result (default: one per piece, at most 256). */
  units: number | null;
  scale: string;
  write: boolean;
  prune: boolean;
  jobs: number;
  shard: [number, number] | null;
  merge: string[];
  only: string[];
}

function parseArgs(argv: string[]): Args {
  // NPPO_SCALE is honoured (and validated) as in the notebooks; --scale overrides it.
  let scale = process.env[SCALE_ENV] ?? "";
  let scaleField = SCALE_ENV;
  let jobs = 1;
  let shard: [number, number] | null = null;
  const merge: string[] = [];
  let write = true;
  let prune = false;
  let plan: string | null = null;
  let units: number | null = null;
  const only: string[] = [];
  const usage = "usage: reproduce [--scale smoke|paper] [--jobs N] [--shard i/n] [--merge dir ...] [--no-write] [--prune] [--plan DIR [--units N]] [notebook.ipynb ...]";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      process.stdout.write(`${usage}\n(README: "Quick start" and "Reproducibility" say what each option does)\n`);
      process.exit(0);
    }
    if (a === "--scale" || a.startsWith("--scale=")) {
      scale = a === "--scale" ? argv[++i] ?? "" : a.slice(8);
      scaleField = "--scale";
    }
    else if (a === "--no-write") write = false;
    else if (a === "--plan") {
      plan = resolve(argv[++i] ?? "");
      if (!argv[i]) throw new ConfigError("--plan needs a folder");
    } else if (a === "--units") {
      const v = argv[++i] ?? "";
      units = Number(v);
      if (!Number.isInteger(units) || units < 1) throw new ConfigError(`--units must be a positive integer, got ${JSON.stringify(v)}`);
    }
    else if (a === "--prune") prune = true;
    else if (a === "--shard") {
      const v = argv[++i] ?? "";
      const m = /^(\d+)\/(\d+)$/.exec(v);
      if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new ConfigError(`--shard must be i/n with 1 ≤ i ≤ n, got ${JSON.stringify(v)}`);
      shard = [Number(m[1]), Number(m[2])];
    } else if (a === "--merge") {
      while (i + 1 < argv.length && !argv[i + 1].startsWith("--")) merge.push(resolve(argv[++i]));
      if (merge.length === 0) throw new ConfigError("--merge needs at least one shard results directory");
    }
    else if (a === "--jobs") {
      const v = argv[++i] ?? "";
      jobs = Number(v);
      if (!Number.isInteger(jobs) || jobs < 1) throw new ConfigError(`--jobs must be a positive integer, got ${JSON.stringify(v)}`);
    }
    else if (a.endsWith(".ipynb")) only.push(resolve(a));
    else throw new ConfigError(`unknown argument ${JSON.stringify(a)} (${usage})`);
  }
  const parsed = parseScale(scale, scaleField);
  if (prune && (!write || parsed !== "paper" || only.length > 0 || shard)) throw new ConfigError("--prune needs a full paper-scale run that writes the notebooks (no --no-write, --scale smoke, --shard or notebook list)");
  if (plan && (prune || merge.length > 0 || shard)) throw new ConfigError("--plan computes nothing: it cannot be combined with --prune, --merge or --shard");
  if (units !== null && !plan) throw new ConfigError("--units goes with --plan");
  return { plan, units, scale: parsed, write, prune, jobs, shard, merge, only };
}

async function main(): Promise<number> {
  const { plan, units, scale, write, prune, jobs, shard, merge, only } = parseArgs(process.argv.slice(2));
  if (merge.length > 0) process.stderr.write(`merged ${mergeResults(merge)} result folders from ${merge.length} shard stores\n`);
  let all = only;
  if (only.length === 0) {
    const companion = companionNotebooks();
    if (companion.missing.length > 0) process.stderr.write(`listed in tools/companion-notebooks.json, not present, skipped: ${companion.missing.join(", ")}\n`);
    all = companion.present;
  }
  const notebooks = shard ? all.filter((_, i) => i % shard[1] === shard[0] - 1) : all;
  if (plan) return planReproduction(plan, notebooks, scale, units);
  // Only a paper-scale run may replace the committed record; another scale writes scratch files.
  const target: WriteTarget = !write ? "none" : scale === "paper" ? "committed" : "scratch";
  if (target === "scratch") process.stderr.write(`scale ${scale}: notebooks are left as they are; figures and findings go to scratch/figures/\n`);
  const start = Date.now();
  let failed = 0;
  // One browser for every figure of the run, shared by all kernels.
  const exportServer = await startExportServer();
  if (exportServer.url === null) process.stderr.write(`${exportServer.reason}; notebooks will show interactive plots only\n`);
  // Always set, overriding the caller's environment: kernels write committed files only when this run says so.
  const kernelEnv: Record<string, string> = { [SCALE_ENV]: scale, [WRITE_FILES_ENV]: target };
  // The results store in data/results/ is the paper-scale record; other scales cache theirs in the
  // git-ignored scratch/ unless the caller chose a store.
  if (scale !== "paper" && !process.env[RESULTS_ENV]) kernelEnv[RESULTS_ENV] = join(REPO_ROOT, "scratch", "results");
  if (exportServer.url) kernelEnv[EXPORT_ENV] = exportServer.url;
  const queue = [...notebooks];
  process.stderr.write(`${notebooks.length} notebooks at scale ${scale}: ${etaLine(notebooks.map((p) => relative(REPO_ROOT, p)), scale, jobs)}\n`);
  const worker = async () => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      const name = relative(REPO_ROOT, path);
      process.stderr.write(`▶ ${name} (scale ${scale})\n`);
      // Relay the experiments' progress lines (shown in the notebook) to the terminal, at most every 5 s.
      let last = 0;
      const onDisplay = (text: string) => {
        if (!/ETA|done in/.test(text) || (Date.now() - last < 5000 && !/done in/.test(text))) return;
        last = Date.now();
        process.stderr.write(`  ${name}: ${text.trim()}\n`);
      };
      const run = await runNotebook(path, { env: kernelEnv, write: target === "committed", onDisplay });
      if (run.ok) {
        if (target === "committed") recordTiming(name, scale, run.seconds);
        process.stderr.write(`✔ ${name} in ${run.seconds.toFixed(1)} s${queue.length > 0 ? ` — ${etaLine(queue.map((p) => relative(REPO_ROOT, p)), scale, jobs)}` : ""}\n`);
      }
      else {
        failed++;
        process.stderr.write(`✘ ${name}: cell ${run.failure!.index} failed\n--- source ---\n${run.failure!.source}\n--- error ---\n${run.failure!.error}\n`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, notebooks.length) }, worker));
  } finally {
    if (exportServer.url) await exportServer.close();
  }
  process.stderr.write(`${notebooks.length - failed} notebooks passed, ${failed} failed, ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
  // The report is assembled from every committed findings file, so it is rebuilt after any run
  // that rewrote some of them (a single notebook's run included): it never lags behind them.
  if (target === "committed" && failed < notebooks.length) {
    writeReport();
    process.stderr.write("wrote figures/REPORT.md\n");
  }
  if (prune && failed === 0) {
    // Results a notebook of the user's own printed are referenced too.
    const removed = pruneResults(allNotebooks());
    process.stderr.write(`pruned ${removed.length} result folders no notebook refers to\n`);
  }
  return failed === 0 ? 0 : 1;
}

/**
 * `--plan DIR`: run the notebooks in planning mode (lib/experiments/cache.ts, PLAN_MISSES_ENV):
 * every result they would compute is recorded instead, then split into work units, one plan
 * folder per result (lib/experiments/units.ts). A notebook whose later cells need a planned
 * result's rows fails there in planning mode; once the units have run and merged, a second
 * --plan finds what those cells need, if anything.
 */
async function planReproduction(dir: string, notebooks: string[], scale: string, units: number | null): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const missesFile = join(dir, "misses.jsonl");
  rmSync(missesFile, { force: true });
  // No figure files and no static images: planning only needs to reach the experiments' calls.
  const env: Record<string, string> = { [SCALE_ENV]: scale, [WRITE_FILES_ENV]: "none", [PLAN_MISSES_ENV]: missesFile, NPPO_CHROMIUM: join(dir, "no-chromium-while-planning") };
  if (scale !== "paper" && !process.env[RESULTS_ENV]) env[RESULTS_ENV] = join(REPO_ROOT, "scratch", "results");
  const stoppedEarly: string[] = [];
  for (const path of notebooks) {
    const name = relative(REPO_ROOT, path);
    process.stderr.write(`▶ planning ${name} (scale ${scale})\n`);
    const run = await runNotebook(path, { env, write: false, continueOnError: true });
    if (!run.ok) stoppedEarly.push(`${name} (cell ${run.failure!.index})`);
  }
  const seen = new Set<string>();
  const misses = (existsSync(missesFile) ? readFileSync(missesFile, "utf8").split("\n").filter(Boolean) : [])
    .map((l) => JSON.parse(l) as { experiment: string; key: string; config: Record<string, unknown> })
    .filter((m) => !seen.has(`${m.experiment}/${m.key}`) && seen.add(`${m.experiment}/${m.key}`));
  const plans: { experiment: string; key: string; dir: string; units: number; estimatedCoreSeconds: number }[] = [];
  for (const m of misses) {
    const { mdpSha256: _s, kernelRan: _k, ...config } = m.config;
    const finest = planUnits(m.experiment, config, 1).pieces.length;
    const p = planUnits(m.experiment, config, Math.min(units ?? Math.min(finest, 256), finest));
    const sub = join(dir, `${m.experiment}-${m.key}`);
    writePlan(p, sub);
    const seconds = p.unitSeconds.reduce((a, b) => a + b, 0);
    plans.push({ experiment: m.experiment, key: m.key, dir: relative(dir, sub), units: p.units.length, estimatedCoreSeconds: seconds });
    process.stderr.write(`${m.experiment} ${m.key}: ${p.units.length} units, estimated ${formatDuration(seconds)} of one core → sbatch --array=1-${p.units.length} scripts/slurm/sweep.sbatch ${sub}\n`);
  }
  writeFileAtomic(join(dir, "plans.json"), JSON.stringify({ scale, plans, notebooksStoppedEarly: stoppedEarly }, null, 1) + "\n");
  const total = plans.reduce((a, p) => a + p.estimatedCoreSeconds, 0);
  process.stderr.write(`${plans.length} results to compute at scale ${scale} (estimated ${formatDuration(total)} of one core in all), plans in ${dir}/plans.json; after the units ran, merge each: npm run sweep -- merge ${dir}/<plan> --out <dir>; then npm run reproduce${scale === "paper" ? "" : ` -- --scale ${scale}`} reads them from the cache\n`);
  if (stoppedEarly.length > 0) process.stderr.write(`cells that needed a planned result's rows failed in planning mode in: ${stoppedEarly.join(", ")}; after merging, run --plan again to find what their later cells need\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof ConfigError ? "" : "error: "}${e instanceof Error ? e.message : e}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
