import { test } from "node:test";
import assert from "node:assert/strict";
import { bandQuantile, heldOutAfterTransient, heldOutRateCheck, ratioTrend, slopeVerdict, widthTermsCheck } from "../lib/verdicts";
import { fitPowerLaw } from "../lib/stats";
import { curveExponent, curveLabel, optimisationRate } from "../lib/theory";

const Ts = Array.from({ length: 11 }, (_, i) => 2 ** (6 + i));
const g = (T: number) => T ** -0.5;

test("held-out rate check: a case built to fail fails (data falling like T^-1/4 against T^-1/2)", () => {
  const mean = Ts.map((T) => 0.3 * T ** -0.25);
  const check = heldOutRateCheck(Ts, mean, Ts.map(() => 0), g);
  assert.equal(check.holds, false);
  assert.ok(check.worstRatio > 2, `worst ratio ${check.worstRatio}`);
});

test("held-out rate check: data falling faster than the rate hold, and noise inside the band does not fail it", () => {
  const mean = Ts.map((T) => 2 / T);
  assert.equal(heldOutRateCheck(Ts, mean, Ts.map(() => 0), g).holds, true);
  // Exactly on c·T^-1/2 with the held-out half pushed 10% up, but within 1.96 s.e.: holds.
  const onLine = Ts.map((T, i) => (i >= 5 ? 1.1 : 1) * g(T));
  assert.equal(heldOutRateCheck(Ts, onLine, Ts.map((T) => 0.06 * g(T)), g).holds, true);
  assert.equal(heldOutRateCheck(Ts, onLine, Ts.map(() => 0), g).holds, false);
});

test("held-out rate check: the constant is fitted on the smaller half only, and tested on the rest", () => {
  const mean = Ts.map((T) => T ** -0.4);
  const a = heldOutRateCheck(Ts, mean, Ts.map(() => 0), g);
  assert.deepEqual(a.fitX, Ts.slice(0, 5));
  assert.deepEqual(a.testX, Ts.slice(5));
  const changed = mean.map((v, i) => (i >= 5 ? 100 * v : v));
  assert.equal(heldOutRateCheck(Ts, changed, Ts.map(() => 0), g).constant, a.constant);
});

test("slope and ratio verdicts follow their confidence intervals", () => {
  const noisy = (p: number) => Ts.map((T, i) => T ** p * (1 + 0.05 * Math.sin(7 * i)));
  assert.equal(slopeVerdict(fitPowerLaw(Ts, noisy(-1)), -0.5), "steeper");
  assert.equal(slopeVerdict(fitPowerLaw(Ts, noisy(-0.5)), -0.5), "consistent");
  assert.equal(slopeVerdict(fitPowerLaw(Ts, noisy(-0.25)), -0.5), "shallower");
  assert.equal(ratioTrend(Ts, noisy(0.2)).trend, "rising");
  assert.equal(ratioTrend(Ts, noisy(-0.2)).trend, "falling");
});

test("replacing a curve changes its label and its exponent", () => {
  assert.equal(curveLabel(optimisationRate), "c·T^-1/2");
  assert.ok(Math.abs(curveExponent(optimisationRate, 64, 65536) + 0.5) < 1e-12);
  const mine = (T: number, c: number) => c / T;
  // The source text, however the TypeScript transpiler spaced it.
  assert.equal(curveLabel(mine).replace(/\s/g, ""), "(T,c)=>c/T");
  assert.ok(Math.abs(curveExponent(mine, 64, 65536) + 1) < 1e-12);
});

