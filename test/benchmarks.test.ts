import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { benchmarkByName, BENCHMARKS, buildBenchmark } from "../lib/mdp/benchmarks/catalog";
import { cliffWalkingTable, CLIFF_GOAL, CLIFF_START } from "../lib/mdp/benchmarks/cliffwalking";
import { FROZENLAKE_MAPS, frozenLakeTable } from "../lib/mdp/benchmarks/frozenlake";
import { riverSwim } from "../lib/mdp/benchmarks/riverswim";
import { RESTART_GRID, restartStudy } from "../lib/mdp/benchmarks/restart-study";
import { taxiEncode, taxiTable } from "../lib/mdp/benchmarks/taxi";
import { everyPolicyErgodicity, policyErgodicity } from "../lib/mdp/ergodicity";
import { optimalPolicy, stationaryDistribution, uniformPolicy, valueIteration } from "../lib/mdp/exact";
import { neuralVsExactFigure, regimeCostFigure } from "../lib/report/benchmark-figures";
import * as theory from "../lib/theory";
import { loadMdp, writeMdp } from "../lib/mdp/format";
import { oneHotFeatures } from "../lib/mdp/generators";
import type { FiniteMdp } from "../lib/mdp/mdp";
import { continuingTable, EpisodicTable, withRestart } from "../lib/mdp/restart";
import { MDP_DIR } from "../lib/mdp/testbeds";
import { REPO_ROOT } from "../lib/util/paths";
import { tempDir } from "./temp";

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol;

test("FrozenLake 4×4, slippery: LEFT from the corner stays with 2/3 and slides down with 1/3; RIGHT next to G pays 1/3", () => {
  const t = frozenLakeTable(FROZENLAKE_MAPS["4x4"]);
  const { transitions: P, rewards: r } = continuingTable(t);
  const row = (s: number, a: number) => P.subarray((s * 4 + a) * 16, (s * 4 + a + 1) * 16);
  assert.ok(close(row(0, 0)[0], 2 / 3) && close(row(0, 0)[4], 1 / 3));
  assert.equal(r[0 * 4 + 0], 0);
  // From 14, RIGHT: RIGHT enters G (reward 1, episode ends → ρ0 = state 0), DOWN stays, UP to 10.
  assert.ok(close(r[14 * 4 + 2], 1 / 3));
  assert.ok(close(row(14, 2)[0], 1 / 3) && close(row(14, 2)[14], 1 / 3) && close(row(14, 2)[10], 1 / 3) && row(14, 2)[15] === 0);
  // A move into a hole ends the episode: from 1 DOWN slides into 5 (H) with 1/3, which restarts at 0.
  assert.ok(close(row(1, 1)[5], 0) && close(row(1, 1)[0], 2 / 3) && close(row(1, 1)[2], 1 / 3));
  const mdp = buildBenchmark(benchmarkByName("frozenlake-4x4"));
  assert.ok(close(mdp.transitions[(0 * 4 + 0) * 16 + 0], 0.99 * (2 / 3) + 0.01 / 16));
});

test("CliffWalking: stepping into the cliff costs −100 and returns to the start; the goal ends the episode", () => {
  const { transitions: P, rewards: r } = continuingTable(cliffWalkingTable());
  const S = 48;
  const at = (s: number, a: number, t: number) => P[(s * 4 + a) * S + t];
  assert.equal(r[CLIFF_START * 4 + 1], -100);
  assert.equal(at(CLIFF_START, 1, CLIFF_START), 1);
  assert.equal(r[25 * 4 + 2], -100); // (2,1) DOWN into the cliff
  assert.equal(at(25, 2, CLIFF_START), 1);
  assert.equal(r[35 * 4 + 2], -1); // (2,11) DOWN enters the goal: −1, then ρ0 = start
  assert.equal(at(35, 2, CLIFF_START), 1);
  assert.equal(at(35, 2, CLIFF_GOAL), 0);
  assert.equal(r[CLIFF_START * 4 + 0], -1);
  assert.equal(at(CLIFF_START, 0, 24), 1);
});

