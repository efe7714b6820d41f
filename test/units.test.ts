/**
 * Work units (lib/experiments/units.ts): a sweep split into any number of units and merged is
 * byte-identical to the unsplit run (unit counts that do and do not divide the replicas, grids
 * included), enters the results cache under the unsplit run's key, and a merge with units
 * missing or incomplete refuses, naming them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, unlinkSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { EXPERIMENTS } from "../lib/experiments/registry";
import { IncompleteUnitsError, mergeUnits, planUnits, runUnit, writeExperimentOutput, writePlan } from "../lib/experiments/units";
import { REPO_ROOT } from "../lib/util/paths";
import { tempDir } from "./temp";

const convergence = {
  mdp: "data/mdp/garnet-s4-a3.json", horizons: [2, 3], beta: 0.1, widths: [8, 16], iterations: [64, 128], replicas: 5,
  variants: ["exact-ppo", "neural-ppo", "neural-trpo"], radiusF: 6, radiusQ: 5, seed: 3,
};
const improvement = { mdp: "data/mdp/garnet-s4-a3.json", widths: [16, 32], iterations: [64, 256], replicas: 3, radius: { realizabilityMultiple: 1.5 }, seed: 2 };

/** The unsplit run's files, computed in a store of its own. */
async function unsplit(experiment: string, config: unknown): Promise<{ csv: string; tables: Record<string, string>; key: string }> {
  process.env.NPPO_RESULTS_DIR = tempDir("unsplit-store");
  const out = tempDir("unsplit-out");
  const e = EXPERIMENTS[experiment];
  const result = await e.run(e.validate(config));
  writeExperimentOutput(out, result);
  const tables = Object.fromEntries(Object.keys(result.tables).map((t) => [t, readFileSync(join(out, `${t}.csv`), "utf8")]));
  return { csv: readFileSync(join(out, "results.csv"), "utf8"), tables, key: result.meta.key };
}

/** Plan into `units`, run every unit (in reverse, as an array may), merge into a fresh store. */
async function split(experiment: string, config: unknown, units: number): Promise<{ csv: string; tables: Record<string, string>; key: string; dir: string }> {
  const dir = tempDir("plan");
  const plan = planUnits(experiment, config, units);
  assert.equal(plan.units.length, units);
  assert.ok(plan.units.every((u) => u.length > 0), "every unit has work");
  writePlan(plan, dir);
  process.env.NPPO_RESULTS_DIR = tempDir("split-store");
  for (let i = units; i >= 1; i--) await runUnit(dir, i);
  process.env.NPPO_RESULTS_DIR = tempDir("merged-store");
  const result = await mergeUnits(dir);
  const out = tempDir("merged-out");
  writeExperimentOutput(out, result);
  const tables = Object.fromEntries(Object.keys(result.tables).map((t) => [t, readFileSync(join(out, `${t}.csv`), "utf8")]));
  return { csv: readFileSync(join(out, "results.csv"), "utf8"), tables, key: result.meta.key, dir };
}

test("convergence split into 1, 2, 3, 7 and 40 units (40 splits each run's 5 replicas into 3 blocks, 2 + 2 + 1) merges byte-identical, under the same key", async () => {
  const whole = await unsplit("convergence", convergence);
  for (const units of [1, 2, 3, 7, 40]) {
    const s = await split("convergence", convergence, units);
    assert.equal(s.csv, whole.csv, `${units} units: results.csv`);
    assert.equal(s.key, whole.key, `${units} units: result key`);
  }
  const fine = planUnits("convergence", convergence, 40);
  assert.ok(fine.pieces.some((p) => (p.config.firstReplica as number) > 0), "40 units split replicas into blocks");
});

test("improvement split by (m, T) merges byte-identical, directions table included", async () => {
  const whole = await unsplit("improvement", improvement);
  for (const units of [1, 3]) {
    const s = await split("improvement", improvement, units);
    assert.equal(s.csv, whole.csv, `${units} units: results.csv`);
    assert.deepEqual(s.tables, whole.tables, `${units} units: directions.csv`);
    assert.equal(s.key, whole.key);
  }
  assert.throws(() => planUnits("improvement", improvement, 5), /only 4 independent pieces/);
});

test("a grid over β and init splits and merges byte-identical to the grid run", async () => {
  const grid = { ...convergence, horizons: [2], widths: [8], iterations: [64], replicas: 3, beta: [0.1, 0.3], init: ["paper", "antisymmetric"] };
  const whole = await unsplit("convergence", grid);
  const s = await split("convergence", grid, 5);
  assert.equal(s.csv, whole.csv);
  assert.equal(s.key, whole.key);
});

test("merge refuses missing and partial units, naming them; rerunning the unit completes it; a finished unit does nothing", async () => {
  const config = { ...convergence, horizons: [2], iterations: [64] };
  const dir = tempDir("plan-missing");
  writePlan(planUnits("convergence", config, 3), dir);
  process.env.NPPO_RESULTS_DIR = tempDir("missing-store");
  await runUnit(dir, 1);
  await runUnit(dir, 3);
  await assert.rejects(mergeUnits(dir), (e: unknown) => e instanceof IncompleteUnitsError && e.units.join() === "2" && /unit 2 \(not run/.test(e.message));
  await runUnit(dir, 2);
  assert.equal(await runUnit(dir, 2), false, "a finished unit does nothing");
  // Partial: unit 3's done file present, one of its stored pieces lost.
  const done = JSON.parse(readFileSync(join(dir, "done", "unit-0003.json"), "utf8")) as { pieces: { dir: string }[] };
  unlinkSync(join(dir, done.pieces[0].dir, "meta.json"));
  await assert.rejects(mergeUnits(dir), (e: unknown) => e instanceof IncompleteUnitsError && e.units.join() === "3" && /unit 3 \(1 of its/.test(e.message));
  rmSync(join(dir, "done", "unit-0003.json"));
  await runUnit(dir, 3);
  const merged = await mergeUnits(dir);
  assert.ok(merged.rows.length > 0);
});

test("npm run sweep: plan prints per-unit estimates, merge of an incomplete plan exits 2 naming the unit", () => {
  const dir = tempDir("plan-cli");
  const cfg = join(dir, "c.json");
  require("node:fs").writeFileSync(cfg, JSON.stringify({ ...convergence, horizons: [2], iterations: [64], widths: [8] }));
  const env = { ...process.env, NPPO_RESULTS_DIR: tempDir("cli-store") };
  const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
  const plan = spawnSync(tsx, ["scripts/sweep.ts", "plan", "convergence", "--config", cfg, "--units", "2", "--out", join(dir, "p")], { cwd: REPO_ROOT, env, encoding: "utf8" });
  assert.equal(plan.status, 0, plan.stderr);
  assert.match(plan.stderr, /unit 1: \d+ pieces, estimated [\d.e+-]+ core-seconds/);
  assert.match(plan.stderr, /core-seconds in total/);
  assert.equal(readdirSync(join(dir, "p", "units")).length, 2);
  const merge = spawnSync(tsx, ["scripts/sweep.ts", "merge", join(dir, "p"), "--out", join(dir, "o")], { cwd: REPO_ROOT, env, encoding: "utf8" });
  assert.equal(merge.status, 2);
  assert.match(merge.stderr, /unit 1 \(not run.*unit 2 \(not run/);
  assert.ok(!existsSync(join(dir, "o", "results.csv")));
});