test("held-out check past a transient: the fit window starts at the first x with x_min ≥ 1, and a planted transient gets no verdict", () => {
  // x_min = λ√T with λ = 1/48: 1 at T = 2304, so the window starts at 2^12.
  const xMin = (T: number) => Math.sqrt(T) / 48;
  // Flat (a transient) then falling like 1/T once x_min ≥ 1.
  const mean = Ts.map((T) => (xMin(T) < 1 ? 0.3 : 0.3 / (xMin(T) ** 2)));
  const a = heldOutAfterTransient(Ts, mean, Ts.map(() => 0), g, { xMin });
  assert.equal(a.onset, 4096);
  assert.equal(a.check!.fitX[0], 4096);
  assert.ok(a.check!.fitX.every((T) => xMin(T) >= 1));
  assert.equal(a.verdict, "holds");
  // The transient alone (x_min < 1 everywhere): the old check would say "holds" where error·√T peaks late; here: no verdict.
  const slow = (T: number) => Math.sqrt(T) / 2000;
  const planted = Ts.map((T) => 0.3 * T ** -0.55);
  assert.equal(heldOutRateCheck(Ts, planted, Ts.map(() => 0), g).holds, true);
  const b = heldOutAfterTransient(Ts, planted, Ts.map(() => 0), g, { xMin: slow });
  assert.equal(b.verdict, "no verdict");
  assert.equal(b.check, null);
  // Past the transient but falling slower than the rate: fails.
  const shallow = Ts.map((T) => 0.3 * T ** -0.25);
  assert.equal(heldOutAfterTransient(Ts, shallow, Ts.map(() => 0), g, { xMin }).verdict, "fails");
  // A floor fixed elsewhere lifts the line: data levelling off at it hold.
  const floored = Ts.map((T) => T ** -0.5 + 0.01);
  assert.equal(heldOutAfterTransient(Ts, floored, Ts.map(() => 0), g, { xMin }).verdict, "fails");
  assert.equal(heldOutAfterTransient(Ts, floored, Ts.map(() => 0), g, { xMin, floor: 0.01 }).verdict, "holds");
});

test("width-term check: fails on a planted excess at the widest held-out width, no verdict on noise, holds below the line", () => {
  const ms = [32, 64, 128, 256, 512, 1024];
  const widest = 4096;
  const q = (m: number) => m ** -0.25;
  const h = (m: number) => q(m) - q(widest);
  // A faster term's own excess over m_max, 0.1·(m^{-1/2} − m_max^{-1/2}), relative to h falls with m.
  const excess = ms.map((m) => 0.1 * (m ** -0.5 - widest ** -0.5));
  const se = ms.map(() => 1e-4);
  assert.equal(widthTermsCheck(ms, excess, se, q, { widest }).verdict, "holds");
  const planted = excess.map((v, i) => (i === ms.length - 1 ? 0.1 : v));
  const w = widthTermsCheck(ms, planted, se, q, { widest });
  assert.equal(w.verdict, "fails");
  assert.equal(w.points[w.points.length - 1], "significantly above");
  // Above the line but inside its band: no verdict rather than "holds".
  const c = widthTermsCheck(ms, excess, se, q, { widest }).check.constant;
  const inBand = excess.map((v, i) => (i === ms.length - 1 ? c * h(1024) * 1.01 : v));
  assert.equal(widthTermsCheck(ms, inBand, ms.map((m, i) => (i === ms.length - 1 ? 0.01 : 1e-4)), q, { widest }).verdict, "no verdict");
  // An excess that is not significant where c is fitted: no verdict, whatever the rest does.
  assert.equal(widthTermsCheck(ms, excess, ms.map(() => 1), q, { widest }).verdict, "no verdict");
  assert.throws(() => widthTermsCheck([...ms, widest], [...excess, 0], [...se, 1e-4], q, { widest }), /below the widest/);
});

