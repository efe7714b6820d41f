import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SolverSweepConfig } from "../lib/experiments/solver-sweeps";
import * as theory from "../lib/theory";
import { collapseFigure, errorVsIterations, errorVsWidth, heldOutTable, lastVersusAverage, RegimeArm, regimeFindings, runRegimeArm, slopeTable, SolverCurves, xMin } from "../lib/report/solver-figures";

let dir = "";
const previous = process.env.NPPO_RESULTS_DIR;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "nppo-solver-figures-"));
  process.env.NPPO_RESULTS_DIR = dir;
});
after(() => {
  if (previous === undefined) delete process.env.NPPO_RESULTS_DIR;
  else process.env.NPPO_RESULTS_DIR = previous;
  rmSync(dir, { recursive: true, force: true });
});

const sweep = (over: Partial<SolverSweepConfig>): SolverSweepConfig => ({ mdp: "data/mdp/garnet-s4-a3.json", widths: [16], iterations: [64, 128, 256, 512, 1024, 2048], replicas: 3, radius: { realizabilityMultiple: 1.5 }, seed: 4, ...over });

async function smallArm(): Promise<RegimeArm> {
  return runRegimeArm("improvement", { label: "small", sweepT: sweep({}), sweepM: sweep({ widths: [8, 32], iterations: [2048] }), initControl: sweep({ init: "antisymmetric" }) });
}

/** One-hot features with η = 4·T^-1/2: x_min = 1 at T ≈ 146, so T = 256…2048 are past the transient and the held-out check runs. */
async function convergedArm(): Promise<RegimeArm> {
  const onehot = (over: Partial<SolverSweepConfig>) => sweep({ mdp: "data/mdp/garnet-s6-a2-onehot.json", widths: [32], stepSize: { c: 4, power: 0.5 }, ...over });
  return runRegimeArm("improvement", { label: "converged", sweepT: onehot({}), sweepM: onehot({ widths: [64, 128, 256], iterations: [2048] }), initControl: onehot({ init: "antisymmetric" }) });
}

function legend(data: Record<string, unknown>[]): string[] {
  return data.map((t) => t.name).filter((n): n is string => typeof n === "string");
}

test("replacing a curve in `curves` changes the figure's legend, the table's theory column and the findings' theory text", async () => {
  const arm = await convergedArm();
  assert.ok(xMin(arm, 256) >= 1);
  const mine: SolverCurves = { ...theory, optimisationRate: theory.labelled((T: number, c: number) => c / T, "c/T") };
  const a = errorVsIterations([arm], { theorem: "4.5", curves: theory });
  const b = errorVsIterations([arm], { theorem: "4.5", curves: mine });
  assert.ok(legend(a.figure.data).some((n) => n.startsWith("c·T<sup>−1/2</sup> + width floor, c fitted")), legend(a.figure.data).join(" | "));
  assert.ok(legend(b.figure.data).some((n) => n.startsWith("c/T + width floor, c fitted")), legend(b.figure.data).join(" | "));
  assert.ok(!legend(b.figure.data).some((n) => n.includes("T<sup>−1/2</sup> + width floor")));
  assert.match(String(slopeTable(a.slopes, theory)[0].theory), /^c·T\^-1\/2: -0\.500$/);
  assert.match(String(slopeTable(b.slopes, mine)[0].theory), /^c\/T: -1\.000$/);
  assert.equal(heldOutTable(b.heldOut, mine)[0].rate, "c/T + floor");
  assert.equal(heldOutTable(b.heldOut, mine)[0]["first T with x_min ≥ 1"], "2^8");
  // An unlabelled replacement shows its source text, and its exponent is measured from it.
  const bare: SolverCurves = { ...theory, optimisationRate: (T: number, c: number) => c * T ** -0.75 };
  const unlabelled = errorVsIterations([arm], { theorem: "4.5", curves: bare });
  // (The transpiler may rename and reformat the source: "(T, c2) => c2 * T ** -0.75".)
  assert.match(String(slopeTable(unlabelled.slopes, bare)[0].theory).replace(/\s/g, ""), /^\(T,\w+\)=>\w+\*T\*\*-0?\.75:-0\.750$/);
  const last = lastVersusAverage([arm], { theorem: "4.5", m: 32 });
  const vsM = errorVsWidth([arm], { theorem: "4.5", curves: mine });
  const figures = { vsT: "t", last: "l", vsM: "m", collapse: "c" };
  const findingsA = regimeFindings({ theorem: "4.5", arms: [arm], vsT: a, last, vsM, curves: theory, figures });
  const findingsB = regimeFindings({ theorem: "4.5", arms: [arm], vsT: b, last, vsM, curves: mine, figures });
  assert.ok(findingsA.some((f) => f.theory.includes("rate c·T^-1/2 (exponent -0.50")));
  assert.ok(findingsB.some((f) => f.theory.includes("rate c/T (exponent -1.00")));
  assert.ok(findingsB.every((f) => !f.theory.includes("T^-1/2 (exponent")));
  // The width terms and the collapse curve relabel too.
  const widthCurves: SolverCurves = { ...theory, widthRateQuarter: theory.labelled((m: number, c: number) => c * m ** -0.3, "c·m^-0.3"), residualFractionLimit: theory.labelled((x: number) => Math.exp(-x), "e^-x") };
  assert.ok(legend(errorVsWidth([arm], { theorem: "4.5", curves: widthCurves }).figure.data).some((n) => n.includes("c·m<sup>−0.3</sup>")));
  assert.ok(legend(collapseFigure([arm], { theorem: "4.5", curves: widthCurves }).figure.data).some((n) => n.startsWith("e<sup>−x</sup>")));
});

