import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FiniteMdp } from "../lib/mdp/mdp";
import { energyPolicy, evaluatePolicy, kl, objective, optimalPolicy, row, stationaryDistribution } from "../lib/mdp/exact";
import { garnet } from "../lib/mdp/generators";
import { writeMdp } from "../lib/mdp/format";
import { Rng } from "../lib/random";
import { exactPpo, exactPpoPropagation } from "../lib/ppo/exact-ppo";
import { betaK } from "../lib/ppo/schedule";
import { loadMdpInput } from "../lib/experiments/mdp-input";
import { expectedKl, klMultiplier } from "../lib/ppo/trpo";
import { lemma47 } from "../lib/ppo/propagation";
import { runConvergence, validateConvergenceConfig } from "../lib/experiments/convergence";
import { summariseRuns } from "../lib/report/convergence-figures";
import * as theory from "../lib/theory";
import { tempDir } from "./temp";

const tmp = () => tempDir("ppo");

test("exact PPO on a bandit is exponential weights: π_k ∝ exp(k(1−γ)r/(β√K))", () => {
  const r = [0.3, -0.2, 0.9, 0.1];
  const bandit: FiniteMdp = { name: "bandit", gamma: 0.7, states: 1, actions: 4, transitions: new Float64Array(4).fill(1), rewards: new Float64Array(r) };
  const beta = 0.05, K = 9;
  const opt = optimalPolicy(bandit);
  const { energies } = exactPpo(bandit, beta, K, opt.nu, opt.V[0], opt.policy);
  for (let k = 0; k <= K; k++) {
    // Q(a) = (1−γ)r(a) + γ·V with V = r_π the same for every action, so only (1−γ)r moves π.
    const closed = energyPolicy(bandit, new Float64Array(r.map((x) => (k * (1 - 0.7) * x) / (beta * Math.sqrt(K)))));
    const pi = energyPolicy(bandit, energies[k]);
    pi.forEach((p, a) => assert.ok(Math.abs(p - closed[a]) < 1e-12, `k=${k}, a=${a}: ${p} vs ${closed[a]}`));
  }
});

test("exact PPO improves monotonically (gap non-increasing in k), and its final gap tends to 0 as K grows", () => {
  const mdp = garnet(Rng.fromSeed(12), { name: "g", states: 8, actions: 3, branching: 3, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.05, features: { kind: "none" } });
  const opt = optimalPolicy(mdp);
  const lStar = objective(opt.V, opt.nu);
  let previousFinal = Infinity;
  for (const K of [1, 4, 16, 64, 256, 1024]) {
    const { steps } = exactPpo(mdp, 0.05, K, opt.nu, lStar, opt.policy);
    for (let k = 1; k <= K; k++) assert.ok(steps[k].gap <= steps[k - 1].gap + 1e-12, `K=${K}, k=${k}`);
    const final = steps[K].gap;
    assert.ok(final < previousFinal, `K=${K}: ${final} vs ${previousFinal}`);
    previousFinal = final;
  }
  assert.ok(previousFinal < 1e-3, `final gap at K = 1024: ${previousFinal}`);
});

test("TRPO's multiplier meets the KL budget; matched δ gives back β_k", () => {
  const mdp = garnet(Rng.fromSeed(13), { name: "g", states: 5, actions: 3, branching: 2, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.1, features: { kind: "none" } });
  const energy = new Float64Array(15).map((_, j) => Math.sin(j));
  const pi = energyPolicy(mdp, energy);
  const { Q } = evaluatePolicy(mdp, pi);
  const nu = stationaryDistribution(mdp, pi).nu;
  for (const delta of [1e-4, 1e-2, 0.1]) {
    const lambda = klMultiplier(mdp, energy, Q, nu, delta);
    assert.ok(Math.abs(expectedKl(mdp, energy, Q, nu, lambda) - delta) < 1e-8 * Math.max(1, delta) + 1e-12);
  }
  const beta = 0.37;
  const matched = expectedKl(mdp, energy, Q, nu, beta);
  assert.ok(Math.abs(klMultiplier(mdp, energy, Q, nu, matched) / beta - 1) < 1e-8);
});

test("Lemma 4.7's left side is 0 when the fitted energy equals the ideal one, and log-ratios survive energies of 1e6", () => {
  const mdp = garnet(Rng.fromSeed(14), { name: "g", states: 4, actions: 3, branching: 2, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.1, features: { kind: "none" } });
  const opt = optimalPolicy(mdp);
  const e = new Float64Array(12).map((_, j) => 1e6 * Math.cos(j));
  const piK = energyPolicy(mdp, e.map((x) => x / 1e6));
  assert.equal(lemma47(mdp, e, e, opt.policy, piK, opt.nu), 0);
  // A per-state constant shift changes no policy: still 0.
  const shifted = e.map((x, j) => x + 7 * Math.floor(j / 3));
  assert.ok(Math.abs(lemma47(mdp, shifted, e, opt.policy, piK, opt.nu)) < 1e-6);
  assert.ok(Number.isFinite(lemma47(mdp, e.map((x) => -x), e, opt.policy, piK, opt.nu)));
});

