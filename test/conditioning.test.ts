import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { loadMdpInput } from "../lib/experiments/mdp-input";
import { auxiliaryDistribution, evaluatePolicy, stateActionDistribution, stationaryDistribution, uniformPolicy } from "../lib/mdp/exact";
import { ntkConditioning, ntkDirections, pairTransitions, tdConditioning, tdLambdaMinRe, weightedNtkGram } from "../lib/mdp/conditioning";
import { arcCosineGram, forward, initNetwork, ntkGram } from "../lib/network";
import { Rng } from "../lib/random";
import { runSolver } from "../lib/solvers/solvers";
import { runEvaluation, runImprovement } from "../lib/experiments/solver-sweeps";
import { pathAverageResidualFraction, residualFractionLimit } from "../lib/theory";
import { tempDir } from "./temp";


function sigmaTilde(path: string) {
  const { mdp } = loadMdpInput(path);
  const pi = uniformPolicy(mdp);
  const nu = stationaryDistribution(mdp, pi).nu;
  return { mdp, pi, nu, sigmaTilde: auxiliaryDistribution(mdp, nu), sigma: stateActionDistribution(mdp, nu, pi) };
}

test("one-hot features give the NTK Gram K = I/2 exactly", () => {
  const { mdp } = loadMdpInput("data/mdp/garnet-s6-a2-onehot.json");
  const N = mdp.states * mdp.actions;
  const K = arcCosineGram(mdp.features!, mdp.dim!);
  for (let p = 0; p < N; p++) for (let q = 0; q < N; q++) assert.equal(K[p * N + q], p === q ? 0.5 : 0);
  // Then D^{1/2}KD^{1/2} = D/2: its eigenvalues are σ(s, a)/2.
  const { sigmaTilde: st } = sigmaTilde("data/mdp/garnet-s6-a2-onehot.json");
  const c = ntkConditioning(mdp.features!, mdp.dim!, st);
  assert.deepEqual(Array.from(c.eigenvalues), Array.from(st).map((w) => w / 2).sort((a, b) => a - b));
});

test("ntkLambdaMin/Max match an independent eigen-decomposition (ml-matrix), and the eigenvectors are orthonormal", () => {
  for (const path of ["data/mdp/garnet-s10-a4.json", "data/mdp/garnet-s10-a4-d64.json", "data/mdp/garnet-s4-a3.json"]) {
    const { mdp, sigmaTilde: st } = sigmaTilde(path);
    const N = mdp.states * mdp.actions;
    const ours = ntkConditioning(mdp.features!, mdp.dim!, st);
    const H = weightedNtkGram(mdp.features!, mdp.dim!, st);
    const theirs = new EigenvalueDecomposition(new Matrix(Array.from({ length: N }, (_, p) => Array.from(H.subarray(p * N, (p + 1) * N)))), { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b);
    theirs.forEach((v, i) => assert.ok(Math.abs(v - ours.eigenvalues[i]) < 1e-12 * ours.lambdaMax, `${path} eigenvalue ${i}: ${v} vs ${ours.eigenvalues[i]}`));
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        let dot = 0;
        for (let k = 0; k < N; k++) dot += ours.eigenvectors[k * N + i] * ours.eigenvectors[k * N + j];
        assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-10);
      }
    }
  }
});

