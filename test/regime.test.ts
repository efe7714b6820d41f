import { test } from "node:test";
import assert from "node:assert/strict";
import type { Row } from "../lib/experiments/results-io";
import { innerRateTest, RATE_TOLERANCE, REQUIRED_MSE_SLOPE, RunConditioning, seriesRegime, SOLVERS_PAST_TRANSIENT, STEP_SIZE_C_TESTED, THEOREM_REGIME } from "../lib/ppo/regime";
import { summariseRuns } from "../lib/report/convergence-figures";
import { budgetTable, chainBudgets, regimeTable } from "../lib/report/chain-figures";
import * as theory from "../lib/theory";

/** A synthetic neural run of K steps with every column summariseRuns and chainBudgets read; `edit` changes rows. */
function syntheticRun(K: number, opts: { m?: number; T?: number; replica?: number; c?: number; improveMse?: number; evalMse?: number; lambdaMin?: number; edit?: (r: Row) => void } = {}): Row[] {
  const rows: Row[] = [];
  for (let k = 0; k <= K; k++) {
    const r: Row = {
      variant: "neural-ppo", K, k, m: opts.m ?? 64, T: opts.T ?? 4096, replica: opts.replica ?? 0, init: "antisymmetric", alpha0: "shared", beta: 0.3, gamma: 0.7,
      stepSizeC: opts.c ?? 1, stepSizePower: 0.5, radiusF: 6, radiusQ: 5, gap: 0.3 / (k + 1), M: 72, klStar: Math.log(2) / (k + 1),
      phiStar: 1.1, psiStar: 1.2, varphiStar: 1.1, densityRatioMax: 2, ntkLambdaMinK: opts.lambdaMin ?? 0.5, tdLambdaMinReK: opts.lambdaMin ?? 0.5,
    };
    if (k < K) Object.assign(r, { improveMse: opts.improveMse ?? 1e-3, evalMse: opts.evalMse ?? 1e-3, tauNext: (0.3 * Math.sqrt(K)) / (k + 1), lambda: 0.3 * Math.sqrt(K), logPartition: 0.01, stepError: 0.001, logPartitionPinsker: 0.02, energyStepSq: 0.1, logPartitionHoeffding: 0.015, spanSq: 0.1, improveLinfSq: 0.02, criticSupSq: 0.05 });
    opts.edit?.(r);
    rows.push(r);
  }
  return rows;
}

test("summariseRuns: a blank conditioning column gives x = NaN, not ∞; one blank k is not ignored; the label is then never earned", () => {
  const full = summariseRuns(syntheticRun(4), 2)[0];
  assert.ok(Math.abs(full.xCritic - 0.5 * Math.sqrt(4096) * 1) < 1e-9 && full.xCritic > 1);
  const blank = summariseRuns(syntheticRun(4, { edit: (r) => { delete r.tdLambdaMinReK; delete r.ntkLambdaMinK; } }), 2)[0];
  assert.ok(Number.isNaN(blank.xCritic) && Number.isNaN(blank.xActor), `blank columns: ${blank.xCritic}, ${blank.xActor}`);
  // One k with no record, the others well conditioned: judged on every k, so unmeasured.
  const oneMissing = summariseRuns(syntheticRun(4, { lambdaMin: 1, edit: (r) => { if (r.k === 2) r.tdLambdaMinReK = ""; } }), 2)[0];
  assert.ok(Number.isNaN(oneMissing.xCritic) && oneMissing.xActor > 1);
  // k = K runs no solver: its conditioning does not count.
  const lastBad = summariseRuns(syntheticRun(4, { edit: (r) => { if (r.k === 4) r.tdLambdaMinReK = 1e-9; } }), 2)[0];
  assert.equal(lastBad.xCritic, full.xCritic);
  assert.ok(Number.isNaN(summariseRuns(syntheticRun(4, { edit: (r) => { if (r.k === 1) delete r.improveMse; } }), 2)[0].improveMseMax));
  // Through regimeTable: a series whose critic column is blank is "critic unconverged", whatever else it meets.
  const runs = [2, 4, 8].flatMap((K, i) => summariseRuns(syntheticRun(K, { m: 64 * 4 ** i, T: 1024 * K * K, edit: (r) => { delete r.tdLambdaMinReK; } }), 2));
  const table = regimeTable([{ arm: "blank", schedule: { label: "T = 2¹⁰K²", T: (K) => 1024 * K * K }, runs }]);
  assert.equal(table.length, 3, "one row per width when no width function is given");
  const diag = regimeTable([{ arm: "blank", schedule: { label: "T = 2¹⁰K²", T: (K) => 1024 * K * K }, runs, width: (K) => 64 * 4 ** Math.log2(K / 2) }]);
  assert.equal(diag.length, 1);
  assert.match(String(diag[0].label), /^critic unconverged/);
});

