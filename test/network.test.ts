import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../lib/random";
import {
  arcCosineGram, arcCosineKernel, featureMap, forward, gradient, initNetwork, linearised, ntkGram, randomUnitVectors,
} from "../lib/network";
import { distanceFromInit, projectBall } from "../lib/projection";
import { forwardTf, gradientTf, linearisedTf, ntkGramTf, projectBallTf, toTensors } from "../lib/network-tf";
import { initBackend, parseBackendOverride } from "../lib/backend";

const shape = { replicas: 3, width: 64, dim: 5 };
const setup = (seed = 1) => {
  const rng = Rng.fromSeed(seed);
  const init = initNetwork(rng.split("net"), shape);
  const X = randomUnitVectors(rng.split("x"), 7, shape.dim);
  return { init, X };
};
const perturb = (alpha0: Float64Array, scale: number, seed: number) => {
  const rng = Rng.fromSeed(seed);
  return alpha0.map((v) => v + scale * rng.normal());
};

test("hand-computed forward pass: m = 2, d = 3", () => {
  const init = { replicas: 1, width: 2, dim: 3, alpha0: new Float64Array(6), b: new Float64Array([1, -1]) };
  const alpha = new Float64Array([1, 0, 0, 0, 1, 0]);
  const x = new Float64Array([0.6, 0.8, 0]);
  // (1/√2)(1·relu(0.6) − 1·relu(0.8)) = −0.2/√2
  assert.ok(Math.abs(forward(init, alpha, x)[0] + 0.2 / Math.SQRT2) < 1e-15);
  const g = gradient(init, alpha, x);
  assert.deepEqual(Array.from(g).map((v) => +v.toFixed(12)), [0.6, 0.8, 0, -0.6, -0.8, 0].map((v) => +(v / Math.SQRT2).toFixed(12)));
});

test("initialisation: b ∈ {−1, +1}, α(0) has variance 1/d, replicas differ, same seed ⇒ bit-identical", () => {
  const big = initNetwork(Rng.fromSeed(5), { replicas: 4, width: 4096, dim: 8 });
  assert.ok(big.b.every((v) => v === 1 || v === -1));
  let s2 = 0;
  for (const v of big.alpha0) s2 += v * v;
  const variance = s2 / big.alpha0.length;
  assert.ok(Math.abs(variance - 1 / 8) < 5 * Math.sqrt(2 / big.alpha0.length) / 8, `variance ${variance}`);
  const again = initNetwork(Rng.fromSeed(5), { replicas: 4, width: 4096, dim: 8 });
  assert.deepEqual(again.alpha0, big.alpha0);
  assert.deepEqual(again.b, big.b);
  const block = 4096 * 8;
  // Independent replicas: sample correlation of α(0) between replicas 0 and 1 is O(1/√n).
  let c01 = 0;
  for (let j = 0; j < block; j++) c01 += big.alpha0[j] * big.alpha0[block + j];
  assert.ok(Math.abs(c01 / block / (1 / 8)) < 5 / Math.sqrt(block));
  // Replica r does not depend on the number of replicas.
  const two = initNetwork(Rng.fromSeed(5), { replicas: 2, width: 4096, dim: 8 });
  assert.deepEqual(two.alpha0, big.alpha0.subarray(0, 2 * block));
});

test("gradient equals central finite differences", () => {
  const { init, X } = setup();
  const alpha = perturb(init.alpha0, 0.3, 2);
  const x = X.subarray(0, shape.dim);
  const g = gradient(init, alpha, x);
  const h = 1e-6;
  for (let j = 0; j < alpha.length; j += 7) {
    const up = alpha.slice(); up[j] += h;
    const dn = alpha.slice(); dn[j] -= h;
    const r = Math.floor(j / (shape.width * shape.dim));
    const fd = (forward(init, up, x)[r] - forward(init, dn, x)[r]) / (2 * h);
    assert.ok(Math.abs(fd - g[j]) < 1e-7, `entry ${j}: fd ${fd} vs ${g[j]}`);
  }
});

