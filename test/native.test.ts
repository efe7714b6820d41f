import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sourceClosure } from "../lib/experiments/cache";
import { REPO_ROOT } from "../lib/util/paths";
import { parseCsv } from "../lib/experiments/results-io";
import { NATIVE_ENV, nativeKernel, nativeUnavailableReason } from "../lib/solvers/native-kernel";
import { resolveKernel } from "../lib/solvers/solvers";

const tmp = () => mkdtempSync(join(tmpdir(), "nppo-native-"));
const ENVIRONMENTAL = /^no C compiler|^no Node-API headers/;

test("npm install built the native kernel, unless this machine has no C compiler or no Node-API headers (a compile error is never hidden by the fallback)", () => {
  if (nativeKernel()) assert.equal(resolveKernel("fast"), "native-f32");
  else {
    assert.match(nativeUnavailableReason(), ENVIRONMENTAL);
    assert.equal(resolveKernel("fast"), "wasm-simd-f32");
  }
  assert.equal(resolveKernel("wasm"), "wasm-simd-f32");
});

test("without a C compiler the build says so once and succeeds, and kernel \"fast\" runs (and records) wasm-simd-f32", () => {
  const dir = tmp();
  const build = spawnSync(process.execPath, [join(REPO_ROOT, "scripts", "build-native.mjs"), "--out", dir], { env: { ...process.env, CC: join(dir, "no-such-cc") } });
  assert.equal(build.status, 0, build.stderr.toString());
  const lines = build.stdout.toString().trim().split("\n");
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^native kernel not built: no C compiler .*wasm-simd-f32/);
  assert.ok(!existsSync(join(dir, "kernel.node")));
  // An experiment run with the addon absent: it runs the WebAssembly kernel and says so in every row.
  const cfg = join(dir, "c.json");
  writeFileSync(cfg, JSON.stringify({ mdp: "data/mdp/garnet-s4-a3.json", widths: [16], iterations: [16], replicas: 2, radius: 1, seed: 3 }));
  const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
  const env = { ...process.env, [NATIVE_ENV]: join(dir, "kernel.node"), NPPO_RESULTS_DIR: join(dir, "store") };
  const run = spawnSync(tsx, [join(REPO_ROOT, "scripts", "experiment.ts"), "improvement", "--config", cfg, "--out", join(dir, "out")], { env });
  assert.equal(run.status, 0, run.stderr.toString());
  const rows = parseCsv(readFileSync(join(dir, "out", "results.csv"), "utf8"));
  assert.equal(rows.length, 2);
  for (const r of rows) assert.equal(r.kernel, "wasm-simd-f32");
  const why = spawnSync(tsx, ["-e", `const n = require(${JSON.stringify(join(REPO_ROOT, "lib", "solvers", "native-kernel.ts"))}); n.nativeKernel(); process.stdout.write(n.nativeUnavailableReason());`], { env });
  assert.match(why.stdout.toString(), /^no C compiler/, why.stderr.toString());
});

test("the kernels' sources and the native build's flags are part of every solver experiment's result key", () => {
  for (const experiment of ["solver-sweeps.ts", "convergence.ts"]) {
    const files = sourceClosure(join(REPO_ROOT, "lib", "experiments", experiment)).map((f) => f.slice(REPO_ROOT.length + 1));
    for (const f of ["native/kernel.c", "scripts/build-native.mjs", "wasm/kernel.ts", "lib/solvers/native-kernel.ts"]) assert.ok(files.includes(f), `${experiment}: ${f}`);
  }
});