test("Taxi: pick-up, drop-off at the destination (+20, restart from ρ0), drop-off elsewhere, illegal actions (−10)", () => {
  const t = taxiTable();
  const { transitions: P, rewards: r } = continuingTable(t);
  const S = 500;
  const pair = (s: number, a: number) => s * 6 + a;
  // Passenger at R (0), destination G (1); taxi at R picks up.
  const s0 = taxiEncode(0, 0, 0, 1);
  assert.equal(r[pair(s0, 4)], -1);
  assert.equal(P[pair(s0, 4) * S + taxiEncode(0, 0, 4, 1)], 1);
  assert.equal(r[pair(taxiEncode(0, 1, 0, 1), 4)], -10); // not at the passenger
  assert.equal(r[pair(s0, 5)], -10); // drop-off without the passenger
  // Passenger aboard at G = destination: +20, and the next state is drawn from ρ0.
  const s1 = taxiEncode(0, 4, 4, 1);
  assert.equal(r[pair(s1, 5)], 20);
  for (let s = 0; s < S; s++) assert.ok(close(P[pair(s1, 5) * S + s], t.initial[s]));
  assert.equal(t.initial.filter((x) => x > 0).length, 300);
  // Aboard, dropped at R (not the destination): left there, −1.
  assert.equal(r[pair(taxiEncode(0, 0, 4, 1), 5)], -1);
  assert.equal(P[pair(taxiEncode(0, 0, 4, 1), 5) * S + taxiEncode(0, 0, 0, 1)], 1);
  // The wall right of (0,1): east stays.
  assert.equal(P[pair(taxiEncode(0, 1, 2, 3), 2) * S + taxiEncode(0, 1, 2, 3)], 1);
});

