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

test("step-size collapse: paired per replica, with an equivalence margin: coinciding curves are equivalent despite a large shared replica spread, a planted shift fails, a shift near the margin is inconclusive", async () => {
  const { collapseComparisons, collapseFindings } = await import("../lib/report/step-size-figures");
  const lambda = 0.02;
  const Ts = [64, 256, 1024, 4096, 16384];
  const R = 8;
  // Each replica's α(0) and samples are shared by every c: a replica effect of ±30% common to all c,
  // plus a small part of its own (±1%, alternating in sign over replicas, T and neighbouring c). Deterministic.
  const shared = Array.from({ length: R }, (_, r) => Math.exp(0.3 * Math.sin(1.7 * r + 0.4)));
  const own = (c: number, t: number, r: number) => 1 + 0.01 * (-1) ** (r + t + Math.round(Math.log2(c) / 2));
  const curve = (c: number, lift = 1) => {
    const x = Ts.map((T) => c * lambda * Math.sqrt(T));
    const values = x.map((v, t) => shared.map((e, r) => lift * theory.residualFractionLimit(v) * e * own(c, t, r)));
    const summary = values.map((vs) => {
      const m = vs.reduce((a, b) => a + b, 0) / R;
      return { mean: m, standardError: Math.sqrt(vs.reduce((a, b) => a + (b - m) ** 2, 0) / (R - 1) / R), n: R };
    });
    return { c, Ts, x, summary, predicted: x.map((v) => theory.residualFractionLimit(v)), replicas: shared.map((_, r) => r), logByReplica: values.map((vs) => vs.map(Math.log)) };
  };
  const same = collapseComparisons([curve(1), curve(4)]);
  assert.equal(same[0].outcome, "equivalent");
  assert.ok(same[0].x.length >= 2);
  // Pairing removes the shared spread: the band is far narrower than the curves' own relative s.e. (≈ 8% here).
  const rse = curve(1).summary[0].standardError / curve(1).summary[0].mean;
  assert.ok(same[0].halfWidth[0] < rse / 2, `paired half-width ${same[0].halfWidth[0]} vs relative s.e. ${rse}`);
  // A 30% shift at c = 16: different, and the finding fails for that pair only.
  const lifted = collapseComparisons([curve(1), curve(4), curve(16, 1.3)]);
  assert.deepEqual(lifted.map((c) => c.outcome), ["equivalent", "different"]);
  const f = collapseFindings(lifted, { theorem: "4.5", label: "one-hot", m: 64, figure: "x" });
  assert.match(f[0].verdict!, /^fails for c = 4 → 16/);
  // A shift right at the margin (log 1.1 ≈ 0.095 against δ = 0.1): the interval straddles δ, no verdict either way.
  const edge = collapseComparisons([curve(1), curve(4, 1.1)]);
  assert.equal(edge[0].outcome, "inconclusive");
  assert.match(collapseFindings(edge, { theorem: "4.5", label: "one-hot", m: 64, figure: "x" })[0].verdict!, /^no verdict/);
  // A wider margin admits it; replicas that do not match cannot be paired.
  assert.equal(collapseComparisons([curve(1), curve(4, 1.1)], { margin: 0.2 })[0].outcome, "equivalent");
  assert.throws(() => collapseComparisons([curve(1), { ...curve(4), replicas: curve(4).replicas.map((r) => r + 1) }]), /same replicas/);
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