test("the TD matrix: M·V = V·Λ in real block form, and every Re λ ≥ (1−γ)·λ_min(H) (σ stationary)", () => {
  for (const path of ["data/mdp/garnet-s10-a4.json", "data/mdp/garnet-s6-a2-onehot.json"]) {
    const { mdp, pi, sigma } = sigmaTilde(path);
    const N = mdp.states * mdp.actions;
    const td = tdConditioning(mdp, mdp.features!, mdp.dim!, sigma, pi);
    const ntk = ntkConditioning(mdp.features!, mdp.dim!, sigma);
    for (let i = 0; i < N; i++) assert.ok(td.re[i] >= (1 - mdp.gamma) * ntk.lambdaMin - 1e-12, `${path}: Re λ_${i} = ${td.re[i]}`);
    // The similar matrix K·D·(I − γP_π), which needs no D^{-1/2}, has the same spectrum.
    assert.ok(Math.abs(tdLambdaMinRe(mdp, mdp.features!, mdp.dim!, sigma, pi) - td.lambdaMinRe) < 1e-12);
    assert.ok(td.eigenvectorCondition >= 1);
    // The dynamics in eigen-coordinates: c = V^{-1}g evolves by (I − ηΛ) for any g; check on one step.
    const H = weightedNtkGram(mdp.features!, mdp.dim!, sigma);
    const P = pairTransitions(mdp, pi);
    const g = Float64Array.from({ length: N }, (_, j) => Math.cos(j));
    const Cg = Float64Array.from({ length: N }, (_, p) => {
      let v = 0;
      for (let q = 0; q < N; q++) v += ((p === q ? 1 : 0) - mdp.gamma * P[p * N + q]) * Math.sqrt(sigma[p] / sigma[q]) * g[q];
      return v;
    });
    const Mg = Float64Array.from({ length: N }, (_, p) => H.subarray(p * N, (p + 1) * N).reduce((s, h, q) => s + h * Cg[q], 0));
    const coords = (v: Float64Array) => Float64Array.from({ length: N }, (_, p) => v.reduce((s, x, q) => s + td.inverseBasis[p * N + q] * x, 0));
    const c = coords(g);
    const cm = coords(Mg);
    for (let i = 0; i < N; i++) {
      const pair = i + 1 < N && td.group[i + 1] === td.group[i] ? i : i > 0 && td.group[i - 1] === td.group[i] ? i - 1 : -1;
      // Real block [[a, b], [−b, a]] for a pair (ml-matrix / JAMA convention), else a scalar.
      const expected = pair < 0 ? td.re[i] * c[i] : i === pair ? td.re[i] * c[i] + td.im[i] * c[i + 1] : td.re[i] * c[i] + td.im[i] * c[i - 1];
      assert.ok(Math.abs(cm[i] - expected) < 1e-10, `${path}, coordinate ${i}: ${cm[i]} vs ${expected}`);
    }
  }
});

test("one-hot testbed, noiseless full-batch limit: the float64 kernel leaves [(1−e^{−x})/x]² of each direction's residual, x = μ√T", () => {
  // Derivation (notebook 01): with one-hot features a step at pair j moves only coordinate j of
  // every α_i, so the pairs decouple: while no unit changes its activation, each visit to j
  // multiplies the residual at j by (1 − η n_j/m), n_j the units active at j. Visiting j at
  // evenly spread times with frequency σ_j (a deterministic schedule: the noiseless full-batch
  // limit of i.i.d. sampling) gives the path-average fraction |(1 − (1 − ημ_j)^T)/(Tημ_j)|² with
  // μ_j = σ_j·n_j/m, the eigenvalues of D^{1/2}K_mD^{1/2} for the empirical NTK K_m = diag(n_j/m).
  // That limit is exact up to units whose α_ij crosses 0 during the run (≈ 1% of units here) and
  // the schedule's rounding (O(ημ)): tolerance 2%. As m → ∞, n_j/m → 1/2 (H = D/2) and the
  // fraction → [(1 − e^{−x})/x]² with x = (σ_j/2)√T: n_j/m − 1/2 has s.d. 0.5/√(m/2) = 1.1% at
  // m = 4096 (antisymmetric pairs share their activation), and the fraction's log-slope in x is
  // at most 2, so against the infinite-width curve the tolerance is 8% (3.5 s.d.).
  const { mdp, pi, sigmaTilde: st } = sigmaTilde("data/mdp/garnet-s6-a2-onehot.json");
  const N = mdp.states * mdp.actions;
  const target = evaluatePolicy(mdp, pi).Q;
  const cond = ntkConditioning(mdp.features!, mdp.dim!, st);
  const init = initNetwork(Rng.fromSeed(5), { replicas: 1, width: 4096, dim: mdp.dim! }, "antisymmetric");
  const empirical = ntkGram(init, mdp.features!);
  const initial = Float64Array.from(target, (q) => -q); // NN(α(0)) ≡ 0
  let checked = 0;
  for (const T of [256, 2048]) {
    // Deficit round robin: at step t visit the pair furthest behind its share σ_j·(t+1).
    const counts = new Float64Array(N);
    const pairs = new Int32Array(T);
    for (let t = 0; t < T; t++) {
      let best = 0;
      for (let j = 1; j < N; j++) if (st[j] * (t + 1) - counts[j] > st[best] * (t + 1) - counts[best]) best = j;
      pairs[t] = best;
      counts[best]++;
    }
    const eta = 1 / Math.sqrt(T);
    const res = runSolver({ init, features: mdp.features!, steps: T, radius: new Float64Array([1e6]), pairs: [pairs], target: { kind: "regression", values: target } }, "reference");
    const final = forward(init, res.thetaBar, mdp.features!).map((v, j) => v - target[j]);
    const measured = ntkDirections(cond, st, initial, final);
    for (let j = 0; j < N; j++) {
      // H = D/2 is diagonal, so its eigenvectors are the pairs themselves: find pair j's direction.
      const dir = measured.find((d) => Math.abs(cond.eigenvectors[j * N + d.direction]) === 1)!;
      const finite = pathAverageResidualFraction(st[j] * empirical[j * N + j], 0, eta, T);
      const limit = residualFractionLimit(dir.re * Math.sqrt(T));
      assert.ok(Math.abs(dir.fraction / finite - 1) < 0.02, `T = ${T}, pair ${j}: measured ${dir.fraction.toFixed(4)}, finite-width linear ${finite.toFixed(4)}`);
      assert.ok(Math.abs(dir.fraction / limit - 1) < 0.08, `T = ${T}, pair ${j}, x = ${(dir.re * Math.sqrt(T)).toFixed(2)}: measured ${dir.fraction.toFixed(4)}, [(1−e^-x)/x]² = ${limit.toFixed(4)}`);
      checked++;
    }
  }
  assert.equal(checked, 2 * N);
});

