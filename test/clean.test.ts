/**
 * Runs other than the paper-scale reproduction cache in scratch/results/ (issue 23); a lock is
 * removed when its process is interrupted (SIGINT) as well as on exit; `npm run clean` removes
 * stale locks and scratch results without running anything.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMMITTED_RESULTS_DIR, removeStaleLocks, resultsDir, resultsReadDirs, SCRATCH_RESULTS_DIR } from "../lib/experiments/cache";
import { REPO_ROOT } from "../lib/util/paths";
import { tempDir } from "./temp";

function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

test("results go to scratch/results/ unless the paper-scale reproduction (NPPO_WRITE_FILES=committed) writes them; the committed record is still read", () => {
  withEnv({ NPPO_RESULTS_DIR: undefined, NPPO_WRITE_FILES: undefined }, () => {
    assert.equal(resultsDir(), SCRATCH_RESULTS_DIR);
    assert.deepEqual(resultsReadDirs(), [SCRATCH_RESULTS_DIR, COMMITTED_RESULTS_DIR]);
  });
  withEnv({ NPPO_RESULTS_DIR: undefined, NPPO_WRITE_FILES: "committed" }, () => assert.deepEqual(resultsReadDirs(), [COMMITTED_RESULTS_DIR]));
  withEnv({ NPPO_RESULTS_DIR: "/tmp/elsewhere", NPPO_WRITE_FILES: "committed" }, () => assert.deepEqual(resultsReadDirs(), ["/tmp/elsewhere"]));
});

/** Poll `cond` every 0.1 s for at most `ms`; whether it came true. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const t0 = Date.now(); !cond(); ) {
    if (Date.now() - t0 > ms) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

test("a lock left by SIGINT is removed: Ctrl-C stops a run inside a long solver call at once, and its lock goes", async () => {
  const dir = tempDir("sigint");
  const cfg = join(dir, "huge.json");
  writeFileSync(cfg, JSON.stringify({ mdp: "data/mdp/garnet-s4-a3.json", widths: [2 ** 20], iterations: [1e9], replicas: 1, radius: 1, seed: 1 }));
  const store = join(dir, "store");
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/experiment.ts", "improvement", "--config", cfg, "--out", join(dir, "out")], { cwd: REPO_ROOT, env: { ...process.env, NPPO_RESULTS_DIR: store }, stdio: "ignore" });
  const locks = () => (existsSync(join(store, "improvement")) ? readdirSync(join(store, "improvement")).filter((f) => f.endsWith(".lock")) : []);
  try {
    assert.ok(await until(() => locks().length === 1, 60000), "the run took its lock");
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_code, signal) => r(signal)));
    child.kill("SIGINT");
    assert.equal(await exited, "SIGINT", "Ctrl-C ends the run");
    assert.ok(await until(() => locks().length === 0, 10000), "its lock is removed");
  } finally {
    child.kill("SIGKILL");
  }
});

test("a process killed (SIGKILL) the instant it has taken its lock leaves none: the watcher runs before the lock exists", async () => {
  const root = tempDir("instant");
  const dir = join(root, "key");
  const script = join(root, "take-and-die.ts");
  writeFileSync(script, `import { lockResults } from ${JSON.stringify(join(REPO_ROOT, "lib", "experiments", "locks"))};\nlockResults(${JSON.stringify(dir)});\nprocess.kill(process.pid, "SIGKILL");\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: REPO_ROOT, encoding: "utf8" });
  assert.equal(r.signal, "SIGKILL", r.stderr);
  assert.ok(await until(() => !existsSync(`${dir}.lock`), 10000), "the lock is removed");
});

test("stale locks are found and removed, live ones kept; npm run clean --dry-run lists without removing", () => {
  const root = tempDir("locks");
  mkdirSync(join(root, "improvement"), { recursive: true });
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
  writeFileSync(join(root, "improvement", "dead.lock"), dead);
  writeFileSync(join(root, "improvement", "live.lock"), String(process.pid));
  assert.deepEqual(removeStaleLocks([root], true), [join(root, "improvement", "dead.lock")]);
  assert.ok(existsSync(join(root, "improvement", "dead.lock")), "a dry run removes nothing");
  removeStaleLocks([root]);
  assert.deepEqual(readdirSync(join(root, "improvement")), ["live.lock"]);
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/clean.ts", "--dry-run"], { cwd: REPO_ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /would remove|nothing to clean/);
  const bad = spawnSync(process.execPath, ["--import", "tsx", "scripts/clean.ts", "--everything"], { cwd: REPO_ROOT, encoding: "utf8" });
  assert.equal(bad.status, 2);
});

test("the reproduction takes a result merged into scratch/results/ into data/results/ under the same key, without computing, whether it runs it (runCached) or only looks it up (findCached)", async () => {
  const { findCached, runCached, resultKey, codeVersion } = await import("../lib/experiments/cache");
  const { initBackend } = await import("../lib/backend");
  const { writeFileAtomic } = await import("../lib/util/atomic-write");
  const { rmSync, readFileSync } = await import("node:fs");
  const name = "nppo-test-promote";
  const id = { name, module: join(REPO_ROOT, "lib", "stats.ts"), usesBackend: false };
  const config = { test: Date.now() };
  const key = resultKey(name, config, null, codeVersion(id.module));
  const scratch = join(SCRATCH_RESULTS_DIR, name, key);
  try {
    writeFileAtomic(join(scratch, "results.csv"), "a,b\n1,2\n");
    writeFileAtomic(join(scratch, "meta.json"), JSON.stringify({ experiment: name, key, columns: { a: "int32", b: "int32" } }));
    const backend = await initBackend({ quiet: true });
    const r = await withEnv({ NPPO_RESULTS_DIR: undefined, NPPO_WRITE_FILES: "committed" }, () => runCached(id, config, backend, () => {
      throw new Error("must not compute");
    }));
    assert.equal(r.dir, join(COMMITTED_RESULTS_DIR, name, key));
    assert.equal(readFileSync(join(r.dir, "results.csv"), "utf8"), "a,b\n1,2\n");
    assert.deepEqual(r.rows, [{ a: 1, b: 2 }]);
    // A result beyond a notebook's budget is only looked up: the same promotion.
    rmSync(join(COMMITTED_RESULTS_DIR, name), { recursive: true, force: true });
    assert.equal(await withEnv({ NPPO_RESULTS_DIR: undefined, NPPO_WRITE_FILES: "committed" }, () => findCached(id, { other: config.test }, backend)), null, "absent everywhere: null");
    const found = await withEnv({ NPPO_RESULTS_DIR: undefined, NPPO_WRITE_FILES: "committed" }, () => findCached(id, config, backend));
    assert.equal(found?.dir, join(COMMITTED_RESULTS_DIR, name, key));
    assert.equal(readFileSync(join(COMMITTED_RESULTS_DIR, name, key, "results.csv"), "utf8"), "a,b\n1,2\n");
  } finally {
    rmSync(join(SCRATCH_RESULTS_DIR, name), { recursive: true, force: true });
    rmSync(join(COMMITTED_RESULTS_DIR, name), { recursive: true, force: true });
  }
});

test("a result read from a throwaway store under the system temp dir is recorded by experiment and key only, so provenance does not change between reruns", async () => {
  const { runCached, resultsUsed } = await import("../lib/experiments/cache");
  const { initBackend } = await import("../lib/backend");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const store = mkdtempSync(join(tmpdir(), "nppo-probe-test-"));
  try {
    const id = { name: "nppo-test-used", module: join(REPO_ROOT, "lib", "stats.ts"), usesBackend: false };
    const r = await runCached(id, { probe: 1 }, await initBackend({ quiet: true }), () => [{ a: 1 }], store);
    const key = r.dir.split("/").pop()!;
    assert.ok(resultsUsed().includes(`(temporary store)/nppo-test-used/${key}`), JSON.stringify(resultsUsed()));
    assert.ok(!resultsUsed().some((u) => u.includes(store)));
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});