/** A small, well-conditioned testbed: 2 states × 3 actions, one-hot features, γ = 0.5. */
function oneHotMdp(): string {
  const dir = tmp();
  writeMdp(join(dir, "oh.json"), garnet(Rng.fromSeed(3), { name: "oh", states: 2, actions: 3, branching: 2, rewardRange: [0, 1], gamma: 0.5, mixing: 0.2, features: { kind: "one-hot" } }));
  return join(dir, "oh.json");
}

test("neural PPO with m = 256, T = 16384 tracks exact PPO within 0.06 in L at every k (2×3 one-hot MDP, K = 4)", async () => {
  const res = await runConvergence({ mdp: oneHotMdp(), horizons: [4], beta: 0.2, widths: [256], iterations: 16384, replicas: 2, variants: ["exact-ppo", "neural-ppo"], radiusF: 30, radiusQ: 20, seed: 1 }, tmp());
  const exact = res.rows.filter((r) => r.variant === "exact-ppo");
  for (const r of res.rows.filter((x) => x.variant === "neural-ppo")) {
    const e = exact.find((x) => x.k === r.k)!;
    assert.ok(Math.abs((r.L as number) - (e.L as number)) < 0.06, `replica ${r.replica}, k ${r.k}: ${r.L} vs ${e.L}`);
  }
});

test("convergence (smoke): TRPO with matched δ reproduces PPO; Thm 4.9's bound with measured errors holds; same seed ⇒ identical CSV", async () => {
  const config = { mdp: "data/mdp/garnet-s4-a3.json", horizons: [2, 8], beta: 0.1, widths: [32], iterations: 256, replicas: 3, variants: ["exact-ppo", "neural-ppo", "neural-trpo"] as ("exact-ppo" | "neural-ppo" | "neural-trpo")[], radiusF: 3, radiusQ: 2, seed: 5 };
  const a = await runConvergence(config, tmp());
  const b = await runConvergence(config, tmp());
  assert.equal(readFileSync(join(a.dir, "results.csv"), "utf8"), readFileSync(join(b.dir, "results.csv"), "utf8"));
  const ppo = a.rows.filter((r) => r.variant === "neural-ppo");
  const trpo = a.rows.filter((r) => r.variant === "neural-trpo");
  assert.equal(ppo.length, trpo.length);
  ppo.forEach((r, i) => {
    assert.ok(Math.abs((r.gap as number) - (trpo[i].gap as number)) < 1e-6, `k=${r.k}: ${r.gap} vs ${trpo[i].gap}`);
    if (typeof r.lambda === "number") assert.ok(Math.abs((trpo[i].lambda as number) / r.lambda - 1) < 1e-8);
  });
  for (const run of summariseRuns(a.rows, 3)) {
    if (run.variant === "exact-ppo") continue;
    assert.ok(run.minGap <= run.bound, `${run.variant} K=${run.K} replica ${run.replica}: min gap ${run.minGap} > bound ${run.bound}`);
  }
  for (const col of ["variant", "K", "k", "m", "replica", "L", "gap"]) assert.ok(col in a.rows[0], col);
});

test("convergence configs are validated", () => {
  const ok = { mdp: "x.json", horizons: [2], beta: 1, widths: [8], iterations: 8, replicas: 1, variants: ["exact-ppo"], radiusF: 1, radiusQ: 1, seed: 0 };
  assert.doesNotThrow(() => validateConvergenceConfig(ok));
  assert.throws(() => validateConvergenceConfig({ ...ok, variants: ["ppo"] }), /variants\[0\] must be one of neural-ppo, exact-ppo, neural-trpo, got "ppo"/);
  assert.throws(() => validateConvergenceConfig({ ...ok, beta: 0 }), /beta must be > 0, got 0/);
  assert.throws(() => validateConvergenceConfig({ ...ok, horizons: [0] }), /horizons\[0\] must be >= 1, got 0/);
  assert.throws(() => validateConvergenceConfig({ ...ok, delta: -1 }), /delta must be > 0, got -1/);
});

