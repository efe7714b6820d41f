import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MdpFormatError, mdpToJson, parseMdp } from "../lib/mdp/format";
import type { FiniteMdp } from "../lib/mdp/mdp";
import { energyPolicy, evaluatePolicy, policyChain, stationaryDistribution } from "../lib/mdp/exact";
import { validateSolverSweepConfig } from "../lib/experiments/solver-sweeps";
import { validateConvergenceConfig } from "../lib/experiments/convergence";
import { ConfigError } from "../lib/experiments/validate";
import { lockResults, ResultsLockedError, runCached } from "../lib/experiments/cache";
import { REPO_ROOT } from "../lib/util/paths";
import { nativeKernel, solveNative } from "../lib/solvers/native-kernel";
import { solveReference } from "../lib/solvers/reference";
import { solveWasm } from "../lib/solvers/wasm-kernel";
import { DivergenceError } from "../lib/solvers/problem";
import { tempDir } from "./temp";

const RUNS = 2000;
const tmp = () => tempDir("rob");

/** A random valid MDP: every row a positive random vector normalised to 1 (so ergodic). */
const mdpArb = fc
  .record({ S: fc.integer({ min: 1, max: 6 }), A: fc.integer({ min: 1, max: 4 }), gamma: fc.double({ min: 0.01, max: 0.99, noNaN: true }), seed: fc.integer({ min: 1, max: 2 ** 30 }) })
  .map(({ S, A, gamma, seed }): FiniteMdp => {
    let x = seed;
    const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32) * 0.98 + 0.01;
    const transitions = new Float64Array(S * A * S);
    for (let j = 0; j < S * A; j++) {
      let sum = 0;
      for (let t = 0; t < S; t++) sum += transitions[j * S + t] = rand();
      for (let t = 0; t < S; t++) transitions[j * S + t] /= sum;
    }
    return { name: "random", gamma, states: S, actions: A, transitions, rewards: new Float64Array(S * A).map(() => 2 * rand() - 1) };
  });

test(`property: random valid MDPs survive the file format and keep every invariant (${RUNS} cases)`, () => {
  fc.assert(
    fc.property(mdpArb, fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 24, maxLength: 24 }), (mdp, energyRaw) => {
      const back = parseMdp(JSON.parse(JSON.stringify(mdpToJson(mdp))));
      assert.deepEqual(back.transitions, mdp.transitions);
      const { states: S, actions: A, gamma } = mdp;
      const pi = energyPolicy(mdp, Float64Array.from(energyRaw.slice(0, S * A)));
      const { nu } = stationaryDistribution(mdp, pi);
      const P = policyChain(mdp, pi).transitions;
      assert.ok(Math.abs(nu.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      for (let t = 0; t < S; t++) {
        let s = 0;
        for (let u = 0; u < S; u++) s += nu[u] * P[u * S + t];
        assert.ok(nu[t] > 0 && Math.abs(s - nu[t]) < 1e-12);
      }
      const { Q } = evaluatePolicy(mdp, pi);
      for (let j = 0; j < S * A; j++) {
        let pq = 0;
        for (let t = 0; t < S; t++) for (let b = 0; b < A; b++) pq += mdp.transitions[j * S + t] * pi[t * A + b] * Q[t * A + b];
        assert.ok(Math.abs(Q[j] - gamma * pq - (1 - gamma) * mdp.rewards[j]) < 1e-11);
        assert.ok(Math.abs(Q[j]) <= 1 + 1e-12, "|Q| ≤ R_max");
      }
    }),
    { numRuns: RUNS, seed: 1 },
  );
});

/** Ways to break a valid MDP file, each with the field its message must name. */
const breakers: [string, (o: any, v: number) => void][] = [
  ["gamma", (o, v) => (o.gamma = v >= 0 ? 1 + v : v)],
  ["gamma", (o) => (o.gamma = "0.5")],
  ["transitions", (o, v) => (o.transitions[0][0][0] = -Math.abs(v) - 1e-6)],
  ["transitions", (o, v) => (o.transitions[0][0] = o.transitions[0][0].map((p: number) => p * (1.5 + Math.abs(v))))],
  ["transitions", (o) => (o.transitions[0][0][0] = null)],
  ["transitions", (o) => o.transitions[0].push(o.transitions[0][0])],
  ["rewards", (o) => o.rewards.pop()],
  ["rewards", (o) => (o.rewards[0][0] = "NaN")],
  ["name", (o) => (o.name = "")],
  ["unknown field", (o) => (o.extra = 1)],
];