test("improvement and evaluation record their conditioning in meta.json (equal to an independent computation) and a directions table", async () => {
  const dir = tempDir("cond");
  const config = { mdp: "data/mdp/garnet-s4-a3.json", widths: [16], iterations: [64, 256], replicas: 2, radius: 3, seed: 2 };
  const { mdp, pi, sigmaTilde: st, sigma } = sigmaTilde(config.mdp);
  const imp = await runImprovement(config, dir);
  const ev = await runEvaluation(config, dir);
  const metaImp = JSON.parse(readFileSync(join(imp.dir, "meta.json"), "utf8"));
  const metaEv = JSON.parse(readFileSync(join(ev.dir, "meta.json"), "utf8"));
  const independent = (w: Float64Array) => {
    const N = w.length;
    const H = weightedNtkGram(mdp.features!, mdp.dim!, w);
    const ev2 = new EigenvalueDecomposition(new Matrix(Array.from({ length: N }, (_, p) => Array.from(H.subarray(p * N, (p + 1) * N)))), { assumeSymmetric: true }).realEigenvalues;
    return [Math.min(...ev2), Math.max(...ev2)];
  };
  const [lo, hi] = independent(st);
  assert.ok(Math.abs(metaImp.ntkLambdaMin - lo) < 1e-12 && Math.abs(metaImp.ntkLambdaMax - hi) < 1e-12);
  const [lo2, hi2] = independent(sigma);
  assert.ok(Math.abs(metaEv.ntkLambdaMin - lo2) < 1e-12 && Math.abs(metaEv.ntkLambdaMax - hi2) < 1e-12);
  assert.equal(metaEv.tdLambdaMinRe, tdConditioning(mdp, mdp.features!, mdp.dim!, sigma, pi).lambdaMinRe);
  assert.deepEqual(metaImp.tables, ["directions"]);
  assert.equal(imp.tables.directions.length, 2 * mdp.states * mdp.actions);
  // Read back from the cache: the same tables.
  const again = await runImprovement(config, dir);
  assert.ok(again.fromCache);
  assert.deepEqual(again.tables.directions, imp.tables.directions);
});

test("Assumption 4.4's surrogate: the measured constant of a wide initialisation approaches 2Γ(d/2)/(√πΓ((d−1)/2)), whatever σ", async () => {
  const { regularityConstant, regularityConstantLimit } = await import("../lib/mdp/regularity");
  const { initNetwork, randomUnitVectors } = await import("../lib/network");
  const { algorithmStream } = await import("../lib/random");
  // d = 3: the cosine is uniform on [−1, 1], so P(|u| ≤ ζ) = ζ exactly and the constant is 1.
  assert.ok(Math.abs(regularityConstantLimit(3) - 1) < 1e-12);
  // d = 5: 2Γ(5/2)/(√π·Γ(2)) = 3/2; for large d it approaches √(2d/π).
  assert.ok(Math.abs(regularityConstantLimit(5) - 1.5) < 1e-12);
  assert.ok(Math.abs(regularityConstantLimit(400) / Math.sqrt((2 * 400) / Math.PI) - 1) < 1e-2);
  const d = 8;
  const X = randomUnitVectors(algorithmStream(3).split("x"), 5, d);
  const sigma = Float64Array.from([0.5, 0.2, 0.1, 0.1, 0.1]);
  const init = initNetwork(algorithmStream(3).split("init"), { replicas: 2, width: 20000, dim: d });
  for (const { constant } of regularityConstant(init, X, sigma, [0.05, 0.1, 0.2])) assert.ok(Math.abs(constant / regularityConstantLimit(d) - 1) < 0.05, `${constant} vs ${regularityConstantLimit(d)}`);
});
