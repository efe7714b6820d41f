import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../lib/random";
import { initNetwork, linearised, randomUnitVectors } from "../lib/network";
import { coveringRadius, minimumRadius, realizabilityBasis } from "../lib/mdp/realizability";
import { garnet } from "../lib/mdp/generators";
import { energyPolicy, evaluatePolicy } from "../lib/mdp/exact";
import { rewardBound } from "../lib/mdp/mdp";

test("a function built as u⁰_α with ‖α − α(0)‖ = ρ needs radius ≤ ρ (min-norm), with equality in the row space", () => {
  const d = 5, N = 12;
  const X = randomUnitVectors(Rng.fromSeed(1), N, d);
  const init = initNetwork(Rng.fromSeed(2), { replicas: 2, width: 32, dim: d });
  const basis = realizabilityBasis(init, X);
  const rng = Rng.fromSeed(3);
  const alpha = init.alpha0.map((v) => v + 0.1 * rng.normal());
  const u0 = linearised(init, alpha, X);
  for (let r = 0; r < 2; r++) {
    const block = 32 * d;
    let rho = 0;
    for (let j = r * block; j < (r + 1) * block; j++) rho += (alpha[j] - init.alpha0[j]) ** 2;
    rho = Math.sqrt(rho);
    const minR = minimumRadius(basis, u0.slice(r * N, (r + 1) * N))[r];
    assert.ok(minR <= rho + 1e-12, `replica ${r}: ${minR} > ${rho}`);
    assert.ok(minR > 0);
  }
  // NN₀ itself needs radius 0.
  assert.ok(minimumRadius(basis, basis.nn0.slice(0, N))[0] < 1e-10);
});

test("the covering radius bounds the minimum radius of every policy's Q", () => {
  const mdp = garnet(Rng.fromSeed(4), { name: "g", states: 5, actions: 3, branching: 2, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.1, features: { kind: "random", dim: 6 } });
  const init = initNetwork(Rng.fromSeed(5), { replicas: 3, width: 64, dim: 6 });
  const basis = realizabilityBasis(init, mdp.features!);
  const cover = coveringRadius(basis, rewardBound(mdp)).radius;
  const rng = Rng.fromSeed(6);
  for (let i = 0; i < 20; i++) {
    const pi = energyPolicy(mdp, new Float64Array(15).map(() => 5 * rng.normal()));
    const need = minimumRadius(basis, evaluatePolicy(mdp, pi).Q);
    need.forEach((v, r) => assert.ok(v <= cover[r], `policy ${i}, replica ${r}: ${v} > ${cover[r]}`));
  }
});

test("rank-deficient Φ₀ is a clear error", () => {
  const X = randomUnitVectors(Rng.fromSeed(1), 20, 4);
  const narrow = initNetwork(Rng.fromSeed(2), { replicas: 1, width: 4, dim: 4 });
  assert.throws(() => realizabilityBasis(narrow, X), /Φ₀ is rank-deficient: m·d = 4·4 = 16 < \|S\|\|A\| = 20/);
  const dup = new Float64Array(8 * 3);
  for (let p = 0; p < 8; p++) dup[p * 3] = 1; // all inputs equal
  const wide = initNetwork(Rng.fromSeed(3), { replicas: 1, width: 16, dim: 3 });
  assert.throws(() => realizabilityBasis(wide, dup), /rank-deficient for replica 0/);
});
