import { test } from "node:test";
import assert from "node:assert/strict";
import { runConvergence, ConvergenceConfig } from "../lib/experiments/convergence";
import { loadMdpInput } from "../lib/experiments/mdp-input";
import { CHECKS, propagationRows } from "../lib/experiments/propagation";
import { energyPolicy, evaluatePolicy, kl, optimalPolicy, row } from "../lib/mdp/exact";
import type { FiniteMdp } from "../lib/mdp/mdp";
import { betaK } from "../lib/ppo/schedule";
import { exactPpo, exactPpoPropagation } from "../lib/ppo/exact-ppo";
import { lemma47, oneStepDescent } from "../lib/ppo/propagation";
import { Rng } from "../lib/random";
import * as theory from "../lib/theory";
import { randomStep } from "./random-step";
import { tempDir } from "./temp";

const twoByTwo = { states: 2, actions: 2 } as FiniteMdp;

test("Lemma 4.7's left side on a hand-built two-state case: −(ln 2 + 3 ln 3)/8", () => {
  // State 0: π_θk+1 = (1/3, 2/3), π_{k+1} = (1/2, 1/2); state 1: (1/2, 1/2) and (1/4, 3/4).
  // π* = (1, 0), (0, 1); π_θk uniform; ν* = (1/4, 3/4). Inner products: −½ ln 2 and −½ ln 3.
  const next = new Float64Array([0, Math.log(2), 0, 0]);
  const ideal = new Float64Array([0, 0, 0, Math.log(3)]);
  const value = lemma47(twoByTwo, next, ideal, new Float64Array([1, 0, 0, 1]), new Float64Array([0.5, 0.5, 0.5, 0.5]), new Float64Array([0.25, 0.75]));
  assert.ok(Math.abs(value - -(Math.log(2) + 3 * Math.log(3)) / 8) < 1e-15, String(value));
});

test("Lemma 5.2 per state: the left side is the KL difference, and the bound holds on random energies (1000 cases)", () => {
  const rng = Rng.fromSeed(52);
  const S = 3, A = 4;
  const mdp = { states: S, actions: A } as FiniteMdp;
  for (let c = 0; c < 1000; c++) {
    const { energyK, energyNext, q, piStar, lambda } = randomStep(rng, mdp, [0.1, 1, 10][c % 3]);
    const { lhs, rhs } = oneStepDescent(mdp, { energyK, energyNext, q, lambda, piStar });
    const pK = energyPolicy(mdp, energyK);
    const pNext = energyPolicy(mdp, energyNext);
    for (let s = 0; s < S; s++) {
      const byHand = kl(row(piStar, s, A), row(pNext, s, A)) - kl(row(piStar, s, A), row(pK, s, A));
      assert.ok(Math.abs(lhs[s] - byHand) < 1e-10 * (1 + Math.abs(byHand)), `${lhs[s]} vs ${byHand}`);
      assert.ok(lhs[s] <= rhs[s] + 1e-12 * (1 + Math.abs(rhs[s])), `case ${c}, state ${s}: ${lhs[s]} > ${rhs[s]}`);
    }
  }
});

test("exact PPO (zero inner error): Lemma 4.7's left side and the gap to the ideal update are 0; the energy step is E_ν*[‖Q/β_k‖²_∞]", () => {
  const { mdp } = loadMdpInput("data/mdp/garnet-s4-a3.json");
  const opt = optimalPolicy(mdp);
  const beta = 0.1;
  const K = 16;
  const bk = betaK(beta, K);
  const run = exactPpo(mdp, beta, K, opt.nu, 0, opt.policy);
  const { energies } = run;
  const records = exactPpoPropagation(mdp, beta, run, opt);
  assert.equal(records.length, K);
  for (const r of records) {
    assert.ok(r.lemma47Lhs < 1e-12, `k = ${r.k}: ${r.lemma47Lhs}`);
    assert.ok(r.idealEnergyGapInf < 1e-12);
    assert.equal(r.descentViolations, 0);
    const { Q } = evaluatePolicy(mdp, energyPolicy(mdp, energies[r.k]));
    let expected = 0;
    for (let s = 0; s < mdp.states; s++) expected += opt.nu[s] * Math.max(...Array.from(row(Q, s, mdp.actions), (v) => (v / bk) ** 2));
    assert.ok(Math.abs(r.energyStepSq - expected) < 1e-12 * expected, `${r.energyStepSq} vs ${expected}`);
    // Zero solver error makes every error right side 0.
    assert.equal(theory.epsilonK({ tauNext: r.tauNext, betaK: r.lambda, improveRootMse: 0, evalRootMse: 0, phiStar: r.phiStar, psiStar: r.psiStar }), 0);
    assert.equal(theory.epsilonPrimeK({ tauNext: r.tauNext, actions: mdp.actions, improveMse: 0 }), 0);
    assert.equal(theory.epsilonPrimeKRevision({ tauNext: r.tauNext, actions: mdp.actions, improveRootMse: 0, varphiStar: r.varphiStar }), 0);
  }
});

