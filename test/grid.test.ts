/**
 * Grids over every knob (lib/experiments/grid.ts): a config with single values keeps its
 * result key (the committed results in data/results/ are the fixtures), a grid's rows carry
 * every axis, and its key covers the grid.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EXPERIMENTS } from "../lib/experiments/registry";
import { expandGrid, isGrid } from "../lib/experiments/grid";
import { resultKey } from "../lib/experiments/cache";
import { REPO_ROOT } from "../lib/util/paths";
import { tempDir } from "./temp";

test("committed single-valued configs validate to themselves through the grid layer and keep their keys", () => {
  let checked = 0;
  for (const experiment of ["convergence", "improvement", "evaluation"]) {
    const root = join(REPO_ROOT, "data", "results", experiment);
    if (!existsSync(root)) continue;
    for (const key of readdirSync(root)) {
      const metaPath = join(root, key, "meta.json");
      if (!existsSync(metaPath)) continue;
      const meta = JSON.parse(readFileSync(metaPath, "utf8")) as { key: string; codeVersion: string; config: Record<string, unknown>; provenance: { backend: { backend: string } } };
      const { mdpSha256: _s, kernelRan, ...config } = meta.config;
      assert.equal(isGrid(experiment, config), false, `${experiment}/${key} is no grid`);
      assert.deepEqual(EXPERIMENTS[experiment].validate(config), config, `${experiment}/${key}: validation changes nothing`);
      const backend = kernelRan === "tfjs-f32" ? { backend: meta.provenance.backend.backend, chosenBy: "auto", tfjsVersion: "" } : null;
      assert.equal(resultKey(experiment, meta.config, backend as never, meta.codeVersion), key, `${experiment}/${key}: same key`);
      checked++;
    }
  }
  assert.ok(checked >= 5, `checked ${checked} committed results`);
});

test("a grid expands to the cartesian product (first axis slowest), each cell validated", () => {
  const base = { mdp: "data/mdp/garnet-s4-a3.json", horizons: [2], widths: [8], iterations: [64], replicas: 2, variants: ["neural-ppo"], radiusF: 6, radiusQ: 5, seed: 1 };
  const cells = expandGrid("convergence", { ...base, beta: [0.1, 0.3], stepSize: [{ c: 1, power: 0.5 }, { c: 2, power: 0.5 }], output: ["average", "last"] });
  assert.equal(cells.length, 8);
  assert.deepEqual(cells.map((c) => c.config.beta), [0.1, 0.1, 0.1, 0.1, 0.3, 0.3, 0.3, 0.3]);
  assert.deepEqual(cells[1].axes, { beta: 0.1, stepSize: { c: 1, power: 0.5 }, output: "last" });
  assert.throws(() => EXPERIMENTS.convergence.validate({ ...base, beta: [0.1, -1] }), /grid cell beta=-1: beta must be > 0/);
  assert.throws(() => EXPERIMENTS.convergence.validate({ ...base, beta: [] }), /beta must be a value or a non-empty list/);
});

test("a grid's rows carry every axis, its key covers the grid, and each cell is cached under its own key", async () => {
  process.env.NPPO_RESULTS_DIR = tempDir("grid-store");
  const base = { mdp: "data/mdp/garnet-s4-a3.json", widths: [16], iterations: [64], replicas: 2, radius: 3, seed: 1, beta: 0.5 };
  const grid = { ...base, radius: [2, { realizabilityMultiple: 1.5 }], beta: [0.5, 1] };
  const g = await EXPERIMENTS.improvement.run(EXPERIMENTS.improvement.validate(grid));
  assert.equal(g.rows.length, 4 * 2);
  assert.deepEqual([...new Set(g.rows.map((r) => `${r.beta}|${r.radiusMultiple}`))], ["0.5|", "0.5|1.5", "1|", "1|1.5"]);
  assert.ok(g.tables.directions.every((r) => "beta" in r && "radiusMultiple" in r), "the directions table carries the axes too");
  const cell = await EXPERIMENTS.improvement.run(EXPERIMENTS.improvement.validate({ ...base, radius: 2, beta: 1 }));
  assert.equal(cell.fromCache, true, "the grid cached its cells under their own keys");
  const other = await EXPERIMENTS.improvement.run(EXPERIMENTS.improvement.validate({ ...grid, beta: [0.5, 2] }));
  assert.notEqual(other.meta.key, g.meta.key, "another grid, another key");
});
