import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../lib/random";
import type { FiniteMdp } from "../lib/mdp/mdp";
import {
  auxiliaryDistribution, chiSquare, energyConstantM, energyPolicy, evaluatePolicy, idealUpdate, kl, objective, optimalPolicy,
  phiStar, policyChain, psiStar, stationaryDistribution, stationaryOfChain, uniformPolicy, valueIteration, varphiStar, row,
} from "../lib/mdp/exact";
import { coverageTrap, garnet, GarnetSpec, oneHotFeatures } from "../lib/mdp/generators";
import { solve, symmetricEigenvalues, cholesky, choleskySolve } from "../lib/linalg";

/** Two states, action 0 = stay, action 1 = switch; reward 1 only for staying in state 0; γ = 1/2. */
const twoState: FiniteMdp = {
  name: "two-state", gamma: 0.5, states: 2, actions: 2,
  transitions: new Float64Array([1, 0, 0, 1, /* s=1 */ 0, 1, 1, 0]),
  rewards: new Float64Array([1, 0, 0, 0]),
};

const spec = (over: Partial<GarnetSpec> = {}): GarnetSpec => ({
  name: "g", states: 7, actions: 3, branching: 2, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.05, features: { kind: "random", dim: 4 }, ...over,
});
const randomPolicy = (mdp: FiniteMdp, rng: Rng) => energyPolicy(mdp, new Float64Array(mdp.states * mdp.actions).map(() => 3 * rng.normal()));
const close = (a: number, b: number, tol: number, what = "") => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

test("two-state MDP: hand-derived Q^π0, V^π0, ν, π*, V*, L", () => {
  const pi0 = uniformPolicy(twoState);
  const { Q, V } = evaluatePolicy(twoState, pi0);
  // V0 = 1/4 + v̄/2, V1 = v̄/2, v̄ = (V0 + V1)/2 ⇒ v̄ = 1/4, V = (3/8, 1/8); Q = (1−γ)r + γV(next).
  [0.6875, 0.0625, 0.0625, 0.1875].forEach((q, j) => close(Q[j], q, 1e-15, `Q[${j}]`));
  close(V[0], 0.375, 1e-15);
  close(V[1], 0.125, 1e-15);
  const nu0 = stationaryDistribution(twoState, pi0);
  assert.equal(nu0.kind, "unique-stationary");
  close(nu0.nu[0], 0.5, 1e-15);
  const opt = optimalPolicy(twoState);
  assert.deepEqual(Array.from(opt.policy), [1, 0, 0, 1]); // stay in 0, switch in 1
  close(opt.V[0], 1, 1e-15);
  close(opt.V[1], 0.5, 1e-15);
  // ν* = (1, 0): state 1 is transient under π*, so ν is the Cesàro limit, and says so.
  assert.equal(opt.nuKind, "cesaro-limit-from-uniform");
  assert.deepEqual(Array.from(opt.nu), [1, 0]);
  close(objective(V, opt.nu), 0.375, 1e-15);
  close(objective(opt.V, opt.nu), 1, 1e-15);
});

test("Cesàro limit from uniform for reducible chains; periodic irreducible chains keep the unique ν", () => {
  const stay = stationaryOfChain(new Float64Array([1, 0, 0, 1]), 2);
  assert.equal(stay.kind, "cesaro-limit-from-uniform");
  assert.deepEqual(Array.from(stay.nu), [0.5, 0.5]);
  const flip = stationaryOfChain(new Float64Array([0, 1, 1, 0]), 2);
  assert.equal(flip.kind, "unique-stationary");
  assert.deepEqual(Array.from(flip.nu), [0.5, 0.5]);
  // 0 → {1 w.p. 1/4, 2 w.p. 3/4}, 1 and 2 absorbing: ν = (0, 1/3 + 1/3·1/4, 1/3 + 1/3·3/4).
  const split = stationaryOfChain(new Float64Array([0, 0.25, 0.75, 0, 1, 0, 0, 0, 1]), 3);
  [0, 1 / 3 + 1 / 12, 1 / 3 + 1 / 4].forEach((v, i) => close(split.nu[i], v, 1e-15));
});

