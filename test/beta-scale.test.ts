/**
 * β against the reward scale (issue 23, SPEC §9): a β that leaves exact PPO's policy where it
 * started is flagged before a run, with β*; one that moves it is not.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { betaScaleWarning, preconditionWarnings } from "../lib/experiments/preconditions";
import { loadMdpInput } from "../lib/experiments/mdp-input";
import { exactPpo } from "../lib/ppo/exact-ppo";
import { objective, optimalPolicy } from "../lib/mdp/exact";

test("a β that makes K first KL steps negligible is flagged with β*, and the flag matches how little exact PPO moves", () => {
  const mdp = loadMdpInput("data/mdp/garnet-s4-a3.json").mdp;
  assert.equal(betaScaleWarning(mdp, 0.1, [2, 8, 32]), null);
  // The same MDP with rewards 100× smaller: Q shrinks 100×, and β = 0.3 no longer moves π_0.
  const small = { ...mdp, rewards: mdp.rewards.map((r) => r / 100) };
  const w = betaScaleWarning(small, 0.3, [32]);
  assert.ok(w, "flagged");
  assert.match(w, /barely moves.*β\* ≈ √\(S̄₀\/\(8 log\|A\|\)\) = [\d.e-]+ \(SPEC §9\)/);
  const opt = optimalPolicy(small);
  const lStar = objective(opt.V, opt.nu);
  const run = exactPpo(small, 0.3, 32, opt.nu, lStar, opt.policy);
  const moved = run.steps[0].gap - run.steps[run.steps.length - 1].gap;
  assert.ok(moved / run.steps[0].gap < 0.05, `exact PPO closes ${(100 * moved / run.steps[0].gap).toFixed(1)}% of the gap: barely moves, as flagged`);
  const optBig = optimalPolicy(mdp);
  const big = exactPpo(mdp, 0.1, 32, optBig.nu, objective(optBig.V, optBig.nu), optBig.policy);
  assert.ok(big.steps[big.steps.length - 1].gap < 0.5 * big.steps[0].gap, "the unflagged β closes most of the gap");
});

test("the convergence preconditions include the β warning", () => {
  const config = { mdp: "data/mdp/garnet-s4-a3.json", horizons: [32], beta: 30, widths: [32], iterations: [6400], replicas: 1, radiusF: 6, radiusQ: 5, seed: 1 };
  assert.ok(preconditionWarnings("convergence", config).some((x) => /beta = 30: .*barely moves/.test(x)));
  assert.ok(!preconditionWarnings("convergence", { ...config, beta: 0.1 }).some((x) => /barely moves/.test(x)));
});