test("RiverSwim: the variant's probabilities and rewards", () => {
  const { transitions: P, rewards: r } = riverSwim();
  const at = (s: number, a: number, t: number) => P[(s * 2 + a) * 6 + t];
  assert.deepEqual([at(0, 0, 0), at(3, 0, 2), at(0, 1, 0), at(0, 1, 1), at(2, 1, 1), at(2, 1, 2), at(2, 1, 3), at(5, 1, 4), at(5, 1, 5)], [1, 1, 0.4, 0.6, 0.05, 0.6, 0.35, 0.4, 0.6]);
  assert.deepEqual(Array.from(r), [0.005, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
});

test("FrozenLake, CliffWalking and Taxi equal Gymnasium's P tables (fixture dumped from gymnasium)", () => {
  const fixture = JSON.parse(readFileSync(join(REPO_ROOT, "test", "fixtures", "gymnasium", "tables.json"), "utf8"));
  const ours: Record<string, EpisodicTable> = {
    "frozenlake-4x4": frozenLakeTable(FROZENLAKE_MAPS["4x4"]),
    "frozenlake-8x8": frozenLakeTable(FROZENLAKE_MAPS["8x8"]),
    cliffwalking: cliffWalkingTable(),
    taxi: taxiTable(),
  };
  for (const [name, table] of Object.entries(ours)) {
    const ref = fixture.tables[name];
    assert.ok(ref, `${name} in the fixture`);
    // Outcomes aggregated by (s, a, s', r, done), so duplicate entries compare by their total probability.
    const key = (s: number, a: number, next: number, reward: number, done: boolean) => `${s}|${a}|${next}|${reward}|${done}`;
    const theirs = new Map<string, number>();
    for (const [s, a, p, next, reward, done] of ref.outcomes) theirs.set(key(s, a, next, reward, done), (theirs.get(key(s, a, next, reward, done)) ?? 0) + p);
    const mine = new Map<string, number>();
    table.outcomes.forEach((row, s) => row.forEach((os, a) => os.forEach((o) => mine.set(key(s, a, o.next, o.reward, o.done), (mine.get(key(s, a, o.next, o.reward, o.done)) ?? 0) + o.p))));
    assert.deepEqual([...mine.keys()].sort(), [...theirs.keys()].sort(), name);
    for (const [k, p] of mine) assert.ok(close(p, theirs.get(k)!, 1e-15), `${name} ${k}: ${p} vs ${theirs.get(k)}`);
    assert.equal(ref.initial.length, table.states);
    ref.initial.forEach((p: number, s: number) => assert.ok(close(p, table.initial[s], 1e-15), `${name} ρ0(${s})`));
  }
});

test("each benchmark file carries source, γ and features (natural encoding unit-norm, d ≥ 3; one-hot from the generator)", () => {
  for (const b of BENCHMARKS) {
    const text = JSON.parse(readFileSync(join(MDP_DIR, `${b.name}.json`), "utf8"));
    assert.deepEqual(text.source, { benchmark: b.source, restart: b.restart });
    assert.equal(text.gamma, b.gamma);
    const mdp = loadMdp(join(MDP_DIR, `${b.name}.json`));
    assert.ok(mdp.dim! >= 3);
    const onehot = JSON.parse(readFileSync(join(MDP_DIR, `${b.name}-onehot.json`), "utf8"));
    assert.deepEqual(onehot.features, { generator: "one-hot" });
    const loaded = loadMdp(join(MDP_DIR, `${b.name}-onehot.json`));
    assert.equal(loaded.dim, loaded.states * loaded.actions);
    assert.deepEqual(loaded.transitions, mdp.transitions);
    // The file stores P before the mixing; the loaded MDP is P_ε.
    const t = b.table();
    for (const j of [0, 7, t.transitions.length - 1]) assert.equal(mdp.transitions[j], (1 - b.restart) * t.transitions[j] + b.restart / t.states);
  }
});

test("the restart transform keeps every row stochastic and makes every stationary distribution positive", () => {
  const episodic = fc.integer({ min: 2, max: 6 }).chain((S) =>
    fc.record({
      S: fc.constant(S),
      A: fc.integer({ min: 1, max: 3 }),
      outcomes: fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: S - 1 }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.boolean(), fc.integer({ min: -5, max: 5 })), { minLength: 1, maxLength: 3 }), { minLength: S * 3, maxLength: S * 3 }),
      rho: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: S, maxLength: S }),
      eps: fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
      energy: fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: S * 3, maxLength: S * 3 }),
    }),
  );
  fc.assert(
    fc.property(episodic, ({ S, A, outcomes, rho, eps, energy }) => {
      const total = rho.reduce((x, y) => x + y, 0) || 1;
      const initial = Float64Array.from(rho, (x) => (rho.every((y) => y === 0) ? 1 / S : x / total));
      const table: EpisodicTable = {
        states: S,
        actions: A,
        initial,
        outcomes: Array.from({ length: S }, (_, s) =>
          Array.from({ length: A }, (_, a) => {
            const os = outcomes[s * A + a];
            const z = os.reduce((x, o) => x + o[1], 0);
            return os.map(([next, p, done, reward]) => ({ next, p: p / z, done, reward }));
          }),
        ),
      };
      const c = continuingTable(table);
      const mdp: FiniteMdp = { name: "t", gamma: 0.9, states: S, actions: A, ...c };
      const restarted = withRestart(mdp, eps);
      for (const P of [c.transitions, restarted.transitions]) {
        for (let j = 0; j < S * A; j++) {
          let sum = 0;
          for (let t = 0; t < S; t++) sum += P[j * S + t];
          if (!close(sum, 1, 1e-12)) return false;
        }
      }
      if (!everyPolicyErgodicity(restarted).ergodic) return false;
      // A softmax policy and a deterministic one: unique, positive ν.
      const soft = Float64Array.from({ length: S * A }, (_, j) => Math.exp(energy[j] - Math.max(...energy.slice(Math.floor(j / A) * A, Math.floor(j / A) * A + A))));
      for (let s = 0; s < S; s++) {
        const z = soft.slice(s * A, s * A + A).reduce((x, y) => x + y, 0);
        for (let a = 0; a < A; a++) soft[s * A + a] /= z;
      }
      const det = Float64Array.from({ length: S * A }, (_, j) => (j % A === (Math.floor(j / A) * 7) % A ? 1 : 0));
      return [soft, det].every((pi) => {
        const { nu, kind } = stationaryDistribution(restarted, pi);
        return kind === "unique-stationary" && nu.every((x) => x > 0);
      });
    }),
    { numRuns: 300 },
  );
});

test("the every-policy check agrees with enumerating every deterministic policy", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 5 }).chain((S) => fc.record({ S: fc.constant(S), A: fc.integer({ min: 1, max: 3 }), next: fc.array(fc.array(fc.integer({ min: 0, max: S - 1 }), { minLength: 1, maxLength: 2 }), { minLength: S * 3, maxLength: S * 3 }) })),
      ({ S, A, next }) => {
        const P = new Float64Array(S * A * S);
        for (let j = 0; j < S * A; j++) for (const t of next[j]) P[j * S + t] = 1 / new Set(next[j]).size;
        const mdp: FiniteMdp = { name: "t", gamma: 0.9, states: S, actions: A, transitions: P, rewards: new Float64Array(S * A) };
        let all = true;
        for (let code = 0; code < A ** S; code++) {
          const pi = new Float64Array(S * A);
          for (let s = 0, c = code; s < S; s++, c = Math.floor(c / A)) pi[s * A + (c % A)] = 1;
          if (!policyErgodicity(mdp, pi).ergodic) all = false;
        }
        return everyPolicyErgodicity(mdp).ergodic === all;
      },
    ),
    { numRuns: 500 },
  );
});