test("verdicts in the findings come only from tests that could fail; measurements carry none", async () => {
  const arm = await smallArm();
  const vsT = errorVsIterations([arm], { theorem: "4.5", curves: theory });
  const findings = regimeFindings({ theorem: "4.5", arms: [arm], vsT, last: lastVersusAverage([arm], { theorem: "4.5", m: 16 }), vsM: errorVsWidth([arm], { theorem: "4.5", curves: theory }), curves: theory, figures: { vsT: "t", last: "l", vsM: "m", collapse: "c" } });
  for (const f of findings) {
    if (/held-out|where λ_min·η·T ≥ 1|linearised prediction|width terms|normalised ratio/.test(f.statement)) continue;
    assert.equal(f.verdict, undefined, `${f.statement} is a measurement, yet has the verdict "${f.verdict}"`);
  }
  // A held-out check gets a verdict only past the transient (x_min ≥ 1); this small arm is inside one.
  assert.ok(xMin(arm, 2048) < 1);
  const held = findings.find((f) => f.statement.includes("held-out"))!;
  assert.equal(held.verdict, undefined);
  assert.match(held.measured, /no verdict, 0 points with x_min ≥ 1/);
});

test("step-size collapse: curves that coincide against x agree, a curve lifted by 30% at large c fails, and the band is the pair's (Bonferroni)", async () => {
  const { collapseComparisons } = await import("../lib/report/step-size-figures");
  const lambda = 0.02;
  const Ts = [64, 256, 1024, 4096, 16384];
  const curve = (c: number, lift = 1) => {
    const x = Ts.map((T) => c * lambda * Math.sqrt(T));
    return { c, Ts, x, summary: x.map((v) => ({ mean: lift * theory.residualFractionLimit(v), standardError: 0.01 * theory.residualFractionLimit(v), n: 16 })), predicted: x.map((v) => theory.residualFractionLimit(v)) };
  };
  const same = collapseComparisons([curve(1), curve(4)]);
  assert.equal(same[0].agree, true);
  assert.ok(same[0].x.length >= 2);
  // 1% relative s.e. on both: the band is z·√2·1% with z = Φ^-1(1 − 0.025/n) > 1.96.
  assert.ok(same[0].halfWidth[0] > 1.96 * Math.SQRT2 * 0.01);
  const lifted = collapseComparisons([curve(1), curve(4), curve(16, 1.3)]);
  assert.deepEqual(lifted.map((c) => c.agree), [true, false]);
});

test("radius sweep: below R_min the projection binds and the outputs sit in the ball; the bound at c = 1 is the theory function's value; findings are measurements", async () => {
  const { radiusFindings, radiusSweepFigures, runRadiusSweep, outputLinearisationFigure } = await import("../lib/report/radius-figures");
  const configs = [0.1, 2].map((k) => sweep({ widths: [16], iterations: [1024], radius: { realizabilityMultiple: k } }));
  const arm = await runRadiusSweep("improvement", "small", configs);
  const { points } = radiusSweepFigures([arm], { theorem: "4.5", curves: theory });
  const [low, high] = [points.find((p) => p.multiple === 0.1)!, points.find((p) => p.multiple === 2)!];
  assert.ok(low.projections.mean > 0);
  assert.ok(low.distanceAverage.mean <= low.radius.mean * (1 + 1e-6) && low.distanceLast.mean <= low.radius.mean * (1 + 1e-6));
  assert.ok(Math.abs(high.boundAtOne - theory.improvementErrorBound(1024, 16, high.radius.mean, 1) / high.targetMeanSquare) < 1e-12);
  assert.ok(high.mse.mean < low.mse.mean, "a radius below R_min leaves more of the target unfitted");
  for (const f of radiusFindings(points, { theorem: "4.5", curves: theory, figure: "r" })) assert.equal(f.verdict, undefined);
  // The gap at the outputs is recorded per row and drawn against R³m^-1/2 with c held out.
  const gap = outputLinearisationFigure([await smallArm()], { theorem: "4.5", curves: theory });
  assert.ok(gap.rows[0].check !== null && gap.rows[0].average.every((g) => g.mean >= 0));
});
