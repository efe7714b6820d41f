import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

// Not imported from lib/, so that a cycle there fails this test rather than its loading.
const REPO_ROOT = resolve(__dirname, "..");
const LIB = join(REPO_ROOT, "lib");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|js)$/.test(p) ? [p] : [];
  });
}

/** Relative imports, re-exports, requires and dynamic imports of `file`, resolved to paths. */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:\bfrom|\bimport\(?|\brequire\()\s*["'](\.[^"']+)["']/g)].map((m) => m[1]);
  return specs.map((s) => {
    const t = resolve(dirname(file), s);
    return [`${t}.ts`, `${t}.js`, join(t, "index.ts"), t].find((c) => existsSync(c) && statSync(c).isFile()) ?? t;
  });
}

test("lib/ has no import cycles", () => {
  const graph = new Map(sources(LIB).map((f) => [f, imports(f).filter((t) => t.startsWith(LIB + "/"))]));
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (u: string) => {
    state.set(u, "open");
    stack.push(u);
    for (const v of graph.get(u) ?? []) {
      if (state.get(v) === "open") cycles.push(stack.slice(stack.indexOf(v)).concat(v).map((f) => relative(LIB, f)).join(" → "));
      else if (!state.has(v)) visit(v);
    }
    stack.pop();
    state.set(u, "done");
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  assert.ok(graph.size > 50, `found only ${graph.size} modules under lib/`);
  assert.deepEqual(cycles, []);
});

test("lib/ imports nothing from the CLI scripts, tools, tests or notebooks above it", () => {
  const above = ["scripts", "tools", "test", "notebooks"].map((d) => join(REPO_ROOT, d) + "/");
  const bad = sources(LIB).flatMap((f) => imports(f).filter((t) => above.some((a) => t.startsWith(a))).map((t) => `${relative(REPO_ROOT, f)} → ${relative(REPO_ROOT, t)}`));
  assert.deepEqual(bad, []);
});

test("lib/util/, the bottom layer (paths, atomic writes, progress), imports nothing else from lib/", () => {
  const util = join(LIB, "util") + "/";
  const bad = sources(util).flatMap((f) => imports(f).filter((t) => t.startsWith(LIB + "/") && !t.startsWith(util)).map((t) => `${relative(REPO_ROOT, f)} → ${relative(REPO_ROOT, t)}`));
  assert.ok(sources(util).length >= 4, "lib/util/ holds the shared utilities");
  assert.deepEqual(bad, []);
});

test("lib/mdp/ and lib/solvers/ import nothing from the layers above them (experiments, reporting, PPO)", () => {
  const above = ["experiments", "report", "ppo"].map((d) => join(LIB, d) + "/");
  const bad = ["mdp", "solvers"].flatMap((d) => sources(join(LIB, d))).flatMap((f) => imports(f).filter((t) => above.some((a) => t.startsWith(a))).map((t) => `${relative(REPO_ROOT, f)} → ${relative(REPO_ROOT, t)}`));
  assert.deepEqual(bad, []);
});
