import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../lib/random";
import { forward, initNetwork } from "../lib/network";
import { garnet } from "../lib/mdp/generators";
import { energyPolicy, stateActionDistribution, stationaryDistribution } from "../lib/mdp/exact";
import { drawPairs, drawTransitions } from "../lib/solvers/samples";
import { KERNELS, runSolver } from "../lib/solvers/solvers";
import { solveReference } from "../lib/solvers/reference";
import { SolverProblem, solverOutput, stepSizeEta } from "../lib/solvers/problem";
import { runEvaluation, runImprovement, validateSolverSweepConfig } from "../lib/experiments/solver-sweeps";
import { runConvergence, validateConvergenceConfig } from "../lib/experiments/convergence";
import { parseCsv, Row } from "../lib/experiments/results-io";
import { REPO_ROOT } from "../lib/util/paths";
import { initBackend } from "../lib/backend";
import { tempDir } from "./temp";

const tmp = () => tempDir("knobs");

/** The float64 reference to itself; the float32 kernels (native, WebAssembly, TensorFlow.js) to float32 tolerance, as in test/solvers.test.ts. */
const tolerance: Record<string, number> = { reference: 0, fast: 1e-5, wasm: 1e-5, tfjs: 1e-4 };

function problem(kind: "regression" | "td", scheme: "paper" | "antisymmetric", stepSize: { c: number; power: number }, radius: number): SolverProblem {
  const rng = Rng.fromSeed(kind === "td" ? 11 : 12);
  const mdp = garnet(rng.split("mdp"), { name: "g", states: 5, actions: 3, branching: 3, rewardRange: [-1, 1], gamma: 0.8, mixing: 0.1, features: { kind: "random", dim: 5 } });
  const init = initNetwork(rng.split("init"), { replicas: 2, width: 38, dim: 5 }, scheme); // 38: the float32 kernel pads to 40
  const pi = energyPolicy(mdp, new Float64Array(15).map(() => rng.normal()));
  const sigma = stateActionDistribution(mdp, stationaryDistribution(mdp, pi).nu, pi);
  const T = 400;
  const radii = new Float64Array([radius, 2 * radius]);
  if (kind === "regression") {
    return { init, features: mdp.features!, steps: T, radius: radii, stepSize, pairs: [0, 1].map((r) => drawPairs(sigma, T, rng.split(`s${r}`))), target: { kind, values: new Float64Array(30).map(() => rng.normal()) } };
  }
  const s = [0, 1].map((r) => drawTransitions(mdp, sigma, pi, T, rng.split(`s${r}`)));
  return { init, features: mdp.features!, steps: T, radius: radii, stepSize, pairs: s.map((x) => x.pairs), target: { kind, rewards: mdp.rewards, gamma: 0.8, next: s.map((x) => x.next) } };
}

test("stepSize and output give equal results across kernels (every kernel against the reference loop, both initialisations)", async () => {
  await initBackend({ quiet: true });
  for (const kind of ["regression", "td"] as const) {
    for (const stepSize of [{ c: 0.5, power: 0.75 }, { c: 2, power: 0.5 }, { c: 0.05, power: 0 }]) {
      for (const scheme of ["paper", "antisymmetric"] as const) {
        for (const radius of [100, 0.2]) {
          const p = problem(kind, scheme, stepSize, radius);
          const ref = solveReference(p);
          for (const kernel of KERNELS) {
            const res = runSolver(p, kernel);
            for (const output of ["average", "last"] as const) {
              const a = solverOutput(ref, output);
              const b = solverOutput(res, output);
              let maxDiff = 0;
              for (let q = 0; q < a.length; q++) maxDiff = Math.max(maxDiff, Math.abs(a[q] - b[q]));
              assert.ok(maxDiff <= tolerance[kernel], `${kernel}, ${kind}, η = ${stepSize.c}·T^-${stepSize.power}, ${scheme}, R = ${radius}, ${output}: max |Δθ| = ${maxDiff}`);
            }
            assert.deepEqual(Array.from(res.projections), Array.from(ref.projections), `${kernel} projections`);
          }
        }
      }
    }
  }
});

test("the step size changes the run: η = c·T^-power, and the paper's 1/√T is the default bit for bit", () => {
  assert.equal(stepSizeEta({ c: 1, power: 0.5 }, 4096), 1 / 64);
  assert.equal(stepSizeEta({ c: 3, power: 1 }, 100), 0.03);
  const p = problem("regression", "paper", { c: 1, power: 0.5 }, 100);
  const { stepSize: _omit, ...implicit } = p;
  assert.deepEqual(Array.from(solveReference(implicit).thetaBar), Array.from(solveReference(p).thetaBar));
  const other = solveReference({ ...p, stepSize: { c: 0.5, power: 0.5 } });
  assert.notDeepEqual(Array.from(other.thetaBar), Array.from(solveReference(p).thetaBar));
});

test("antisymmetric initialisation: NN(α(0)) ≡ 0 exactly; odd widths are refused", () => {
  for (const [m, d] of [[2, 3], [64, 8], [1000, 12]]) {
    const init = initNetwork(Rng.fromSeed(m), { replicas: 3, width: m, dim: d }, "antisymmetric");
    const X = new Float64Array(20 * d).map((_, i) => Math.sin(i + m));
    assert.ok(forward(init, init.alpha0, X).every((v) => v === 0), `m = ${m}`);
    for (let i = 0; i < m; i += 2) assert.equal(init.b[i + 1], -init.b[i]);
  }
  assert.throws(() => initNetwork(Rng.fromSeed(1), { replicas: 1, width: 7, dim: 3 }, "antisymmetric"), /even width m .* got m = 7/);
  assert.throws(() => validateSolverSweepConfig({ mdp: "x.json", widths: [16, 33], iterations: [64], replicas: 1, radius: 1, seed: 1, init: "antisymmetric" }, "improvement"), /widths\[1\] must be even with init "antisymmetric"/);
  assert.throws(() => validateConvergenceConfig({ mdp: "x.json", horizons: [2], beta: 1, widths: [5], iterations: 64, replicas: 1, variants: ["neural-ppo"], radiusF: 2, radiusQ: 1, seed: 1, init: "antisymmetric" }), /widths\[0\] must be even/);
});