test("each benchmark's restart ε is where π* no longer changes as ε → 0", () => {
  for (const b of BENCHMARKS) {
    // Taxi's policy iteration costs seconds per ε: its chosen ε, a tenth of it, and 0.
    const grid = b.name === "taxi" ? [b.restart, b.restart / 10, 0] : RESTART_GRID.filter((e) => e <= b.restart);
    for (const row of restartStudy(b, grid)) assert.equal(row.policyChanges, 0, `${b.name} at ε = ${row.epsilon}`);
  }
});

const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");

/** FrozenLake 4×4 as Gymnasium writes it, holes and goal absorbing (done ignored), with one-hot features. */
function absorbingFrozenLake(dir: string): string {
  const t = frozenLakeTable(FROZENLAKE_MAPS["4x4"]);
  const P = new Float64Array(16 * 4 * 16);
  const r = new Float64Array(64);
  t.outcomes.forEach((row, s) => row.forEach((os, a) => os.forEach((o) => ((P[(s * 4 + a) * 16 + o.next] += o.p), (r[s * 4 + a] += o.p * o.reward)))));
  const path = join(dir, "frozenlake-absorbing.json");
  writeMdp(path, { name: "frozenlake-absorbing", gamma: 0.9, states: 16, actions: 4, transitions: P, rewards: r, features: oneHotFeatures(16, 4), dim: 64 });
  return path;
}

test("the absorbing FrozenLake is refused with exit 2 before any computation, the states and the fix named", () => {
  const dir = tempDir("ergodicity");
  const mdp = absorbingFrozenLake(dir);
  const store = join(dir, "results");
  const solver = { mdp, widths: [64], iterations: [256], replicas: 2, radius: 1, seed: 1 };
  const cases: [string, object, RegExp][] = [
    ["improvement", solver, /not ergodic under π_0 \(the uniform policy\): it has 5 closed classes .*states with zero mass: 0, 1, 2, 3, 4, 6, 8, 9, 10, 13, 14\./],
    ["evaluation", solver, /not ergodic under π_0/],
    ["convergence", { mdp, horizons: [2], beta: 1, widths: [16], iterations: [64], replicas: 1, variants: ["neural-ppo", "exact-ppo"], radiusF: 1, radiusQ: 1, seed: 1 }, /not ergodic under every policy .*states with zero mass under some policy: 0, 1, 2/],
  ];
  for (const [name, config, message] of cases) {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(config));
    const run = spawnSync(tsx, [join(REPO_ROOT, "scripts", "experiment.ts"), name, "--config", file, "--out", join(dir, "out")], { env: { ...process.env, NPPO_RESULTS_DIR: store }, encoding: "utf8" });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.match(run.stderr, /restart transform .*npm run --silent restart -- .*withRestart\(mdp, ε\)/);
    assert.doesNotMatch(run.stderr, /warning|sweep/); // refused before the precondition checks and any sweep
    assert.ok(!existsSync(join(dir, "out")) && (!existsSync(store) || readdirSync(store).length === 0), "nothing written");
  }
  // `npm run restart` is the fix: the restarted file runs.
  const fixed = join(dir, "fixed.json");
  const restart = spawnSync(tsx, [join(REPO_ROOT, "scripts", "restart.ts"), mdp, "0.01", fixed], { encoding: "utf8" });
  assert.equal(restart.status, 0, restart.stderr);
  assert.deepEqual(loadMdp(fixed).source, { benchmark: "frozenlake-absorbing", restart: 0.01 });
  assert.ok(everyPolicyErgodicity(loadMdp(fixed)).ergodic);
  // `exact` still reports it, with a warning that L is degenerate and the values' scaling stated.
  const exact = spawnSync(tsx, [join(REPO_ROOT, "scripts", "exact.ts"), mdp], { encoding: "utf8" });
  assert.equal(exact.status, 0);
  assert.match(exact.stderr, /warning: .*not ergodic under π_0 .*L\(π\) = E_ν\*\[V\^π\] is degenerate/);
  const out = JSON.parse(exact.stdout);
  assert.equal(out.uniform.nuKind, "cesaro-limit-from-uniform");
  assert.ok(close(out.scaling.unscaledFactor, 1 / (1 - 0.9)) && /\(1−γ\)-scaled/.test(out.scaling.convention));
});

