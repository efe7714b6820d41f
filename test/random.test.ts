import { test } from "node:test";
import assert from "node:assert/strict";
import { AliasTable, Rng, streams } from "../lib/random";

test("same seed gives bit-identical streams; different labels differ", () => {
  const a = Rng.fromSeed(42).split("x");
  const b = Rng.fromSeed(42).split("x");
  const c = Rng.fromSeed(42).split("y");
  const xs = Array.from({ length: 100 }, () => a.uniform());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.uniform()));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.uniform()));
});

test("child streams do not depend on sibling creation order", () => {
  const root = Rng.fromSeed(7);
  root.split(0);
  const late = root.split(3).normal();
  assert.equal(Rng.fromSeed(7).split(3).normal(), late);
});

test("MDP and algorithm streams are separate", () => {
  const s1 = streams({ mdpSeed: 1, seed: 2 });
  const s2 = streams({ mdpSeed: 1, seed: 3 });
  assert.equal(s1.mdp.uniform(), s2.mdp.uniform());
  assert.notEqual(s1.algorithm.uniform(), s2.algorithm.uniform());
});

test("uniform, normal and sign have the right first two moments (n = 200000, 5 s.e.)", () => {
  const rng = Rng.fromSeed(3);
  const n = 200_000;
  let su = 0, su2 = 0, sz = 0, sz2 = 0, ss = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u; su2 += u * u;
    const z = rng.normal();
    sz += z; sz2 += z * z;
    const s = rng.sign();
    assert.ok(s === 1 || s === -1);
    ss += s;
  }
  assert.ok(Math.abs(su / n - 0.5) < 5 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(su2 / n - 1 / 3) < 5 * Math.sqrt(4 / 45 / n));
  assert.ok(Math.abs(sz / n) < 5 / Math.sqrt(n));
  assert.ok(Math.abs(sz2 / n - 1) < 5 * Math.sqrt(2 / n));
  assert.ok(Math.abs(ss / n) < 5 / Math.sqrt(n));
});

test("alias table reproduces the categorical distribution (chi-square, n = 400000)", () => {
  const weights = [0.5, 0, 0.1, 0.25, 0.15];
  const table = new AliasTable(weights);
  const rng = Rng.fromSeed(11);
  const n = 400_000;
  const counts = new Array(weights.length).fill(0);
  for (let i = 0; i < n; i++) counts[table.sample(rng)]++;
  assert.equal(counts[1], 0, "zero-weight category never drawn");
  let chi2 = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i] > 0) chi2 += (counts[i] - n * weights[i]) ** 2 / (n * weights[i]);
  assert.ok(chi2 < 18.47, `chi2 = ${chi2} (4 dof, p = 0.001 critical value 18.47)`);
});

test("alias table and seeds reject bad input with a message", () => {
  assert.throws(() => new AliasTable([]), /non-empty/);
  assert.throws(() => new AliasTable([1, -1]), /weights\[1\] must be finite and >= 0, got -1/);
  assert.throws(() => new AliasTable([0, 0]), /not all be zero/);
  assert.throws(() => Rng.fromSeed(-1), /seed must be a non-negative safe integer, got -1/);
  assert.throws(() => Rng.fromSeed(1.5), /got 1.5/);
});