test(`property: every broken MDP file is rejected with a message naming the field (${RUNS} cases)`, () => {
  fc.assert(
    fc.property(mdpArb, fc.integer({ min: 0, max: breakers.length - 1 }), fc.double({ min: -10, max: 10, noNaN: true }), (mdp, which, v) => {
      const o = JSON.parse(JSON.stringify(mdpToJson(mdp)));
      const [field, breakIt] = breakers[which];
      breakIt(o, v);
      try {
        parseMdp(o, "f.json");
      } catch (e) {
        assert.ok(e instanceof MdpFormatError, String(e));
        assert.ok(e.message.startsWith("f.json: "), e.message);
        assert.ok(e.message.includes(field === "unknown field" ? "unknown field" : field), `${field}: ${e.message}`);
        return;
      }
      assert.fail(`accepted a file with a broken ${field}`);
    }),
    { numRuns: RUNS, seed: 2 },
  );
});

test(`property: invalid config values are rejected with the field, the value and the rule (${RUNS} cases)`, () => {
  const good = { mdp: "x.json", widths: [8], iterations: [8], replicas: 1, radius: 1, seed: 0 };
  const goodConv = { mdp: "x.json", horizons: [2], beta: 1, widths: [8], iterations: 8, replicas: 1, variants: ["exact-ppo"], radiusF: 1, radiusQ: 1, seed: 0 };
  const bad = fc.oneof(
    fc.double({ max: 0, noNaN: true }),
    fc.constantFrom(NaN, Infinity, -Infinity, "1", null, true, [], {}),
    fc.double({ min: 0.01, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)),
  );
  fc.assert(
    fc.property(fc.constantFrom("replicas", "seed", "radius", "widths", "iterations"), bad, (field, value) => {
      const c: Record<string, unknown> = { ...good };
      c[field] = field === "widths" || field === "iterations" ? [value] : value;
      if (field === "radius" && typeof value === "number" && value > 0) return; // a positive non-integer radius is valid
      if (field === "seed" && value === 0) return;
      assert.throws(() => validateSolverSweepConfig(c, "evaluation"), (e: unknown) => e instanceof ConfigError && e.message.startsWith(field) && /must/.test(e.message));
    }),
    { numRuns: RUNS, seed: 3 },
  );
  fc.assert(
    fc.property(fc.constantFrom("beta", "radiusF", "radiusQ", "replicas", "iterations"), bad, (field, value) => {
      if (typeof value === "number" && value > 0 && ["beta", "radiusF", "radiusQ"].includes(field)) return;
      assert.throws(() => validateConvergenceConfig({ ...goodConv, [field]: value }), (e: unknown) => e instanceof ConfigError && e.message.startsWith(field));
    }),
    { numRuns: RUNS, seed: 4 },
  );
});

test(`property: energy policies are finite distributions for energies up to ±1e6 (${RUNS} cases)`, () => {
  const mdp: FiniteMdp = { name: "x", gamma: 0.5, states: 2, actions: 4, transitions: new Float64Array(32).fill(0.5), rewards: new Float64Array(8) };
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 8, maxLength: 8 }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (e, tau) => {
      const pi = energyPolicy(mdp, Float64Array.from(e), tau);
      for (let s = 0; s < 2; s++) {
        let sum = 0;
        for (let a = 0; a < 4; a++) {
          assert.ok(Number.isFinite(pi[s * 4 + a]) && pi[s * 4 + a] >= 0);
          sum += pi[s * 4 + a];
        }
        assert.ok(Math.abs(sum - 1) < 1e-12);
      }
    }),
    { numRuns: RUNS, seed: 5 },
  );
});