test("u⁰ equals u at α(0), and so do their gradients; u⁰ = u_α(0) + φ₀ᵀ(α − α(0))", () => {
  const { init, X } = setup();
  assert.deepEqual(linearised(init, init.alpha0, X), forward(init, init.alpha0, X));
  const alpha = perturb(init.alpha0, 0.2, 3);
  const phi = featureMap(init, X);
  const u0 = linearised(init, alpha, X);
  const base = forward(init, init.alpha0, X);
  const { replicas: R, width: m, dim: d } = init;
  const n = X.length / d;
  for (let r = 0; r < R; r++) {
    for (let p = 0; p < n; p++) {
      let dot = 0;
      for (let j = 0; j < m * d; j++) dot += phi[(r * n + p) * m * d + j] * (alpha[r * m * d + j] - init.alpha0[r * m * d + j]);
      assert.ok(Math.abs(base[r * n + p] + dot - u0[r * n + p]) < 1e-12);
      // φ₀(x) is the gradient of u at α(0) (stacked per replica).
      const g = gradient(init, init.alpha0, X.subarray(p * d, (p + 1) * d));
      for (let j = 0; j < m * d; j++) assert.equal(phi[(r * n + p) * m * d + j], g[r * m * d + j]);
    }
  }
});

test("positive homogeneity: u_{cα}(x) = c·u_α(x) and u_α(cx) = c·u_α(x) for c > 0", () => {
  const { init, X } = setup();
  const alpha = perturb(init.alpha0, 0.5, 4);
  const u = forward(init, alpha, X);
  const uScaledAlpha = forward(init, alpha.map((v) => 2.5 * v), X);
  const uScaledX = forward(init, alpha, X.map((v) => 0.3 * v));
  u.forEach((v, j) => {
    assert.ok(Math.abs(uScaledAlpha[j] - 2.5 * v) < 1e-12);
    assert.ok(Math.abs(uScaledX[j] - 0.3 * v) < 1e-12);
  });
});

test("projection: identity inside the ball, norm ≤ R, idempotent, radial", () => {
  const { init } = setup();
  const R = shape.replicas;
  const inside = perturb(init.alpha0, 1e-3, 6);
  assert.deepEqual(projectBall(inside, init.alpha0, R, 10), inside);
  const outside = perturb(init.alpha0, 1, 7);
  const p = projectBall(outside, init.alpha0, R, 0.5);
  distanceFromInit(p, init.alpha0, R).forEach((v) => assert.ok(Math.abs(v - 0.5) < 1e-12));
  assert.deepEqual(projectBall(p, init.alpha0, R, 0.5), p);
  // Π moves along the ray from α(0): (p − α0) ∥ (α − α0), same orientation.
  const block = init.width * init.dim;
  const ratio = (p[5] - init.alpha0[5]) / (outside[5] - init.alpha0[5]);
  for (let j = 0; j < block; j++) assert.ok(Math.abs(p[j] - init.alpha0[j] - ratio * (outside[j] - init.alpha0[j])) < 1e-12);
  assert.throws(() => projectBall(p, init.alpha0, R, -1), /radius must be > 0 and finite, got -1/);
});

test("arc-cosine kernel: hand values", () => {
  assert.ok(Math.abs(arcCosineKernel([1, 0, 0], [1, 0, 0]) - 0.5) < 1e-15); // angle 0: 1·π/(2π)
  assert.equal(arcCosineKernel([1, 0, 0], [0, 1, 0]), 0); // orthogonal
  assert.ok(Math.abs(arcCosineKernel([1, 0, 0], [-1, 0, 0])) < 1e-15); // opposite: (π−π) = 0
  const c = Math.cos(Math.PI / 3);
  assert.ok(Math.abs(arcCosineKernel([1, 0, 0], [c, Math.sin(Math.PI / 3), 0]) - (c * (2 * Math.PI) / 3) / (2 * Math.PI)) < 1e-15);
});