test("π_0 on every benchmark is ergodic, and the unmixed tables are not (why the restart is needed)", () => {
  for (const b of BENCHMARKS) {
    const mdp = buildBenchmark(b);
    assert.ok(policyErgodicity(mdp, uniformPolicy(mdp)).ergodic && everyPolicyErgodicity(mdp).ergodic, b.name);
    assert.ok(!everyPolicyErgodicity(buildBenchmark(b, "coordinates", 0)).ergodic, `${b.name} at ε = 0`);
  }
});

test("on every benchmark policy iteration's V* equals value iteration's, and π* is greedy in it", () => {
  for (const b of BENCHMARKS) {
    const mdp = buildBenchmark(b, "coordinates");
    const opt = optimalPolicy(mdp);
    const vi = valueIteration(mdp, 1e-13);
    for (let s = 0; s < mdp.states; s++) assert.ok(Math.abs(opt.V[s] - vi[s]) <= 1e-10, `${b.name} V*(${s}): ${opt.V[s]} vs ${vi[s]}`);
  }
});

test("exact's unscaledFactor turns the (1−γ)-scaled values into unscaled returns (one state, reward 1: V = 1/(1−γ))", () => {
  const dir = tempDir("unscaled");
  const path = join(dir, "one.json");
  writeFileSync(path, JSON.stringify({ name: "one", gamma: 0.8, transitions: [[[1], [1], [1]]], rewards: [[1, 1, 1]], features: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]]] }));
  const out = JSON.parse(spawnSync(join(REPO_ROOT, "node_modules", ".bin", "tsx"), [join(REPO_ROOT, "scripts", "exact.ts"), path], { encoding: "utf8" }).stdout);
  assert.ok(close(out.optimal.V[0], 1));
  assert.ok(close(out.optimal.V[0] * out.scaling.unscaledFactor, 1 / (1 - 0.8)));
});

test("the regime figure leaves out T₁ = ∞ rows and says how many; the neural figure has one panel per run", () => {
  const row = (testbed: string, algorithm: string, k: number, lambdaMin: number) => ({ testbed, pairs: testbed === "riverswim" ? 12 : 50, algorithm, k, lambdaMin, tForX1: lambdaMin > 0 ? 1 / lambdaMin ** 2 : Infinity });
  const rows = [row("garnet-a", "alg2", 0, 0.01), row("garnet-a", "alg3", 0, 0.001), row("garnet-a", "alg2", 4, 0.01), row("garnet-a", "alg3", 4, 0), row("riverswim", "alg2", 0, 0.002), row("riverswim", "alg3", 0, 0.001), row("riverswim", "alg2", 4, 0.002), row("riverswim", "alg3", 4, 1e-6)];
  const fig = regimeCostFigure(rows, { curves: theory, budgetT: 2 ** 20, subtitle: "s" });
  const ys = fig.data.flatMap((t) => (t.y as number[]) ?? []);
  assert.ok(ys.every((y) => Number.isFinite(y)));
  assert.match(String((fig.layout.title as { subtitle?: { text: string } }).subtitle?.text ?? JSON.stringify(fig.layout)), /1 rows with λ at rounding level/);
  const conv = (variant: string, T: number, replica: number, gaps: number[]) => gaps.map((gap, k) => ({ variant, T, replica, k, gap }));
  const runs = [{ title: "a", rows: [...conv("exact-ppo", 0, 0, [0.3, 0.2]), ...conv("neural-ppo", 64, 0, [0.3, 0.25]), ...conv("neural-ppo", 64, 1, [0.3, 0.27])], tForX1: { alg2: 100, alg3: 400 } }];
  const nf = neuralVsExactFigure([...runs, { ...runs[0], title: "b" }], "s");
  assert.equal(nf.data.filter((t) => t.name === "exact PPO").length, 2);
  const mean = nf.data.find((t) => String(t.name).startsWith("neural PPO, T = 2<sup>6</sup>") && !String(t.name).includes("replica"))!;
  assert.ok(close((mean.y as number[])[1], 0.26));
  assert.match(String(mean.name), /x<sub>min<\/sub> = 0.80 Alg. 2, 0.40 TD/);
});
