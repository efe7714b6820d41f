import { test } from "node:test";
import assert from "node:assert/strict";
import { disagreements, runBench } from "../lib/bench/bench";
import { BENCH_SETTINGS } from "../lib/bench/workload";
import { nativeKernel } from "../lib/solvers/native-kernel";

test("bench (smoke): every path available here runs both algorithms, and every completed path's error agrees with the WebAssembly kernel's", async () => {
  const settings = { ...BENCH_SETTINGS, replicas: 4, steps: 60, widths: [32] };
  const report = await runBench(settings, { capSeconds: 30, threads: 2 });
  const paths = new Set(report.rows.map((r) => r.path));
  const expected = ["wasm-simd-f32 (1 thread)", "wasm-simd-f32 (2 threads)", "tfjs-wasm", "tfjs-cpu"];
  // Where npm install built the native kernel, a C compiler is here, so the yardstick compiles too.
  const kernels = nativeKernel() ? ["native-f32", "wasm-simd-f32"] : ["wasm-simd-f32"];
  if (nativeKernel()) expected.push("native-f32 (1 thread)", "native-f32 (2 threads)", "C yardstick (1 thread)", "C yardstick (2 threads)");
  for (const p of expected) assert.ok(paths.has(p), `${p} in ${[...paths].join(", ")}`);
  assert.equal(report.rows.length, 2 * paths.size);
  for (const r of report.rows) {
    assert.ok(r.stepsPerSecond > 0 && r.chunks >= 1 && r.spreadMin <= r.stepsPerSecond && r.stepsPerSecond <= r.spreadMax, JSON.stringify(r));
    assert.ok(r.mse !== null && r.mse > 0, `${r.path}: every path completes T = 60 within the cap`);
    if (nativeKernel()) assert.ok(r.percentOfYardstick !== null && r.percentOfYardstick > 0, `${r.path}: percentage of the yardstick`);
  }
  assert.deepEqual(disagreements(report), []);
  assert.equal(report.ratios.length, 2);
  // A kernel on two threads is the same computation as on one: identical errors.
  for (const alg of ["sgd", "td"]) {
    for (const name of kernels) {
      const one = report.rows.find((r) => r.algorithm === alg && r.path === `${name} (1 thread)`)!;
      const two = report.rows.find((r) => r.algorithm === alg && r.path === `${name} (2 threads)`)!;
      assert.equal(one.mse, two.mse, `${alg} ${name}`);
    }
  }
});