test("innerRateTest: passes a falling MSE shown near the required slope or steeper, fails a flat, too shallow or merely unrefuted one, and says nothing on < 3 K", () => {
  const Ks = [2, 4, 8, 16];
  const noisy = (slope: number) => Ks.map((K, i) => [0, 1, 2].map((r) => K ** slope * (1 + 0.02 * ((i + r) % 3 - 1))));
  assert.equal(innerRateTest(Ks, noisy(-3), -3)!.passed, true);
  assert.equal(innerRateTest(Ks, noisy(-4), -3)!.passed, true, "steeper than needed passes");
  const shallow = innerRateTest(Ks, noisy(-2), -3)!;
  assert.equal(shallow.passed, false);
  assert.ok(shallow.lo > -3 && shallow.hi < 0);
  assert.equal(innerRateTest(Ks, noisy(0), -1)!.passed, false);
  // Three K with noise at the scale of the signal: an interval wide enough to hold −3 is not evidence of −3.
  const wide = innerRateTest([2, 4, 8], [[1], [0.29], [0.0625]], -3)!;
  assert.ok(wide.lo < -3 && wide.hi < 0 && wide.hi > -3 + RATE_TOLERANCE, `${wide.lo} ${wide.hi}`);
  assert.equal(wide.passed, false, "a wide interval does not pass for want of evidence against it");
  assert.equal(innerRateTest([2, 4], noisy(-3).slice(0, 2), -3), null);
  assert.equal(innerRateTest(Ks, [[1], [NaN], [1], [1]], -1), null, "a missing MSE is not a passed test");
});

test("seriesRegime: \"solvers past transient\" only with x ≥ 1 and growing m; \"theorem's regime\" only if also the inner rates, c ≤ 4, T ≥ 64/(1−γ)² and R_f ≥ R_Q hold", () => {
  const Ks = [2, 4, 8];
  const base = (K: number, i: number): RunConditioning => ({ K, m: 64 * 4 ** i, xCritic: 2, xActor: 3, improveMse: [1, 1.1].map((v) => v * K ** -3.2), evalMse: [1, 1.1].map((v) => v * K ** -1.5), c: 1, T: 1024 * K * K, gamma: 0.7, radiusF: 6, radiusQ: 5 });
  const ok = Ks.map(base);
  assert.equal(seriesRegime(ok).label, THEOREM_REGIME);
  const variants: [string, RunConditioning[], RegExp][] = [
    ["c = 64", ok.map((r) => ({ ...r, c: 64 })), /c above the tested range/],
    [`c just above ${STEP_SIZE_C_TESTED}`, ok.map((r) => ({ ...r, c: STEP_SIZE_C_TESTED * 1.01 })), /c above/],
    ["T short", ok.map((r, i) => (i === 0 ? { ...r, T: 700 } : r)), /T below 64\/\(1−γ\)²/],
    ["R_f < R_Q", ok.map((r) => ({ ...r, radiusF: 4 })), /R_f < R_Q/],
    ["actor rate", ok.map((r) => ({ ...r, improveMse: r.improveMse!.map((v, j) => (j + 1) * 1e-3 * r.K ** -1.5) })), /actor MSE not falling like K\^-3/],
    ["critic flat", ok.map((r) => ({ ...r, evalMse: [1e-2, 1.1e-2] })), /critic MSE not falling/],
    ["two K", ok.slice(0, 2), /rate untested/],
    ["no MSE", ok.map((r) => ({ ...r, evalMse: undefined })), /rate untested/],
    ["no c", ok.map((r) => ({ ...r, c: undefined })), /c above/],
  ];
  for (const [name, series, why] of variants) {
    const { label } = seriesRegime(series);
    assert.ok(label.startsWith(SOLVERS_PAST_TRANSIENT), `${name}: ${label}`);
    assert.match(label, why, name);
    assert.notEqual(label, THEOREM_REGIME, name);
  }
  // The weaker label is never given without its own conditions, whatever the stronger ones say.
  for (const [name, series] of [["x < 1", ok.map((r, i) => (i === 2 ? { ...r, xCritic: 0.99 } : r))], ["fixed m", ok.map((r) => ({ ...r, m: 64 }))], ["x NaN", ok.map((r) => ({ ...r, xActor: NaN }))]] as const) {
    const { label } = seriesRegime([...series]);
    assert.ok(!label.includes(SOLVERS_PAST_TRANSIENT) && label !== THEOREM_REGIME, `${name}: ${label}`);
  }
  assert.equal(REQUIRED_MSE_SLOPE.actor, -3);
});