test("Garnet: every row has full support (ergodic under every policy), rows sum to 1, seeded", () => {
  const mdp = garnet(Rng.fromSeed(4), spec());
  for (let j = 0; j < 21; j++) {
    let sum = 0;
    for (let t = 0; t < 7; t++) {
      assert.ok(mdp.transitions[j * 7 + t] >= 0.05 / 7 - 1e-15);
      sum += mdp.transitions[j * 7 + t];
    }
    close(sum, 1, 1e-15);
  }
  const rng = Rng.fromSeed(5);
  for (let i = 0; i < 20; i++) {
    const { nu, kind } = stationaryDistribution(mdp, randomPolicy(mdp, rng));
    assert.equal(kind, "unique-stationary");
    assert.ok(nu.every((v) => v > 0));
  }
  assert.deepEqual(garnet(Rng.fromSeed(4), spec()).transitions, mdp.transitions);
  assert.notDeepEqual(garnet(Rng.fromSeed(6), spec()).transitions, mdp.transitions);
  assert.throws(() => garnet(Rng.fromSeed(1), spec({ mixing: 0 })), /mixing must be in \(0, 1\], got 0/);
  assert.throws(() => garnet(Rng.fromSeed(1), spec({ features: { kind: "random", dim: 2 } })), /features.dim must be an integer in \[3, Infinity\], got 2/);
  const oneHot = oneHotFeatures(2, 2);
  assert.deepEqual(Array.from(oneHot.subarray(4, 8)), [0, 1, 0, 0]);
});

test("Bellman residual ‖(I − γP_π)Q − (1−γ)r‖∞ < 1e-12 and stationarity νᵀP^π = νᵀ on random policies", () => {
  const rng = Rng.fromSeed(7);
  for (let trial = 0; trial < 10; trial++) {
    const mdp = garnet(rng.split(trial), spec({ states: 12, actions: 4, gamma: 0.95 }));
    const pi = randomPolicy(mdp, rng);
    const { Q } = evaluatePolicy(mdp, pi);
    const { states: S, actions: A, gamma } = mdp;
    for (let j = 0; j < S * A; j++) {
      let pq = 0;
      for (let t = 0; t < S; t++) for (let b = 0; b < A; b++) pq += mdp.transitions[j * S + t] * pi[t * A + b] * Q[t * A + b];
      assert.ok(Math.abs(Q[j] - gamma * pq - (1 - gamma) * mdp.rewards[j]) < 1e-12);
    }
    const { nu } = stationaryDistribution(mdp, pi);
    const P = policyChain(mdp, pi).transitions;
    for (let t = 0; t < S; t++) {
      let s = 0;
      for (let u = 0; u < S; u++) s += nu[u] * P[u * S + t];
      assert.ok(Math.abs(s - nu[t]) < 1e-14);
    }
    close(nu.reduce((a, b) => a + b, 0), 1, 1e-14);
  }
});

test("performance difference (Lemma 5.1): L'(π') − L'(π) = (1−γ)^{-1} E_{ν'}[⟨Q^π, π' − π⟩] to 1e-10", () => {
  const rng = Rng.fromSeed(8);
  for (let trial = 0; trial < 20; trial++) {
    const mdp = garnet(rng.split(trial), spec({ gamma: 0.8 + 0.15 * rng.uniform() }));
    const A = mdp.actions;
    // π' plays π*'s role: L' = E_{ν'}[V] with ν' stationary under π'. With π' = π* this is Lemma 5.1.
    const pPrime = trial % 2 === 0 ? optimalPolicy(mdp).policy : randomPolicy(mdp, rng);
    const pi = randomPolicy(mdp, rng);
    const nuPrime = stationaryDistribution(mdp, pPrime).nu;
    const lhs = objective(evaluatePolicy(mdp, pPrime).V, nuPrime) - objective(evaluatePolicy(mdp, pi).V, nuPrime);
    const { Q } = evaluatePolicy(mdp, pi);
    let rhs = 0;
    for (let s = 0; s < mdp.states; s++) for (let a = 0; a < A; a++) rhs += nuPrime[s] * Q[s * A + a] * (pPrime[s * A + a] - pi[s * A + a]);
    close(lhs, rhs / (1 - mdp.gamma), 1e-10, `trial ${trial}`);
  }
});

