/**
 * `npm run clean [-- --dry-run] [--all]`: removes what runs other than the paper-scale
 * reproduction leave behind, without running anything: scratch/results/ and scratch/figures/
 * (every such run writes there; see lib/experiments/cache.ts and lib/report/output-files.ts),
 * and stale locks (`<key>.lock` of a process that is gone) in data/results/ and
 * scratch/results/. `--all` removes the whole of scratch/ (your scratch MDP files included).
 * `--dry-run` only lists. Parses arguments and calls lib/ only.
 */
import { existsSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { COMMITTED_RESULTS_DIR, removeStaleLocks, SCRATCH_RESULTS_DIR } from "../lib/experiments/cache";
import { REPO_ROOT } from "../lib/util/paths";
import { ConfigError } from "../lib/experiments/validate";

const args = process.argv.slice(2);
for (const a of args) {
  if (a !== "--dry-run" && a !== "--all") {
    process.stderr.write(`${new ConfigError(`unknown argument ${JSON.stringify(a)} (usage: clean [--dry-run] [--all])`).message}\n`);
    process.exit(2);
  }
}
const dryRun = args.includes("--dry-run");
const rel = (p: string) => relative(REPO_ROOT, p) || ".";
const locks = removeStaleLocks([COMMITTED_RESULTS_DIR, SCRATCH_RESULTS_DIR], dryRun);
for (const l of locks) process.stderr.write(`${dryRun ? "would remove" : "removed"} stale lock ${rel(l)}\n`);
const folders = (args.includes("--all") ? [join(REPO_ROOT, "scratch")] : [SCRATCH_RESULTS_DIR, join(REPO_ROOT, "scratch", "figures")]).filter((x) => existsSync(x));
for (const f of folders) {
  if (!dryRun) rmSync(f, { recursive: true, force: true });
  process.stderr.write(`${dryRun ? "would remove" : "removed"} ${rel(f)}/\n`);
}
if (locks.length + folders.length === 0) process.stderr.write("nothing to clean\n");