test("width-term check: tested against the term's own excess c·(g(m) − g(m_max)), so the subtraction neither biases c nor hides an excess", () => {
  const ms = [32, 64, 128, 256, 512, 1024, 2048];
  const widest = 4096;
  const half = (m: number) => m ** -0.5;
  const h = (m: number) => half(m) - half(widest);
  // A pure c·m^{-1/2} term: its excess over m_max recovers c exactly and holds at every width.
  const pure = ms.map((m) => 0.3 * h(m));
  const se = ms.map(() => 1e-6);
  const exact = widthTermsCheck(ms, pure, se, half, { widest });
  assert.ok(Math.abs(exact.check.constant - 0.3) < 1e-12, `c = ${exact.check.constant}`);
  assert.equal(exact.verdict, "holds");
  // Its log-log slope is steeper than −1/2 because of the subtraction (the review's −0.67 over 32…1024).
  const slope = fitPowerLaw(ms.slice(0, 6), ms.slice(0, 6).map(h)).slope;
  assert.ok(slope < -0.6 && slope > -0.75, `slope ${slope}`);
  // A planted excess 40% above the term at the widest held-out width, still below c·g(m) with the true c
  // (what a check against c·g(m) would have let through), fails.
  const top = ms.length - 1;
  const planted = pure.map((v, i) => (i === top ? 1.4 * v : v));
  assert.ok(planted[top] < 0.3 * half(ms[top]), "the planted point sits below the unsubtracted line");
  assert.equal(widthTermsCheck(ms, planted, se, half, { widest }).verdict, "fails");
});

test("held-out checks use Student's t for the replicas behind each mean, not 1.96", () => {
  assert.equal(bandQuantile(4), 3.182);
  assert.equal(bandQuantile(2), 12.706);
  assert.equal(bandQuantile(undefined), 1.96);
  assert.equal(bandQuantile(1), 1.96);
  // One held-out point 2.5 s.e. above the line fitted on the first half: significant with 1.96, not with t₃ = 3.18 (4 replicas).
  const x = [1, 2, 3, 4];
  const g1 = () => 1;
  const mean = [1, 1, 1, 1.25];
  const se = [0.1, 0.1, 0.1, 0.1];
  assert.equal(heldOutRateCheck(x, mean, se, g1).holds, false);
  assert.equal(heldOutRateCheck(x, mean, se, g1, 0, 4).holds, true);
  assert.equal(heldOutRateCheck(x, mean, se, g1, 0, [4, 4, 4, 40]).holds, false);
  assert.equal(heldOutAfterTransient([...x, 5, 6], [...mean, 1, 1], [...se, 0.1, 0.1], g1, { xMin: () => 1, n: 4 }).verdict, "holds");
  // With few replicas the width gate needs a larger excess to call it significant.
  const ms = [32, 64, 128, 256];
  const q = (m: number) => m ** -0.25;
  const excess = ms.map((m) => 0.25 * (q(m) - q(1024)));
  const seW = excess.map((e) => e / 2.5);
  assert.notEqual(widthTermsCheck(ms, excess, seW, q, { widest: 1024 }).reason.startsWith("excess not significant"), true);
  assert.ok(widthTermsCheck(ms, excess, seW, q, { widest: 1024, n: 4 }).reason.startsWith("excess not significant"));
});

test("t quantiles with small n: the closed-form t distribution matches the table at 95% and known Bonferroni quantiles", async () => {
  const { tCentralProbability, tQuantileTwoSided, tQuantile975 } = await import("../lib/stats");
  for (let dof = 1; dof <= 30; dof++) assert.ok(Math.abs(tQuantileTwoSided(0.95, dof) - tQuantile975(dof)) < 1e-3, `dof ${dof}`);
  // Two-sided 99% (a Bonferroni 95% over 5 comparisons): t_{0.995} = 63.657 (1), 9.925 (2), 5.841 (3), 3.169 (10).
  for (const [dof, q] of [[1, 63.657], [2, 9.925], [3, 5.841], [10, 3.169]]) assert.ok(Math.abs(tQuantileTwoSided(0.99, dof) - q) < 1e-3, `dof ${dof}: ${tQuantileTwoSided(0.99, dof)}`);
  assert.equal(tCentralProbability(0, 5), 0);
  assert.ok(tCentralProbability(1e6, 4) > 1 - 1e-9);
  assert.throws(() => tQuantileTwoSided(1, 3), /coverage/);
  assert.throws(() => tCentralProbability(1, 0), /dof/);
});