test("empirical NTK equals φ₀φ₀ᵀ and is within 6/√m of the arc-cosine kernel at m = 2^14", () => {
  const { init, X } = setup();
  const G = ntkGram(init, X);
  const phi = featureMap(init, X);
  const n = X.length / shape.dim;
  const md = shape.width * shape.dim;
  for (let r = 0; r < shape.replicas; r++) for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) {
    let dot = 0;
    for (let j = 0; j < md; j++) dot += phi[(r * n + p) * md + j] * phi[(r * n + q) * md + j];
    assert.ok(Math.abs(dot - G[(r * n + p) * n + q]) < 1e-12);
  }
  // Each entry is a mean of m bounded i.i.d. terms (|xᵀy| ≤ 1, indicator products): s.d. ≤ 1/(2√m).
  const m = 2 ** 14;
  const wide = initNetwork(Rng.fromSeed(9), { replicas: 2, width: m, dim: 5 });
  const Gw = ntkGram(wide, X);
  const K = arcCosineGram(X, 5);
  let maxErr = 0;
  for (let r = 0; r < 2; r++) for (let j = 0; j < n * n; j++) maxErr = Math.max(maxErr, Math.abs(Gw[r * n * n + j] - K[j]));
  assert.ok(maxErr < 6 * 0.5 / Math.sqrt(m), `max |G − K| = ${maxErr}`);
});

test("tensor path agrees with the Float64 reference within float32 tolerance", async () => {
  await initBackend();
  const { init, X } = setup();
  const alpha = perturb(init.alpha0, 0.4, 8);
  const { replicas: R, width: m, dim: d } = init;
  const n = X.length / d;
  const net = toTensors(init);
  const a = tf.tensor3d(Float32Array.from(alpha), [R, m, d]);
  const Xt = tf.tensor2d(Float32Array.from(X), [n, d]);
  const close = (got: ArrayLike<number>, want: ArrayLike<number>, what: string) => {
    assert.equal(got.length, want.length, what);
    for (let j = 0; j < want.length; j++) assert.ok(Math.abs(got[j] - want[j]) < 1e-5 * (1 + Math.abs(want[j])), `${what}[${j}]: ${got[j]} vs ${want[j]}`);
  };
  close(forwardTf(net.b, a, Xt).dataSync(), forward(init, alpha, X), "forward");
  close(linearisedTf(net, a, Xt).dataSync(), linearised(init, alpha, X), "linearised");
  close(ntkGramTf(net, Xt).dataSync(), ntkGram(init, X), "ntkGram");
  const grads = gradientTf(net.b, a, Xt).dataSync();
  for (let p = 0; p < n; p++) {
    const want = gradient(init, alpha, X.subarray(p * d, (p + 1) * d));
    const got = new Float64Array(R * m * d);
    for (let r = 0; r < R; r++) for (let j = 0; j < m * d; j++) got[r * m * d + j] = grads[((r * n + p) * m) * d + j];
    close(got, want, `gradient x${p}`);
  }
  close(projectBallTf(net.alpha0, a, 0.3).dataSync(), projectBall(alpha, init.alpha0, R, 0.3), "projection");
  tf.dispose([net.alpha0, net.b, a, Xt]);
});

test("backend override is validated", () => {
  assert.equal(parseBackendOverride(undefined), null);
  assert.equal(parseBackendOverride("cpu"), "cpu");
  assert.throws(() => parseBackendOverride("gpu"), /NPPO_BACKEND must be one of tensorflow, wasm, cpu, got "gpu"/);
});

