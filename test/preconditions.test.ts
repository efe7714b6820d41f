import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/util/paths";
import { preconditionWarnings, preconditionWarningsOnce, printPreconditionWarnings } from "../lib/experiments/preconditions";
import { tempDir } from "./temp";

const GARNET = "data/mdp/garnet-s4-a3.json"; // |S||A| = 12, d = 6, γ = 0.9

test("a config breaking Thm 4.6's T and the rank condition m·d ≥ |S||A| gets both warnings", () => {
  const w = preconditionWarnings("evaluation", { mdp: GARNET, widths: [1, 16], iterations: [256] });
  assert.deepEqual(w, [
    "iterations T = 256 < 64/(1−γ)² = 6400: outside Thm 4.6's range",
    "width m = 1: m·d = 6 < |S||A| = 12, so Φ₀ is rank-deficient and Assumption 4.3 cannot hold for every Q",
  ]);
});

test("an MDP without features gets no width warnings (the experiment's own error says what is wrong)", () => {
  const raw = JSON.parse(readFileSync(join(REPO_ROOT, GARNET), "utf8"));
  delete raw.features;
  const path = join(tempDir("pre"), "no-features.json");
  writeFileSync(path, JSON.stringify(raw));
  assert.deepEqual(preconditionWarnings("improvement", { mdp: path, widths: [16, 64], iterations: [1024] }), []);
});

test("several configs sharing a broken precondition print it once", () => {
  const base = { mdp: GARNET, widths: [32], iterations: 256, radiusQ: 5, radiusF: 6 };
  const configs = [base, { ...base, widths: [32] }, { ...base, radiusF: 4 }];
  assert.equal(configs.flatMap((c) => preconditionWarnings("convergence", c)).length, 4);
  assert.deepEqual(preconditionWarningsOnce("convergence", configs), [
    "iterations T = 256 < 64/(1−γ)² = 6400: outside Thm 4.6's range",
    "radiusF = 4 < radiusQ = 5: Alg. 1 needs R_f ≥ R_Q",
  ]);
  const lines: string[] = [];
  printPreconditionWarnings("convergence", configs, (l) => lines.push(l));
  assert.deepEqual(lines, preconditionWarningsOnce("convergence", configs).map((w) => `precondition: ${w}`));
});
