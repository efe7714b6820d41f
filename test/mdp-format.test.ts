import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadMdp, MAX_REPORTED_ISSUES, mdpToJson, MdpFormatError, parseMdp, writeMdp } from "../lib/mdp/format";
import { buildTestbed, MDP_DIR, TESTBEDS, writeTestbeds } from "../lib/mdp/testbeds";
import { BENCHMARKS } from "../lib/mdp/benchmarks/catalog";
import { REPO_ROOT } from "../lib/util/paths";
import { tempDir } from "./temp";

const good = () => ({
  name: "tiny",
  gamma: 0.9,
  transitions: [[[0.5, 0.5], [1, 0]], [[0, 1], [0.25, 0.75]]],
  rewards: [[1, 0], [0, -1]],
  features: [[[1, 0, 0], [0, 1, 0]], [[0, 0, 1], [0.6, 0.8, 0]]],
});

/** Each case: a mutation of a good file and the message it must produce. */
const bad: [string, (o: any) => void, RegExp][] = [
  ["unknown field", (o) => (o.gamm = 0.9), /unknown field "gamm"/],
  ["missing name", (o) => delete o.name, /name must be a non-empty string, got undefined/],
  ["gamma = 1", (o) => (o.gamma = 1), /gamma must be in \(0, 1\), got 1/],
  ["gamma = 0", (o) => (o.gamma = 0), /gamma must be in \(0, 1\), got 0/],
  ["gamma not a number", (o) => (o.gamma = "0.9"), /gamma must be a finite number, got "0.9"/],
  ["row not summing to 1", (o) => (o.transitions[1][0] = [0.25, 0.5]), /transitions\[1\]\[0\] must sum to 1 \(±1e-9\), got 0.75/],
  ["row off by 2e-9", (o) => (o.transitions[0][1] = [1 + 2e-9, 0]), /transitions\[0\]\[1\] must sum to 1/],
  ["negative probability", (o) => (o.transitions[0][0] = [1.5, -0.5]), /transitions\[0\]\[0\]\[1\] must be >= 0, got -0.5/],
  ["non-finite probability", (o) => (o.transitions[0][0] = [null, 1]), /transitions\[0\]\[0\]\[0\] must be a finite number, got null/],
  ["ragged actions", (o) => o.transitions[1].push([0.5, 0.5]), /transitions\[1\] must have length 2 \(the number of actions of transitions\[0\]\), got 3/],
  ["ragged next states", (o) => (o.transitions[0][1] = [1, 0, 0]), /transitions\[0\]\[1\] must have length 2 \(the number of states\), got 3/],
  ["empty transitions", (o) => (o.transitions = []), /transitions must not be empty/],
  ["rewards wrong state count", (o) => o.rewards.pop(), /rewards must have length 2 \(the number of states in transitions\), got 1/],
  ["rewards wrong action count", (o) => (o.rewards[1] = [0]), /rewards\[1\] must have length 2 \(the number of actions in transitions\), got 1/],
  ["reward not finite", (o) => (o.rewards[0][1] = "x"), /rewards\[0\]\[1\] must be a finite number, got "x"/],
  ["features not unit norm", (o) => (o.features[1][1] = [0.6, 0.8, 0.1]), /features\[1\]\[1\] must have unit l2 norm \(±1e-9\), got 1.00498/],
  ["features dimension < 3", (o) => (o.features = [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]), /features dimension d must be >= 3, got 2/],
  ["features ragged dimension", (o) => (o.features[0][1] = [0, 1, 0, 0]), /features\[0\]\[1\] must have length 3 \(the dimension of features\[0\]\[0\]\), got 4/],
  ["features wrong state count", (o) => o.features.pop(), /features must have length 2/],
  ["feature entry not finite", (o) => (o.features[0][0] = [1, 0, NaN]), /features\[0\]\[0\]\[2\] must be a finite number, got NaN/],
  ["description not a string", (o) => (o.description = 3), /description must be a string, got 3/],
];

test("a valid file loads with the right shapes and round-trips through the writer", () => {
  const mdp = parseMdp(good());
  assert.equal(mdp.states, 2);
  assert.equal(mdp.actions, 2);
  assert.equal(mdp.dim, 3);
  assert.equal(mdp.transitions[(1 * 2 + 1) * 2 + 1], 0.75);
  const dir = tempDir("mdp");
  writeMdp(join(dir, "t.json"), mdp);
  assert.deepEqual(loadMdp(join(dir, "t.json")), mdp);
  assert.deepEqual(mdpToJson(mdp), good());
});

for (const [name, mutate, message] of bad) {
  test(`invalid MDP rejected: ${name}`, () => {
    const o = good();
    mutate(o);
    assert.throws(() => parseMdp(o, "f.json"), (e: unknown) => e instanceof MdpFormatError && message.test(e.message) && e.message.startsWith("f.json"));
  });
}

test("every violated rule is reported, one line each, and each mistake once", () => {
  const o: any = good();
  o.gamma = 1.5;
  o.transitions[1][0] = [0.25, 0.5];
  o.transitions[0][1] = [1, 0, 0];
  o.rewards[0][1] = "x";
  o.features[1][1] = [0.6, 0.8, 0.1];
  o.extra = true;
  try {
    parseMdp(o, "f.json");
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof MdpFormatError);
    assert.deepEqual(e.issues, [
      'f.json: unknown field "extra" (allowed: name, description, source, gamma, transitions, rewards, features)',
      "f.json: gamma must be in (0, 1), got 1.5",
      "f.json: transitions[0][1] must have length 2 (the number of states), got 3",
      "f.json: transitions[1][0] must sum to 1 (±1e-9), got 0.75",
      'f.json: rewards[0][1] must be a finite number, got "x"',
      "f.json: features[1][1] must have unit l2 norm (±1e-9), got 1.004987562112089",
    ]);
    assert.equal(e.message, e.issues.join("\n"));
  }
});