test("exact PPO: the telescoped KL identity behind the Hoeffding bound holds to 1e-10, and the bound holds on every exact run", () => {
  // Per state, KL(π*‖π_{k+1}) − KL(π*‖π_k) = −⟨Q_k, π*⟩/β_k + log E_{π_k}[e^{Q_k/β_k}] (exact), so with the
  // performance difference L* − L(π_k) = (1−γ)^{-1}E_ν*⟨Q_k, π* − π_k⟩:
  //   (1−γ)/β_k · Σ_k gap_k = E_ν*[KL(π*‖π_0)] − E_ν*[KL(π*‖π_K)] + Σ_k E_ν*[log E_{π_k} e^{Q_k/β_k} − ⟨π_k, Q_k⟩/β_k].
  // Hoeffding bounds each bracket by E_ν*[span Q_k²]/(8β_k²): notebook 04's bound.
  const mdps = ["data/mdp/garnet-s6-a2-onehot.json", "data/mdp/garnet-s4-a3.json", "data/mdp/garnet-s10-a4.json", "data/mdp/coverage-trap-s8-a3.json"].map((p) => loadMdpInput(p).mdp);
  let checked = 0;
  for (const mdp of mdps) {
    const { states: S, actions: A } = mdp;
    const opt = optimalPolicy(mdp);
    const lStar = objective(opt.V, opt.nu);
    for (const beta of [0.03, 0.1, 0.3, 1, 3]) {
      for (const K of [1, 2, 4, 16, 64, 256]) {
        const run = exactPpo(mdp, beta, K, opt.nu, lStar, opt.policy);
        const bk = betaK(beta, K);
        const ev = (pi: Float64Array) => { let t = 0; for (let s = 0; s < S; s++) t += opt.nu[s] * kl(row(opt.policy, s, A), row(pi, s, A)); return t; };
        let lhs = 0;
        let partition = 0;
        for (let k = 0; k < K; k++) {
          lhs += ((1 - mdp.gamma) / bk) * run.steps[k].gap;
          const pi = energyPolicy(mdp, run.energies[k]);
          for (let s = 0; s < S; s++) {
            let z = 0;
            let mean = 0;
            const qmax = Math.max(...Array.from({ length: A }, (_, a) => run.qs[k][s * A + a]));
            for (let a = 0; a < A; a++) {
              z += pi[s * A + a] * Math.exp((run.qs[k][s * A + a] - qmax) / bk);
              mean += (pi[s * A + a] * run.qs[k][s * A + a]) / bk;
            }
            partition += opt.nu[s] * (Math.log(z) + qmax / bk - mean);
          }
        }
        const rhs = ev(energyPolicy(mdp, run.energies[0])) - ev(energyPolicy(mdp, run.energies[K])) + partition;
        assert.ok(Math.abs(lhs - rhs) < 1e-10 * Math.max(1, Math.abs(lhs)), `${mdp.name}, β = ${beta}, K = ${K}: ${lhs} vs ${rhs}`);
        const spans = exactPpoPropagation(mdp, beta, run, opt).map((p) => p.spanSq);
        const bound = theory.exactPpoHoeffdingBound(K, beta, mdp.gamma, A, spans.reduce((s, v) => s + v, 0) / K);
        const averageGap = run.steps.slice(0, K).reduce((s, x) => s + x.gap, 0) / K;
        assert.ok(averageGap <= bound, `${mdp.name}, β = ${beta}, K = ${K}: average gap ${averageGap} > Hoeffding bound ${bound}`);
        checked++;
      }
    }
  }
  assert.equal(checked, 4 * 5 * 6);
});

test("well-conditioned smoke testbed: neural PPO's final gap at the larger T is below the smaller T's (tolerance from the replicas' spread)", async () => {
  // garnet-s6-a2-onehot, antisymmetric init, K = 4: the same α(0) and sample-stream prefix at both T
  // (common random numbers), so the per-replica difference is what is tested: its mean must exceed
  // 3 standard errors of the paired differences.
  const dir = tmp();
  const res = await runConvergence({ mdp: "data/mdp/garnet-s6-a2-onehot.json", horizons: [4], beta: 0.3, widths: [16], iterations: [1024, 16384], replicas: 6, variants: ["neural-ppo"], radiusF: 6, radiusQ: 5, seed: 3, init: "antisymmetric" }, dir);
  const final = (T: number) => res.rows.filter((r) => r.T === T && r.k === 4).sort((a, b) => (a.replica as number) - (b.replica as number)).map((r) => r.gap as number);
  const diffs = final(1024).map((g, i) => g - final(16384)[i]);
  const m = diffs.reduce((s, v) => s + v, 0) / diffs.length;
  const se = Math.sqrt(diffs.reduce((s, v) => s + (v - m) ** 2, 0) / (diffs.length - 1) / diffs.length);
  assert.ok(m > 3 * se, `final gap ${final(1024)} at T = 1024 vs ${final(16384)} at T = 16384: mean difference ${m}, s.e. ${se}`);
});