test("worst direction on the sphere: at least the gap of every random direction, never above the single-input bound, and equal to the closed form for one input", async () => {
  const { worstLinearisationGap } = await import("../lib/linearisation-gap");
  const { initNetwork, randomUnitVectors, forward, linearised } = await import("../lib/network");
  const { algorithmStream } = await import("../lib/random");
  const d = 6;
  const m = 256;
  const R = 0.5;
  const rng = algorithmStream(11);
  const init = initNetwork(rng.split("init"), { replicas: 1, width: m, dim: d });
  const X = randomUnitVectors(rng.split("x"), 8, d);
  const worst = worstLinearisationGap(init, X, R, { steps: 30 });
  const gapAt = (delta: Float64Array) => {
    const alpha = Float64Array.from(init.alpha0, (v, j) => v + delta[j]);
    const u = forward(init, alpha, X);
    const u0 = linearised(init, alpha, X);
    return u.reduce((s, v, p) => s + (v - u0[p]) ** 2, 0) / u.length;
  };
  const dirs = rng.split("dirs");
  for (let k = 0; k < 20; k++) {
    const v = dirs.split(k).fillNormal(new Float64Array(m * d));
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    assert.ok(gapAt(v.map((x) => (R * x) / norm)) <= worst.gap[0], `random direction ${k} beats the search`);
  }
  assert.ok(worst.gap[0] >= worst.start[0]);
  // Per input, |u − u⁰| ≤ (1/√m)·max_k (R√k − Σ smallest |z|) ≤ R: the mean square is at most R²/m·k*.
  assert.ok(worst.gap[0] <= R ** 2, `${worst.gap[0]}`);
  // One input: the closed form is the exact maximum of the single-input gap; ascent cannot improve it.
  const one = worstLinearisationGap(init, X.subarray(0, d), R, { steps: 30 });
  assert.ok(Math.abs(one.gap[0] - one.start[0]) <= 1e-12 * one.gap[0], `${one.gap[0]} vs ${one.start[0]}`);
});

test("the random-direction gap recomputed in float64 unit by unit equals forward − linearised in float64, and the sweep's float32 value within float32 rounding", async () => {
  const { randomDirectionGapFloat64, gapPrecisionTable } = await import("../lib/report/network-figures");
  const { runNetworkSweep } = await import("../lib/experiments/network-sweep");
  const { forward: fwd, linearised: lin, initNetwork: init64, randomUnitVectors: units } = await import("../lib/network");
  const { streams: st } = await import("../lib/random");
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join: joinPath } = await import("node:path");
  const config = { widths: [16, 64], replicas: 2, dim: 4, points: 3, radius: 1, mdpSeed: 1, seed: 2 };
  const exact = randomDirectionGapFloat64(config);
  // Independent route: α in float64, then the two float64 network outputs subtracted.
  const X = units(st(config).mdp.split("inputs"), config.points, config.dim);
  for (const m of config.widths) {
    const algorithm = st(config).algorithm.split(`width:${m}`);
    const init = init64(algorithm.split("init"), { replicas: config.replicas, width: m, dim: config.dim });
    const alpha = new Float64Array(config.replicas * m * config.dim);
    for (let r = 0; r < config.replicas; r++) {
      const v = algorithm.split("direction").split(r).fillNormal(new Float64Array(m * config.dim));
      const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
      for (let j = 0; j < m * config.dim; j++) alpha[r * m * config.dim + j] = init.alpha0[r * m * config.dim + j] + (config.radius * v[j]) / norm;
    }
    const u = fwd(init, alpha, X);
    const u0 = lin(init, alpha, X);
    for (let r = 0; r < config.replicas; r++) {
      let gap = 0;
      for (let p = 0; p < config.points; p++) gap += (u[r * config.points + p] - u0[r * config.points + p]) ** 2 / config.points;
      const mine = exact.find((e) => e.m === m && e.replica === r)!.linearisationGap64 as number;
      assert.ok(Math.abs(mine - gap) <= 1e-9 * gap, `m = ${m}, replica ${r}: ${mine} vs ${gap}`);
    }
  }
  const sweep = await runNetworkSweep(config, mkdtempSync(joinPath(tmpdir(), "gap64-")));
  const table = gapPrecisionTable(sweep.rows, exact);
  assert.equal(table.length, 2);
  for (const row of table) assert.ok(row["max |float32 − float64| / float64"] < 0.05, JSON.stringify(row));
});