for (const mdpFile of ["data/mdp/garnet-s4-a3.json", "data/mdp/coverage-trap-s8-a3.json"]) {
  test(`smoke runs on ${mdpFile}: every reading that is a theorem holds on every row (a failure is a bug), exact PPO's left sides are 0`, async () => {
    const config: ConvergenceConfig = {
      mdp: mdpFile, horizons: [2, 6], beta: 0.1, widths: [16, 64], iterations: 128, replicas: 2,
      variants: ["exact-ppo", "neural-ppo", "neural-trpo"], radiusF: 3, radiusQ: 2, delta: 0.05, seed: 3,
    };
    const res = await runConvergence(config, tempDir("prop"));
    const rows = propagationRows(res.rows, loadMdpInput(mdpFile).mdp.actions);
    const neural = rows.filter((r) => r.variant !== "exact-ppo");
    // Every check appears for the neural variants; every update row of every run is checked.
    for (const c of CHECKS) assert.ok(neural.some((r) => r.statement === c.statement && r.reading === c.reading), `${c.statement}: ${c.reading}`);
    const updates = res.rows.filter((r) => r.variant !== "exact-ppo" && typeof r.tauNext === "number").length;
    assert.equal(neural.length, updates * CHECKS.length);
    for (const r of rows.filter((x) => x.theorem)) assert.ok(r.holds, `${r.variant} K=${r.K} m=${r.m} k=${r.k}: ${r.statement} (${r.reading}): ${r.lhs} > ${r.rhs}`);
    for (const r of res.rows.filter((x) => typeof x.descentViolations === "number")) assert.equal(r.descentViolations, 0);
    for (const r of rows.filter((x) => x.variant === "exact-ppo" && x.statement === "Lemma 4.7")) {
      assert.ok(r.lhs < 1e-12 && r.rhs === 0 && r.holds);
    }
  });
}

test("the revision's Lemma 4.9: β_k⁻²M by hand, and its row from hand-set columns (holds, and fails when planted)", () => {
  // β = 0.1, K = 16: β_k = 0.4, so β_k⁻² = 6.25; M = 72 (R_f = 6, u_α(0) ≡ 0) gives 450.
  assert.ok(Math.abs(theory.lemma49RevisionBound({ betaK: 0.4, M: 72 }) - 450) < 1e-12);
  const base = { variant: "neural-ppo", K: 16, m: 8, T: 64, replica: 0, M: 2 };
  // The row at k + 1 (only φ*_{k+1} is read from it); without tauNext it is not checked itself.
  const rows = [{ ...base, k: 0, lambda: 0.4, tauNext: 0.4, criticSupSq: 0.5 }, { ...base, k: 1 }];
  const [r] = propagationRows(rows, 3).filter((x) => x.statement === "Lemma 4.9 (revision)");
  // Left: E_ν*[‖Q_ω/β_k‖²∞] = 0.5·6.25 = 3.125; right: 2·6.25 = 12.5.
  assert.ok(Math.abs(r.lhs - 3.125) < 1e-12 && Math.abs(r.rhs - 12.5) < 1e-12 && Math.abs((r.ratio as number) - 0.25) < 1e-12 && r.holds && r.theorem);
  const [planted] = propagationRows([{ ...rows[0], criticSupSq: 2.5 }, rows[1]], 3).filter((x) => x.statement === "Lemma 4.9 (revision)");
  assert.equal(planted.holds, false);
});

test("the revision's Lemma 4.9 on a small run: its left side is the critic's share of the energy step (Minkowski both ways), within the proof's own constant", async () => {
  const config: ConvergenceConfig = {
    mdp: "data/mdp/garnet-s4-a3.json", horizons: [6], beta: 0.1, widths: [16], iterations: 128, replicas: 2,
    variants: ["neural-ppo", "neural-trpo"], radiusF: 3, radiusQ: 2, delta: 0.05, seed: 5,
  };
  const res = await runConvergence(config, tempDir("lemma49"));
  const updates = res.rows.filter((r) => typeof r.tauNext === "number");
  assert.equal(updates.length, 2 * 6 * 2);
  const checks = propagationRows(res.rows, 3).filter((r) => r.statement === "Lemma 4.9 (revision)");
  assert.equal(checks.length, updates.length);
  for (const r of updates) {
    const lambda = r.lambda as number;
    const critic = Math.sqrt(r.criticSupSq as number) / lambda; // (E_ν*‖Q_ωk/λ_k‖²∞)^½
    const step = Math.sqrt(r.energyStepSq as number); // (E_ν*‖E_{k+1} − E_k‖²∞)^½
    const fit = Math.sqrt(r.improveLinfSq as number); // (E_ν*‖g/τ_{k+1}‖²∞)^½
    // E_{k+1} − E_k = g/τ_{k+1} + Q_ωk/λ_k per pair, so the triangle inequality in L²(ν*; l∞) ties the three columns.
    assert.ok(step <= critic + fit + 1e-9 * (1 + step), `k = ${r.k}: ${step} > ${critic} + ${fit}`);
    assert.ok(critic <= step + fit + 1e-9 * (1 + critic), `k = ${r.k}: ${critic} > ${step} + ${fit}`);
    // The proof gives the sharper 2E_ν*[max u_α(0)²] + 2R_Q² (M carries R_f ≥ R_Q instead).
    const sharp = (r.M as number) - 2 * config.radiusF ** 2 + 2 * config.radiusQ ** 2;
    assert.ok((r.criticSupSq as number) <= sharp * (1 + 1e-9), `k = ${r.k}: ${r.criticSupSq} > ${sharp}`);
    const c = checks.find((x) => x.variant === r.variant && x.replica === r.replica && x.k === r.k)!;
    assert.ok(Math.abs(c.lhs - (r.criticSupSq as number) / lambda ** 2) < 1e-12 * c.lhs && Math.abs(c.rhs - (r.M as number) / lambda ** 2) < 1e-12 * c.rhs && c.holds);
  }
});
