import { test } from "node:test";
import assert from "node:assert/strict";
import { disagreements, runBench } from "../lib/bench/bench";
import { BENCH_SETTINGS } from "../lib/bench/workload";

test("bench (smoke): every path available here runs both algorithms, and every completed path's error agrees with the float64 kernel's", async () => {
  const settings = { ...BENCH_SETTINGS, replicas: 4, steps: 60, widths: [32] };
  const report = await runBench(settings, { capSeconds: 30, threads: 2 });
  const paths = new Set(report.rows.map((r) => r.path));
  for (const p of ["wasm-simd-f64 (2 threads)", "wasm-simd-f32 (1 thread)", "wasm-simd-f32 (2 threads)", "tfjs-wasm", "tfjs-cpu"]) assert.ok(paths.has(p), `${p} in ${[...paths].join(", ")}`);
  assert.equal(report.rows.length, 2 * paths.size);
  for (const r of report.rows) {
    assert.ok(r.stepsPerSecond > 0 && r.chunks >= 1 && r.spreadMin <= r.stepsPerSecond && r.stepsPerSecond <= r.spreadMax, JSON.stringify(r));
    assert.ok(r.mse !== null && r.mse > 0, `${r.path}: every path completes T = 60 within the cap`);
  }
  assert.deepEqual(disagreements(report), []);
  // The fast kernel on two threads is the same computation as on one: identical errors.
  for (const alg of ["sgd", "td"]) {
    const one = report.rows.find((r) => r.algorithm === alg && r.path === "wasm-simd-f32 (1 thread)")!;
    const two = report.rows.find((r) => r.algorithm === alg && r.path === "wasm-simd-f32 (2 threads)")!;
    assert.equal(one.mse, two.mse);
  }
});