test("policy iteration agrees with value iteration; π* is greedy w.r.t. its own Q", () => {
  const rng = Rng.fromSeed(9);
  for (let trial = 0; trial < 10; trial++) {
    const mdp = garnet(rng.split(trial), spec({ states: 15, actions: 4 }));
    const opt = optimalPolicy(mdp);
    const vi = valueIteration(mdp);
    opt.V.forEach((v, s) => close(v, vi[s], 1e-11, `V*[${s}]`));
    for (let s = 0; s < mdp.states; s++) {
      const q = row(opt.Q, s, 4);
      close(Math.max(...q), opt.V[s], 1e-12);
    }
  }
});

test("Prop. 3.1: the closed-form update beats every random perturbation on the penalised objective", () => {
  const rng = Rng.fromSeed(10);
  const mdp = garnet(rng, spec());
  const A = mdp.actions;
  const energy = new Float64Array(mdp.states * A).map(() => rng.normal());
  const piK = energyPolicy(mdp, energy);
  const { Q } = evaluatePolicy(mdp, piK);
  const nu = stationaryDistribution(mdp, piK).nu;
  const beta = 0.3;
  const { policy } = idealUpdate(mdp, Q, energy, beta);
  const penalised = (pi: Float64Array) => {
    let total = 0;
    for (let s = 0; s < mdp.states; s++) {
      let inner = 0;
      for (let a = 0; a < A; a++) inner += Q[s * A + a] * pi[s * A + a];
      total += nu[s] * (inner - beta * kl(row(pi, s, A), row(piK, s, A)));
    }
    return total;
  };
  const best = penalised(policy);
  for (let i = 0; i < 500; i++) {
    const scale = 10 ** (-4 + 4 * rng.uniform());
    const logits = policy.map((p) => Math.log(p) + scale * rng.normal());
    assert.ok(penalised(energyPolicy(mdp, logits)) <= best + 1e-15, `perturbation ${i}`);
  }
});

test("energy policies are stable for energies up to 1e6; KL and χ² hand values", () => {
  const mdp = { ...twoState };
  const pi = energyPolicy(mdp, new Float64Array([1e6, 1e6 - 1, -1e6, 1e6]));
  close(pi[0], 1 / (1 + Math.exp(-1)), 1e-15);
  assert.deepEqual([pi[2], pi[3]], [0, 1]);
  close(kl([0.5, 0.5], [0.25, 0.75]), 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 1e-15);
  assert.equal(kl([1, 0], [1, 0]), 0);
  assert.equal(kl([0.5, 0.5], [1, 0]), Infinity);
  close(chiSquare([0.5, 0.5], [0.25, 0.75]), 0.0625 / 0.25 + 0.0625 / 0.75, 1e-15);
});

