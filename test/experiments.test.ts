import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runEvaluation, runImprovement, SolverSweepConfig, validateSolverSweepConfig } from "../lib/experiments/solver-sweeps";
import { resolveKernel } from "../lib/solvers/solvers";
import { REPO_ROOT } from "../lib/util/paths";
import { parseCsv } from "../lib/experiments/results-io";
import { tempDir } from "./temp";

const config: SolverSweepConfig = {
  mdp: "data/mdp/garnet-s4-a3.json", widths: [16, 32], iterations: [16, 128], replicas: 3, radius: { realizabilityMultiple: 1.5 }, seed: 7,
};
const tmp = () => tempDir("exp");

for (const [name, run] of [["improvement", runImprovement], ["evaluation", runEvaluation]] as const) {
  test(`${name} (smoke): one row per (m, T, replica), finite errors, errors fall with T, same seed ⇒ identical CSV`, async () => {
    const a = await run(config, tmp());
    const b = await run(config, tmp());
    assert.equal(a.rows.length, 2 * 2 * 3);
    assert.ok(a.rows.every((r) => Number.isFinite(r.mse as number) && (r.mse as number) >= 0));
    const mean = (T: number) => a.rows.filter((r) => r.T === T && r.m === 32).reduce((s, r) => s + (r.mse as number), 0) / 3;
    assert.ok(mean(128) < mean(16), `${mean(128)} vs ${mean(16)}`);
    assert.equal(readFileSync(join(a.dir, "results.csv"), "utf8"), readFileSync(join(b.dir, "results.csv"), "utf8"));
    for (const col of ["m", "T", "replica", "mse", "radius", "realizabilityRadius", "seed", "configHash", "kernel", "backend"]) assert.ok(col in a.rows[0], col);
    assert.equal(a.rows[0].kernel, resolveKernel("fast"));
    // realizabilityMultiple 1.5 ⇒ radius = 1.5 × the minimum radius, per replica.
    for (const r of a.rows) if (typeof r.realizabilityRadius === "number") assert.ok(Math.abs((r.radius as number) - 1.5 * r.realizabilityRadius) < 1e-12);
  });
}

test("the reference kernel gives the same errors as the fast default and the WebAssembly kernel (to 1e-5 relative); each row names the kernel that ran", async () => {
  const small = { ...config, widths: [16], iterations: [64] };
  const fast = await runImprovement(small, tmp());
  const wasm = await runImprovement({ ...small, kernel: "wasm" }, tmp());
  const ref = await runImprovement({ ...small, kernel: "reference" }, tmp());
  assert.deepEqual([fast.rows[0].kernel, wasm.rows[0].kernel, ref.rows[0].kernel], [resolveKernel("fast"), "wasm-simd-f32", "reference-f64"]);
  ref.rows.forEach((r, i) => {
    assert.ok(Math.abs((r.mse as number) - (wasm.rows[i].mse as number)) <= 1e-5 * (r.mse as number));
    assert.ok(Math.abs((r.mse as number) - (fast.rows[i].mse as number)) <= 1e-5 * (r.mse as number));
  });
});

