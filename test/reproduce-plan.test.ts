/**
 * `npm run reproduce -- --plan DIR` (issue 23): the results a notebook would compute become
 * work units; once they have run and merged, planning again finds what later cells need, and
 * finally nothing: the notebook then reads everything from the cache.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/util/paths";
import { mergeUnits, runUnit } from "../lib/experiments/units";
import { spawnSync } from "node:child_process";
import { tempDir } from "./temp";

test("plan → run units → merge, repeated until the plan is empty (notebook 05, smoke scale)", { timeout: 600_000 }, async () => {
  const store = tempDir("plan-store");
  const env = { ...process.env, NPPO_RESULTS_DIR: store };
  const counts: number[] = [];
  for (let round = 0; round < 4; round++) {
    const dir = tempDir(`plan-round${round}`);
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/reproduce.ts", "--scale", "smoke", "--plan", dir, "notebooks/05-adapt.ipynb"], { cwd: REPO_ROOT, env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const { plans } = JSON.parse(readFileSync(join(dir, "plans.json"), "utf8")) as { plans: { dir: string; units: number }[] };
    counts.push(plans.length);
    if (plans.length === 0) break;
    process.env.NPPO_RESULTS_DIR = store;
    for (const p of plans) {
      for (let i = 1; i <= p.units; i++) await runUnit(join(dir, p.dir), i);
      await mergeUnits(join(dir, p.dir));
    }
  }
  assert.deepEqual(counts, [1, 4, 0], "round 1: the RiverSwim evaluation; round 2: the four knob runs its failed cell hid; then nothing");
});