test("concentrability coefficients and M: closed forms on hand cases", () => {
  const mdp = twoState;
  const nuStar = new Float64Array([0.8, 0.2]);
  const nuK = new Float64Array([0.5, 0.5]);
  const piStar = new Float64Array([1, 0, 0, 1]);
  const piK = uniformPolicy(mdp);
  // Σ ν*²/ν_k = 0.64/0.5 + 0.04/0.5 = 1.36; ‖π* − π_k‖² = 0.5 per state; χ²(π*‖uniform) = 1 per state.
  close(varphiStar(nuStar, nuK), Math.sqrt(1.36), 1e-15);
  close(phiStar(mdp, nuStar, piStar, nuK, piK), Math.sqrt(2 * 1.36 * 0.5), 1e-15);
  close(psiStar(mdp, nuStar, piStar, nuK, piK), Math.sqrt(1.36), 1e-15);
  assert.equal(phiStar(mdp, nuStar, piStar, nuK, piStar), 0);
  assert.equal(psiStar(mdp, nuStar, piStar, nuK, piStar), 0);
  close(varphiStar(nuStar, nuStar), 1, 1e-15);
  const sigmaTilde = auxiliaryDistribution(mdp, nuK);
  assert.deepEqual(Array.from(sigmaTilde), [0.25, 0.25, 0.25, 0.25]);
  // M = 2 Σ ν* max_a u0² + 2R_f²: u0 = [[1, −2], [0.5, 0]] ⇒ 2(0.8·4 + 0.2·0.25) + 2·9.
  close(energyConstantM(mdp, nuStar, new Float64Array([1, -2, 0.5, 0]), 3), 2 * (3.2 + 0.05) + 18, 1e-14);
});

test("linear algebra: LU solve, Cholesky, Jacobi eigenvalues against known answers", () => {
  const A = new Float64Array([4, 1, 2, 1, 3, 0, 2, 0, 5]);
  const x = solve(A, new Float64Array([1, 2, 3]), 3);
  const back = [0, 1, 2].map((i) => A[i * 3] * x[0] + A[i * 3 + 1] * x[1] + A[i * 3 + 2] * x[2]);
  back.forEach((v, i) => close(v, i + 1, 1e-14));
  const y = choleskySolve(cholesky(A, 3), new Float64Array([1, 2, 3]), 3);
  y.forEach((v, i) => close(v, x[i], 1e-14));
  // Tridiagonal (2, −1): eigenvalues 2 − 2cos(kπ/(n+1)).
  const n = 8;
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    T[i * n + i] = 2;
    if (i > 0) T[i * n + i - 1] = T[(i - 1) * n + i] = -1;
  }
  const eig = symmetricEigenvalues(T, n);
  for (let k = 1; k <= n; k++) close(eig[k - 1], 2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 1e-13, `λ${k}`);
  assert.throws(() => solve(new Float64Array([1, 2, 2, 4]), new Float64Array([1, 1]), 2), /singular/);
});

test("χ² with zeros in q: equal zeros contribute 0, mass where q = 0 is infinite", () => {
  assert.equal(chiSquare([1, 0], [1, 0]), 0);
  assert.equal(chiSquare([0.5, 0.5], [1, 0]), Infinity);
});

test("coverage trap: ν* sits at the right end, where the uniform policy's ν has almost no mass; every row has full support", () => {
  const mdp = coverageTrap(Rng.fromSeed(4), { name: "t", states: 8, actions: 3, success: 0.9, gamma: 0.9, mixing: 0.02, dim: 4 });
  for (let j = 0; j < 24; j++) for (let t = 0; t < 8; t++) assert.ok(mdp.transitions[j * 8 + t] >= 0.02 / 8 - 1e-15);
  const opt = optimalPolicy(mdp);
  for (let s = 0; s < 8; s++) assert.equal(opt.policy[s * 3], 1, `π* moves right in state ${s}`);
  const nu0 = stationaryDistribution(mdp, uniformPolicy(mdp)).nu;
  assert.ok(opt.nu[7] > 0.9 && nu0[7] < 0.02, `ν*(7) = ${opt.nu[7]}, ν0(7) = ${nu0[7]}`);
  assert.ok(varphiStar(opt.nu, nu0) > 7);
  assert.throws(() => coverageTrap(Rng.fromSeed(1), { name: "t", states: 1, actions: 3, success: 0.9, gamma: 0.9, mixing: 0.02, dim: 4 }), /states must be an integer >= 2, got 1/);
});