test("antisymmetric initialisation: every unit keeps the paper's marginal law (b fair ±1, α_i(0) ∼ N(0, I/d))", () => {
  // 4000 replicas of a width-4 network, d = 3: for each unit position i, 4000 draws of b_i and 12000 of the
  // entries of √d·α_i(0). Under the paper's law: mean(b) has s.d. 1/√4000 = 0.0158; the entries have mean 0
  // (s.d. 0.0091), variance 1 (s.d. of the sample variance √(2/12000) = 0.0129), and P(z > 1) = 0.1587
  // (s.d. 0.0033). Each check allows 4.5 s.d. (all 16 checks pass together with probability > 0.999).
  const R = 4000, m = 4, d = 3;
  const init = initNetwork(Rng.fromSeed(99), { replicas: R, width: m, dim: d }, "antisymmetric");
  for (let i = 0; i < m; i++) {
    let bSum = 0;
    const z: number[] = [];
    for (let r = 0; r < R; r++) {
      bSum += init.b[r * m + i];
      for (let k = 0; k < d; k++) z.push(Math.sqrt(d) * init.alpha0[(r * m + i) * d + k]);
    }
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / (z.length - 1);
    const tail = z.filter((v) => v > 1).length / z.length;
    assert.ok(Math.abs(bSum / R) < 4.5 * 0.0158, `unit ${i}: mean b = ${bSum / R}`);
    assert.ok(Math.abs(mean) < 4.5 * 0.0091, `unit ${i}: mean = ${mean}`);
    assert.ok(Math.abs(variance - 1) < 4.5 * 0.0129, `unit ${i}: variance = ${variance}`);
    assert.ok(Math.abs(tail - 0.1587) < 4.5 * 0.0033, `unit ${i}: P(z > 1) = ${tail}`);
  }
});

/** The columns shared with the fixture, rows keyed by their identifying columns. */
function assertSameNumbers(fixture: string, rows: Row[], id: string[]): void {
  const old = parseCsv(readFileSync(join(REPO_ROOT, "test", "fixtures", "pre-knobs", fixture), "utf8"));
  assert.equal(rows.length, old.length);
  const key = (r: Row) => id.map((c) => r[c]).join("|");
  const byKey = new Map(rows.map((r) => [key(r), r]));
  const shared = Object.keys(old[0]).filter((c) => c in rows[0] && !["configHash", "T"].includes(c));
  for (const o of old) {
    const n = byKey.get(key(o));
    assert.ok(n, `missing row ${key(o)}`);
    for (const c of shared) assert.equal(n[c], o[c], `${fixture} row ${key(o)}, column ${c}`);
  }
}

test("default knobs reproduce the results of the code before the knobs existed, exactly (same samples, same values)", async () => {
  // Fixtures: data/configs/*.smoke.json run with commit a25c584 (before the knobs), whose default
  // kernel was wasm-simd-f32; the same kernel is asked for here (the native default differs from it
  // by float32 rounding, test/native.test.ts).
  const load = (name: string) => ({ ...JSON.parse(readFileSync(join(REPO_ROOT, "data", "configs", `${name}.smoke.json`), "utf8")), kernel: "wasm" });
  const dir = tmp();
  assertSameNumbers("improvement.smoke.csv", (await runImprovement(load("improvement"), dir)).rows, ["m", "T", "replica"]);
  assertSameNumbers("evaluation.smoke.csv", (await runEvaluation(load("evaluation"), dir)).rows, ["m", "T", "replica"]);
  assertSameNumbers("convergence.smoke.csv", (await runConvergence(load("convergence"), dir)).rows, ["variant", "K", "k", "m", "replica"]);
});

test("knobs are recorded in every row and meta.json, and are part of the result key", async () => {
  const base = { mdp: "data/mdp/garnet-s4-a3.json", widths: [16], iterations: [64], replicas: 2, radius: 3, seed: 3 };
  const dir = tmp();
  const a = await runImprovement(base, dir);
  const b = await runImprovement({ ...base, init: "antisymmetric", stepSize: { c: 0.5, power: 0.5 }, output: "last" }, dir);
  const c = await runImprovement({ ...base, init: "paper", stepSize: { c: 1, power: 0.5 }, output: "average" }, dir);
  assert.notEqual(a.dir, b.dir);
  assert.equal(a.dir, c.dir, "spelling out the defaults must not change the key");
  assert.deepEqual([a.rows[0].init, a.rows[0].stepSizeC, a.rows[0].stepSizePower, a.rows[0].output], ["paper", 1, 0.5, "average"]);
  assert.deepEqual([b.rows[0].init, b.rows[0].stepSizeC, b.rows[0].stepSizePower, b.rows[0].output, b.rows[0].eta], ["antisymmetric", 0.5, 0.5, "last", 0.0625]);
  for (const r of b.rows) assert.equal(r.mse, r.mseLast);
  for (const r of a.rows) assert.equal(r.mse, r.mseAverage);
  const meta = JSON.parse(readFileSync(join(b.dir, "meta.json"), "utf8"));
  assert.deepEqual([meta.config.init, meta.config.stepSize, meta.config.output], ["antisymmetric", { c: 0.5, power: 0.5 }, "last"]);
});