test("divergence (a non-finite iterate) is reported with the step and the replica by every kernel", () => {
  const init = { replicas: 2, width: 4, dim: 3, alpha0: new Float64Array(24).fill(0.3), b: new Float64Array([1, -1, 1, -1, 1, -1, 1, -1]) };
  const values = new Float64Array([0.1, 0.2, 0.3, Infinity]);
  const p = { init, features: new Float64Array([1, 0, 0, 0, 1, 0]), steps: 10, radius: new Float64Array([1, 1]), pairs: [new Int32Array(10), new Int32Array(10).fill(1).map((v, t) => (t < 3 ? 0 : 1))], target: { kind: "regression" as const, values } };
  const solvers = [solveReference, (q: typeof p) => solveWasm(q), (q: typeof p) => solveNative(q, { threads: 2 })].slice(0, nativeKernel() ? 3 : 2);
  for (const solve of solvers) {
    assert.throws(() => solve(p), (e: unknown) => e instanceof DivergenceError && /non-finite residual at step 3, replica 1/.test((e as Error).message));
  }
});

test("a results folder being computed is locked: a live owner is refused, a dead one's lock is taken over", async () => {
  const dir = join(tmp(), "key");
  writeFileSync(`${dir}.lock`, String(process.ppid)); // a live process that is not us
  assert.throws(() => lockResults(dir), (e: unknown) => e instanceof ResultsLockedError && /being computed by process/.test((e as Error).message));
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
  writeFileSync(`${dir}.lock`, dead);
  const release = lockResults(dir);
  assert.equal(readFileSync(`${dir}.lock`, "utf8"), String(process.pid));
  release();
  assert.ok(!existsSync(`${dir}.lock`));
  // runCached holds the lock only while computing and releases it on failure too.
  const root = tmp();
  const id = { name: "exp", module: join(REPO_ROOT, "lib", "experiments", "network-sweep.ts") };
  const backend = { backend: "cpu" as const, chosenBy: "test", tfjsVersion: "test" };
  await assert.rejects(runCached(id, { a: 1 }, backend, () => { throw new Error("boom"); }, root), /boom/);
  assert.deepEqual(readdirSync(join(root, "exp")), []);
});

const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
const cli = join(REPO_ROOT, "scripts", "experiment.ts");
// About 0.7 s of computation here on the native kernel (2.8 s on the WebAssembly one).
const CONFIG = { mdp: "data/mdp/garnet-s10-a4.json", widths: [1024, 2048], iterations: [16384, 32768], replicas: 4, radius: 5, seed: 9 };

function runCli(resultsRoot: string, out: string): Promise<number | null> {
  const cfg = join(out + "-config.json");
  writeFileSync(cfg, JSON.stringify(CONFIG));
  return new Promise((resolve) => {
    const child = spawn(tsx, [cli, "evaluation", "--config", cfg, "--out", out], { env: { ...process.env, NPPO_RESULTS_DIR: resultsRoot }, stdio: "ignore" });
    child.on("exit", (code) => resolve(code));
  });
}

test("determinism across processes, and a sweep killed with SIGKILL reruns to byte-identical results", async () => {
  const base = tmp();
  assert.equal(await runCli(join(base, "r1"), join(base, "o1")), 0);
  const reference = readFileSync(join(base, "o1", "results.csv"), "utf8");
  // A second store, a run killed mid-sweep: nothing it leaves may pass for a result, and the
  // rerun (another process) completes byte-identical to the first, uninterrupted run.
  const cfg = join(base, "o3-config.json");
  writeFileSync(cfg, JSON.stringify(CONFIG));
  const child = spawn(tsx, [cli, "evaluation", "--config", cfg, "--out", join(base, "o3")], { env: { ...process.env, NPPO_RESULTS_DIR: join(base, "r3") }, detached: true, stdio: "ignore" });
  // The results lock is taken when the computation starts: kill 200 ms into it, whatever the kernel's speed.
  const evalDir = join(base, "r3", "evaluation");
  while (!(existsSync(evalDir) && readdirSync(evalDir).some((e) => e.endsWith(".lock"))) && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(child.exitCode, null, "the sweep finished before it could be killed: make it longer");
  process.kill(-child.pid!, "SIGKILL");
  await new Promise((r) => child.on("exit", r));
  const leftovers = existsSync(evalDir) ? readdirSync(evalDir) : [];
  for (const entry of leftovers) if (!entry.endsWith(".lock")) assert.ok(!existsSync(join(evalDir, entry, "meta.json")), "a killed run left something that looks complete");
  assert.equal(await runCli(join(base, "r3"), join(base, "o3")), 0);
  assert.equal(readFileSync(join(base, "o3", "results.csv"), "utf8"), reference);
});
