import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "ml-matrix";
import { loadMdpInput } from "../lib/experiments/mdp-input";
import { solverSetting, SolverSweepConfig } from "../lib/experiments/solver-sweeps";
import { initialOutputSecondMoment, linearisedMse, linearisedSolver } from "../lib/linearised-dynamics";
import { ntkConditioning } from "../lib/mdp/conditioning";
import { forward, initNetwork } from "../lib/network";
import { Rng } from "../lib/random";
import { pathAverageResidualFraction, lastIterateResidualFraction } from "../lib/theory";

const config = (mdp: string, gamma?: number): SolverSweepConfig => ({ mdp, widths: [1], iterations: [1], replicas: 1, radius: 1, seed: 0, ...(gamma === undefined ? {} : { gamma }) });

test("Alg. 2: the matrix route equals the sum over eigen-directions of ⟨g_i²⟩ times the exact per-direction fractions", () => {
  const path = "data/mdp/garnet-s10-a4.json";
  const { mdp } = loadMdpInput(path);
  const s = solverSetting("improvement", config(path), mdp);
  const lin = linearisedSolver("improvement", s, "paper");
  const cond = ntkConditioning(mdp.features!, mdp.dim!, s.weights);
  const n = mdp.states * mdp.actions;
  const V = new Matrix(n, n);
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) V.set(p, q, cond.eigenvectors[p * n + q]);
  const inBasis = V.transpose().mmul(lin.initialSecondMoment).mmul(V);
  for (const T of [64, 4096, 65536]) {
    const eta = 1 / Math.sqrt(T);
    let average = 0;
    let last = 0;
    for (let i = 0; i < n; i++) {
      average += inBasis.get(i, i) * pathAverageResidualFraction(cond.eigenvalues[i], 0, eta, T);
      last += inBasis.get(i, i) * lastIterateResidualFraction(cond.eigenvalues[i], 0, eta, T);
    }
    const got = linearisedMse(lin, eta, T);
    assert.ok(Math.abs(got.average / average - 1) < 1e-9, `T = ${T}: ${got.average} vs ${average}`);
    assert.ok(Math.abs(got.last / last - 1) < 1e-9, `T = ${T}: ${got.last} vs ${last}`);
  }
});

test("Alg. 3: the closed form equals T explicit steps g ← (I − ηM)g, averaged over t = 0…T−1 (antisymmetric init: g(0) is fixed)", () => {
  const path = "data/mdp/garnet-s6-a2-onehot.json";
  const { mdp } = loadMdpInput(path);
  const s = solverSetting("evaluation", config(path, 0.5), mdp);
  const lin = linearisedSolver("evaluation", s, "antisymmetric");
  const n = mdp.states * mdp.actions;
  const g0 = Float64Array.from({ length: n }, (_, j) => -Math.sqrt(s.weights[j]) * s.target[j]);
  for (const T of [64, 1000]) {
    const eta = 1 / Math.sqrt(T);
    let g = Float64Array.from(g0);
    const sum = new Float64Array(n);
    let lastG = g;
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < n; j++) sum[j] += g[j] / T;
      lastG = g;
      const next = new Float64Array(n);
      for (let p = 0; p < n; p++) {
        let v = 0;
        for (let q = 0; q < n; q++) v += lin.matrix.get(p, q) * g[q];
        next[p] = g[p] - eta * v;
      }
      g = next;
    }
    const got = linearisedMse(lin, eta, T);
    const average = sum.reduce((a, v) => a + v * v, 0);
    const last = lastG.reduce((a, v) => a + v * v, 0);
    assert.ok(Math.abs(got.average / average - 1) < 1e-9, `T = ${T}: ${got.average} vs ${average}`);
    assert.ok(Math.abs(got.last / last - 1) < 1e-9, `T = ${T}: ${got.last} vs ${last}`);
  }
});

test("E[NN₀(x)NN₀(y)] under the paper's law: (sin θ + (π − θ)cos θ)/(2πd), against 8000 networks", () => {
  // The expectation is the same for every m. Each Monte-Carlo entry is a mean of R = 8000 i.i.d.
  // products NN₀(x)NN₀(y); with E[NN₀²] = 1/(2d) and a fourth moment within 3(1 + 2/m) of the
  // Gaussian's (m = 64), its s.d. is below 1.1·√3/(2d√R) = 0.0015 for d = 6. Tolerance: 5 s.d.
  // (0.0074 per entry), well below the 0.027 by which the NTK K(x, y) differs at a right angle.
  const { mdp } = loadMdpInput("data/mdp/garnet-s4-a3.json");
  const d = mdp.dim!;
  const n = mdp.states * mdp.actions;
  const exact = initialOutputSecondMoment(mdp.features!, d);
  const R = 8000;
  const init = initNetwork(Rng.fromSeed(3), { replicas: R, width: 64, dim: d }, "paper");
  const out = forward(init, init.alpha0, mdp.features!);
  const tolerance = (5 * 1.1 * Math.sqrt(3)) / (2 * d * Math.sqrt(R));
  for (let p = 0; p < n; p++) {
    assert.ok(Math.abs(exact[p * n + p] - 1 / (2 * d)) < 1e-15);
    for (let q = 0; q < n; q++) {
      let mc = 0;
      for (let r = 0; r < R; r++) mc += (out[r * n + p] * out[r * n + q]) / R;
      assert.ok(Math.abs(mc - exact[p * n + q]) < tolerance, `(${p}, ${q}): Monte Carlo ${mc}, exact ${exact[p * n + q]}`);
    }
  }
});
