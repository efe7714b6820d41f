import { test } from "node:test";
import assert from "node:assert/strict";
import { heldOutRateCheck, ratioTrend, slopeVerdict } from "../lib/verdicts";
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
