/**
 * Before a long run, say what it costs (issue 23, §4): the CLI prints an estimate first, naming
 * the sweep runner above an hour, and the progress line is drawn before any work, naming its
 * unit and the estimated time (not `ETA ?`), even when the first tick is a huge solver call away.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { progress } from "../lib/util/progress";
import { configWork, estimateLine, formatDuration, secondsPerWork } from "../lib/experiments/estimate";
import { REPO_ROOT } from "../lib/util/paths";
import { loadMdpInput } from "../lib/experiments/mdp-input";
import { tempDir } from "./temp";

test("the first progress line is drawn before any work, with its unit and the estimate as ETA", () => {
  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stderr.write;
  try {
    progress("convergence sweep", 1.6e16, { unit: "width·steps", estimateSeconds: 3 * 86400 });
  } finally {
    process.stderr.write = write;
  }
  assert.equal(lines.length, 2);
  assert.match(lines[0], /0\/1\.60e\+16 width·steps \(0%\) .*ETA 3\.0 days \(estimated\)/);
  assert.match(lines[1], /^note: convergence sweep is estimated at 3\.0 days .*`npm run sweep -- plan`/, "over an hour: the sweep runner is named");
});

test("a run estimated under an hour gets its progress line and no note", () => {
  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stderr.write;
  try {
    progress("improvement sweep", 100, { unit: "width·steps", estimateSeconds: 3599 });
  } finally {
    process.stderr.write = write;
  }
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines.join(""), /npm run sweep/);
});

test("estimates: solver work counts replicas, widths, T, d and 2K solver calls per variant; over an hour names the sweep runner", () => {
  const c = { mdp: "data/mdp/garnet-s4-a3.json", widths: [8, 16], iterations: [100, 300], replicas: 3, horizons: [2, 4], variants: ["exact-ppo", "neural-ppo", "neural-trpo"] };
  const d = loadMdpInput(c.mdp).mdp.dim!;
  assert.equal(configWork("improvement", c), 24 * 400 * d * 3);
  assert.equal(configWork("convergence", c), 2 * 2 * 6 * 24 * 400 * d * 3);
  assert.ok(secondsPerWork() > 0 && secondsPerWork() < 1e-6);
  assert.doesNotMatch(estimateLine("x", 1), /over an hour/);
  assert.match(estimateLine("x", 3601 / secondsPerWork()), /over an hour: split it into work units with `npm run sweep -- plan`/);
  assert.equal(formatDuration(3 * 365 * 86400), "3.00 years");
});

test("widths of 2^24 with T = 1e9: the CLI says what it costs, then shows progress naming its unit, before any solver step", async () => {
  const dir = tempDir("huge");
  const cfg = join(dir, "huge.json");
  writeFileSync(cfg, JSON.stringify({ mdp: "data/mdp/garnet-s4-a3.json", widths: [2 ** 24], iterations: [1e9], replicas: 1, radius: 1, seed: 1 }));
  // node itself (not the tsx wrapper), so that killing the child stops the computation.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/experiment.ts", "improvement", "--config", cfg, "--out", join(dir, "out")], { cwd: REPO_ROOT, env: { ...process.env, NPPO_RESULTS_DIR: join(dir, "store") } });
  let err = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (child.kill("SIGKILL"), reject(new Error(`no progress line; stderr so far: ${err}`))), 60000);
    child.on("exit", () => (clearTimeout(timer), /improvement sweep/.test(err) ? resolve() : reject(new Error(`exited without a progress line: ${err}`))));
    child.stderr.on("data", (b) => {
      err += String(b);
      if (/improvement sweep .*width·steps/.test(err)) {
        clearTimeout(timer);
        child.kill("SIGKILL");
        resolve();
      }
    });
  });
  const estimate = err.indexOf("estimate: improvement");
  assert.ok(estimate >= 0 && estimate < err.indexOf("improvement sweep"), "the estimate comes first");
  assert.match(err, /over an hour: split it into work units/);
  assert.match(err, /0\/1\.68e\+16 width·steps \(0%\) .*ETA [\d.]+ (days|years) \(estimated\)/);
});