test("a file with many broken entries lists the first MAX_REPORTED_ISSUES and counts the rest", () => {
  const S = 30;
  const o = { name: "big", gamma: 0.9, transitions: Array.from({ length: S }, () => [Array(S).fill(0)]), rewards: Array.from({ length: S }, () => [0]) };
  assert.throws(() => parseMdp(o, "f.json"), (e: unknown) => {
    assert.ok(e instanceof MdpFormatError);
    assert.equal(e.issues.length, MAX_REPORTED_ISSUES);
    const lines = e.message.split("\n");
    assert.equal(lines.length, MAX_REPORTED_ISSUES + 1);
    assert.equal(lines[lines.length - 1], `f.json: … and ${S - MAX_REPORTED_ISSUES} more (the first ${MAX_REPORTED_ISSUES} are listed)`);
    return true;
  });
});

test("a file that is not a JSON object is rejected", () => {
  assert.throws(() => parseMdp([1, 2], "f.json"), /f.json: the file must hold a JSON object, got an array/);
  assert.throws(() => parseMdp(null, "f.json"), /f.json: the file must hold a JSON object, got null/);
});

test("unreadable and non-JSON files are rejected with the path", () => {
  const dir = tempDir("mdp");
  writeFileSync(join(dir, "broken.json"), "{ not json");
  assert.throws(() => loadMdp(join(dir, "broken.json")), /broken.json: not valid JSON/);
  assert.throws(() => loadMdp(join(dir, "missing.json")), /missing.json: cannot read the file \(ENOENT\)/);
});

test("the shipped testbeds are exactly what their specs and seeds generate", () => {
  const files = readdirSync(MDP_DIR).filter((f) => f.endsWith(".json")).sort();
  const benchmarks = BENCHMARKS.flatMap((b) => [`${b.name}.json`, `${b.name}-onehot.json`]);
  assert.deepEqual(files, [...TESTBEDS.map((t) => `${t.spec.name}.json`), ...benchmarks].sort());
  for (const t of TESTBEDS) assert.deepEqual(loadMdp(join(MDP_DIR, `${t.spec.name}.json`)), buildTestbed(t));
});

test("npm run testbeds regenerates every file of data/mdp/ bit for bit", () => {
  const out = tempDir("testbeds");
  const written = writeTestbeds(out);
  assert.equal(written.length, readdirSync(MDP_DIR).filter((f) => f.endsWith(".json")).length);
  for (const path of written) {
    const name = path.slice(out.length + 1);
    assert.ok(readFileSync(path).equals(readFileSync(join(MDP_DIR, name))), `${name} differs from data/mdp/${name}`);
  }
});

const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
const exactCli = join(REPO_ROOT, "scripts", "exact.ts");

test("CLI `exact` prints the documented JSON for every shipped testbed", () => {
  for (const f of readdirSync(MDP_DIR).filter((x) => x.endsWith(".json"))) {
    const out = JSON.parse(execFileSync(tsx, [exactCli, join(MDP_DIR, f)]).toString());
    const mdp = loadMdp(join(MDP_DIR, f));
    assert.equal(out.gamma, mdp.gamma);
    for (const k of ["Q", "V", "nu"]) assert.ok(k in out.uniform && k in out.optimal);
    assert.equal(out.optimal.policy.length, mdp.states);
    assert.equal(out.uniform.Q[0].length, mdp.actions);
    assert.ok(out.L.optimal >= out.L.uniform);
    assert.equal(out.optimal.nuKind, "unique-stationary");
  }
});

test("CLI `exact` on invalid input: exit 2, one line on stderr, no stack trace", () => {
  const dir = tempDir("mdp");
  const o = good();
  o.gamma = 1.5;
  writeFileSync(join(dir, "bad.json"), JSON.stringify(o));
  const r = spawnSync(tsx, [exactCli, join(dir, "bad.json")]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout.toString(), "");
  const err = r.stderr.toString();
  assert.equal(err.trim().split("\n").length, 1, err);
  assert.match(err, /bad.json: gamma must be in \(0, 1\), got 1.5/);
});

test("CLI `exact` output matches the file content exactly (Q of π0 recomputed from the JSON)", () => {
  const path = join(MDP_DIR, "garnet-s4-a3.json");
  const raw = JSON.parse(readFileSync(path, "utf8"));
  const out = JSON.parse(execFileSync(tsx, [exactCli, path]).toString());
  // Q(s,a) = (1−γ)r(s,a) + γ Σ P(s'|s,a) V(s') with V from the output itself.
  const g = raw.gamma;
  raw.rewards.forEach((rs: number[], s: number) =>
    rs.forEach((r, a) => {
      const ev = raw.transitions[s][a].reduce((acc: number, p: number, t: number) => acc + p * out.uniform.V[t], 0);
      assert.ok(Math.abs(out.uniform.Q[s][a] - ((1 - g) * r + g * ev)) < 1e-14);
    }),
  );
});