for (const [name, run] of [["improvement", runImprovement], ["evaluation", runEvaluation]] as const) {
  test(`${name} with a radius that binds (0.1 × the realizability radius): projections > 0, both outputs inside the ball, on every kernel; native and WebAssembly equal the reference loop`, async () => {
    const binding: SolverSweepConfig = { ...config, widths: [16], iterations: [1024], radius: { realizabilityMultiple: 0.1 } };
    const byKernel = Object.fromEntries(await Promise.all((["reference", "fast", "wasm", "tfjs"] as const).map(async (kernel) => [kernel, (await run({ ...binding, kernel }, tmp())).rows] as const)));
    for (const [kernel, rows] of Object.entries(byKernel)) {
      assert.equal(rows.length, 3);
      for (const r of rows) {
        const R = r.radius as number;
        assert.ok((r.projections as number) > 0, `${kernel}: projections ${r.projections}`);
        // The path average of points in a convex ball is in the ball; float32 kernels round at 1e-7.
        for (const col of ["distanceAverage", "distanceLast"]) assert.ok((r[col] as number) > 0 && (r[col] as number) <= R * (1 + 1e-6), `${kernel}: ${col} ${r[col]} > R = ${R}`);
        assert.ok(Number.isFinite(r.linearisationGapAverage as number) && (r.linearisationGapAverage as number) >= 0);
      }
    }
    // native and WebAssembly: the same projections and numbers to float32 tolerance. TensorFlow.js
    // rounds its norms in another order, so a step that ends on the sphere to float32 precision can
    // count once more or less over hundreds of projections: it gets 1% on the count.
    for (const kernel of ["fast", "wasm", "tfjs"]) {
      byKernel.reference.forEach((r, i) => {
        const k = byKernel[kernel][i];
        if (kernel === "tfjs") assert.ok(Math.abs((k.projections as number) - (r.projections as number)) <= 0.01 * (r.projections as number), `tfjs: projections ${k.projections} vs ${r.projections}`);
        else assert.equal(k.projections, r.projections, `${kernel}: projections`);
        const tolerance = kernel === "tfjs" ? 1e-4 : 1e-5;
        for (const col of ["mse", "mseLast", "distanceAverage", "distanceLast"]) assert.ok(Math.abs((k[col] as number) - (r[col] as number)) <= tolerance * (r[col] as number), `${kernel}: ${col} ${k[col]} vs ${r[col]}`);
      });
    }
  });
}

test("solver-sweep configs are validated with the field and the rule", () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ radius: -1 }, /radius must be > 0, got -1/],
    [{ radius: { realizabilityMultiple: 0 } }, /radius.realizabilityMultiple must be > 0, got 0/],
    [{ iterations: [] }, /iterations must be a non-empty array of integers/],
    [{ widths: [0] }, /widths\[0\] must be >= 1, got 0/],
    [{ gamma: 1 }, /gamma must be < 1, got 1/],
    [{ kernel: "gpu" }, /kernel must be one of fast, wasm, reference, tfjs, got "gpu"/],
    [{ replica: 3 }, /unknown field "replica"/],
    [{ k: 3, horizon: 2 }, /k must be < horizon \(2\), got 3/],
  ];
  for (const [patch, message] of bad) assert.throws(() => validateSolverSweepConfig({ ...config, ...patch }, "improvement"), message);
  assert.throws(() => validateSolverSweepConfig({ ...config, k: 1 }, "evaluation"), /k applies to the improvement experiment only/);
});

test("CLI `experiment` writes results.csv and meta.json; bad config exits 2 with one line", () => {
  const dir = tmp();
  const cfg = join(dir, "c.json");
  writeFileSync(cfg, JSON.stringify({ ...config, widths: [16], iterations: [16] }));
  const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
  const cli = join(REPO_ROOT, "scripts", "experiment.ts");
  // Its own results store: a test must never write into the repository's data/results/.
  const ok = spawnSync(tsx, [cli, "evaluation", "--config", cfg, "--out", join(dir, "out")], { env: { ...process.env, NPPO_RESULTS_DIR: join(dir, "store") } });
  assert.equal(ok.status, 0, ok.stderr.toString());
  const rows = parseCsv(readFileSync(join(dir, "out", "results.csv"), "utf8"));
  assert.equal(rows.length, 3);
  assert.deepEqual(Object.keys(rows[0]).slice(0, 4), ["m", "T", "replica", "mse"]);
  assert.equal(JSON.parse(readFileSync(join(dir, "out", "meta.json"), "utf8")).experiment, "evaluation");
  assert.ok(JSON.parse(readFileSync(join(dir, "out", "meta.json"), "utf8")).cachedIn.startsWith(join(dir, "store")));
  writeFileSync(cfg, JSON.stringify({ ...config, radius: -1 }));
  const bad = spawnSync(tsx, [cli, "evaluation", "--config", cfg, "--out", join(dir, "out2")]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.toString().trim(), "radius must be > 0, got -1");
  const unknown = spawnSync(tsx, [cli, "nonsense", "--config", cfg, "--out", dir]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr.toString(), /experiment must be one of network, realizability, improvement, evaluation, convergence, regime-scaling, propagation, got "nonsense"/);
});