test("budget: Lemma 4.8's bar is Σ(ρ_k|A|τ⁻²ϵ² + M/λ²) (NeurIPS ε'_k with the change of measure), the printed one beside it with ρ = 1; each bound is set against the previous step of the chain too", () => {
  const rows = syntheticRun(4);
  const [b] = chainBudgets(rows, 2);
  let withRho = 0, printed = 0, young = 0;
  for (const r of rows.filter((x) => (x.k as number) < 4)) {
    const tau = r.tauNext as number, lam = r.lambda as number, mse = r.improveMse as number;
    withRho += (2 * 2 * mse) / tau ** 2 + 72 / lam ** 2;
    printed += (2 * mse) / tau ** 2 + 72 / lam ** 2;
    young += (r.energyStepSq as number) / 2;
  }
  assert.ok(Math.abs(b.sumLemma48 - withRho) < 1e-12 && Math.abs(b.sumLemma48NeurIPS - printed) < 1e-12);
  assert.ok(b.sumLemma48 > b.sumLemma48NeurIPS, "ρ = 2 here");
  const table = budgetTable([{ name: "a", budgets: [b] }]);
  const l48 = table.find((r) => r.term === "Σ logPartition (Lemma 4.8, change of measure)")!;
  // Lemma 4.8 is set against the split of Young's term into its measured shares, the split against Young.
  let split = 0;
  for (const r of rows.filter((x) => (x.k as number) < 4)) split += (r.improveLinfSq as number) + (r.criticSupSq as number) / (r.lambda as number) ** 2;
  assert.equal(l48["previous step"], "split");
  assert.ok(Math.abs(Number(l48["log10(bound/previous step)"]) - Math.log10(withRho / split)) < 1e-12);
  const splitRow = table.find((r) => r.term === "Σ logPartition (split into measured shares)")!;
  assert.equal(splitRow["previous step"], "Young step");
  assert.ok(Math.abs(Number(splitRow["log10(bound/previous step)"]) - Math.log10(split / young)) < 1e-12);
  assert.ok(Math.abs(Number(l48["log10(bound/measured)"]) - Math.log10(withRho / b.sumLogPartition)) < 1e-12);
  const youngRow = table.find((r) => r.term === "Σ logPartition (Young step)")!;
  assert.ok(Math.abs(Number(youngRow["log10(bound/previous step)"]) - Math.log10(young / b.sumPinsker)) < 1e-12);
  // Thm 4.9 in summariseRuns uses the same ε'_k.
  const s = summariseRuns(rows, 2)[0];
  let eps = 0;
  for (const r of rows.filter((x) => (x.k as number) < 4)) eps += theory.epsilonK({ tauNext: r.tauNext as number, betaK: r.lambda as number, improveRootMse: Math.sqrt(r.improveMse as number), evalRootMse: Math.sqrt(r.evalMse as number), phiStar: 1.1, psiStar: 1.2 }) + (2 * 2 * (r.improveMse as number)) / (r.tauNext as number) ** 2;
  assert.ok(Math.abs(s.sumEps - eps) < 1e-12);
});

test("slopeInterval: none with < 3 K or < 8 replicas; the union of bootstrap and residual-t, so a misfitting power law widens it; unpaired rows resampled per K", async () => {
  const { slopeInterval } = await import("../lib/report/convergence-figures");
  const { independentBootstrapSlopeInterval } = await import("../lib/stats");
  const reps = (center: number, n = 8) => Array.from({ length: n }, (_, r) => center * (1 + 0.01 * (r - 3.5)));
  const Ks = [2, 4, 8, 16];
  assert.equal(slopeInterval(Ks.slice(0, 2), Ks.slice(0, 2).map((K) => reps(1 / K)), { paired: true }), null);
  assert.equal(slopeInterval(Ks, Ks.map((K) => reps(1 / K, 4)), { paired: true }), null);
  // A curved (non-power-law) mean with tiny replica noise: the bootstrap is tight, the residual interval is not.
  const curved = slopeInterval(Ks, Ks.map((K, i) => reps([1, 0.2, 0.15, 0.02][i])), { paired: true })!;
  assert.ok(curved.bootstrap!.hi - curved.bootstrap!.lo < 0.1, "tight bootstrap");
  assert.ok(curved.residual!.hi - curved.residual!.lo > 1, "wide residual interval");
  assert.ok(curved.lo <= Math.min(curved.bootstrap!.lo, curved.residual!.lo) && curved.hi >= Math.max(curved.bootstrap!.hi, curved.residual!.hi));
  const unpaired = slopeInterval(Ks, Ks.map((K, i) => reps(1 / K, 8 + i)), { paired: false })!;
  assert.ok(unpaired.lo <= -1 && unpaired.hi >= -1);
  const ind = independentBootstrapSlopeInterval([1, 2, 4], [[1, 1.1], [0.5, 0.55, 0.52], [0.25, 0.26]]);
  assert.ok(ind.lo <= ind.slope && ind.slope <= ind.hi);
});
