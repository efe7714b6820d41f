import { test } from "node:test";
import assert from "node:assert/strict";
import { luFactor, luSolve, solve } from "../lib/linalg";
import { ntkConditioning, tdLambdaMinRe } from "../lib/mdp/conditioning";
import { auxiliaryDistribution, energyPolicy, stateActionDistribution, stationaryDistribution } from "../lib/mdp/exact";
import { garnet } from "../lib/mdp/generators";
import { slowestNtk, slowestTd } from "../lib/mdp/slowest-direction";
import { mdpStream } from "../lib/random";
import { regimeRows, RegimeScalingConfig, validateRegimeScalingConfig } from "../lib/experiments/regime-scaling";
import { ConfigError } from "../lib/experiments/validate";

test("luFactor/luSolve solve as the one-shot solve does", () => {
  const n = 7;
  const A = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 1.3) + (i % (n + 1) === 0 ? 3 : 0));
  const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const f = luFactor(A, n);
  const x = luSolve(f, b);
  const y = solve(A, b, n);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(x[i] - y[i]) <= 1e-12 * (1 + Math.abs(y[i])));
});

test("the shift-invert λ_min of Algs. 2 and 3 equal the dense eigen-solvers' (one-hot and random features, a non-uniform policy)", () => {
  for (const [S, A, features] of [[10, 4, { kind: "one-hot" }], [10, 4, { kind: "random", dim: 30 }], [40, 3, { kind: "one-hot" }], [20, 4, { kind: "random", dim: 50 }]] as const) {
    const mdp = garnet(mdpStream(7).split(`slowest-${S}-${A}-${features.kind}`), { name: "g", states: S, actions: A, branching: 3, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.05, features });
    const pi = energyPolicy(mdp, Float64Array.from({ length: S * A }, (_, j) => 3 * Math.sin(1.3 * j)));
    const nu = stationaryDistribution(mdp, pi).nu;
    const aux = auxiliaryDistribution(mdp, nu);
    const sigma = stateActionDistribution(mdp, nu, pi);
    const ntk = slowestNtk(mdp.features!, mdp.dim!, aux);
    const dense = ntkConditioning(mdp.features!, mdp.dim!, aux).lambdaMin;
    assert.ok(Math.abs(ntk.lambdaMin - dense) <= 1e-9 * dense, `${S}×${A} ${features.kind}: ${ntk.lambdaMin} vs ${dense}`);
    assert.equal(ntk.method, features.kind === "one-hot" ? "diagonal" : "lanczos");
    const td = slowestTd(mdp, mdp.features!, mdp.dim!, sigma, pi);
    const tdDense = tdLambdaMinRe(mdp, mdp.features!, mdp.dim!, sigma, pi);
    assert.ok(Math.abs(td.lambdaMinRe - tdDense) <= 1e-9 * tdDense, `${S}×${A} ${features.kind} TD: ${td.lambdaMinRe} vs ${tdDense}`);
    assert.ok(td.converged >= 1);
  }
});

test("regime-scaling: T₁ = 1/λ² per row, the config validated with its field named", () => {
  const config: RegimeScalingConfig = { mdps: [], garnets: [[6, 2]], garnetGamma: 0.9, garnetBranching: 2, garnetMixing: 0.1, mdpSeed: 1, betaOverSpan: 0.3, horizon: 4, checkpoints: [0, 4], minGapHorizons: [2] };
  const mdp = garnet(mdpStream(1).split("garnet-s6-a2-onehot"), { name: "garnet-s6-a2-onehot", states: 6, actions: 2, branching: 2, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.1, features: { kind: "one-hot" } });
  const rows = regimeRows("g", mdp, validateRegimeScalingConfig(config));
  assert.equal(rows.length, 4);
  for (const r of rows) assert.equal(r.tForX1, 1 / (r.lambdaMin as number) ** 2);
  // Alg. 2 with one-hot features: λ_min = min σ̃/2 ≤ 1/(2N), so T₁ ≥ 4N².
  for (const r of rows.filter((x) => x.algorithm === "alg2")) assert.ok((r.tForX1 as number) >= 4 * 12 ** 2);
  assert.throws(() => validateRegimeScalingConfig({ ...config, checkpoints: [5] }), (e: unknown) => e instanceof ConfigError && /checkpoints\[0\] must be <= horizon = 4/.test(e.message));
  assert.throws(() => validateRegimeScalingConfig({ ...config, garnets: [[1, 2]] }), /garnets\[0\]\[0\] must be >= 2/);
});
