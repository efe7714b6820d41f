import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCsv, toCsv } from "../lib/experiments/results-io";
import { writeFileAtomic } from "../lib/util/atomic-write";
import { canonicalJson, describeResult, Meta, runCached, sourceClosure } from "../lib/experiments/cache";
import { pruneResults } from "../lib/experiments/prune";
import { mergeResults } from "../lib/experiments/merge";
import { REPO_ROOT } from "../lib/util/paths";
import { fitPowerLaw, fitConstant, fitEnvelopeConstant, meanAndStandardError, summarise } from "../lib/stats";
import { runNetworkSweep, validateNetworkSweepConfig } from "../lib/experiments/network-sweep";
import { parseScale } from "../lib/experiments/scale";
import { BUNDLE_CANDIDATES, figureBundle, plotlyLocation, tableBundle, toDataFrame } from "../lib/report/display";
import { logLogFigure, plainLabel, powerOfTwoTicks } from "../lib/report/figures";
import { tempDir } from "./temp";

const backend = { backend: "cpu" as const, chosenBy: "test", tfjsVersion: "test" };

test("CSV round-trips float64 exactly, quotes strings, refuses non-finite values", () => {
  const rows = [{ m: 64, x: 0.1 + 0.2, s: 'a,"b"', flag: true }, { m: 128, x: 1e-300, s: "plain", flag: false }];
  const back = parseCsv(toCsv(rows));
  assert.deepEqual(back, rows);
  assert.throws(() => toCsv([{ m: 1, x: NaN }]), /refusing to write NaN in column "x", row 0/);
  assert.deepEqual(parseCsv(toCsv([{ a: Infinity, b: -Infinity }])), [{ a: Infinity, b: -Infinity }]);
  assert.throws(() => toCsv([{ m: 1, x: 2 }, { m: 1 }]), /row 1 lacks column "x"/);
});

test("atomic write leaves no temp file and replaces the whole file", () => {
  const dir = tempDir("test");
  const path = join(dir, "a", "f.txt");
  writeFileAtomic(path, "one");
  writeFileAtomic(path, "two");
  assert.equal(readFileSync(path, "utf8"), "two");
  assert.deepEqual(readdirSync(join(dir, "a")), ["f.txt"]);
});

test("cache: an unchanged config is read back, not recomputed; key ignores key order", async () => {
  const dir = tempDir("test");
  let calls = 0;
  const compute = () => {
    calls++;
    return [{ m: 1, v: 0.5 }];
  };
  const id = { name: "exp", module: join(REPO_ROOT, "lib", "experiments", "network-sweep.ts") };
  const a = await runCached(id, { b: 1, a: [1, 2] }, backend, compute, dir);
  const b = await runCached(id, { a: [1, 2], b: 1 }, backend, compute, dir);
  assert.equal(calls, 1);
  assert.equal(a.fromCache, false);
  assert.equal(b.fromCache, true);
  assert.deepEqual(b.rows, a.rows);
  await runCached(id, { a: [1, 2], b: 2 }, backend, compute, dir);
  assert.equal(calls, 2);
  assert.equal(canonicalJson({ b: 1, a: { d: 1, c: 2 } }), '{"a":{"c":2,"d":1},"b":1}');
});

test("cache: the TensorFlow.js backend is part of the key only for runs it can change", async () => {
  const dir = tempDir("test");
  const compute = () => [{ m: 1, v: 0.5 }];
  const other = { ...backend, backend: "tensorflow" } as unknown as typeof backend;
  const module = join(REPO_ROOT, "lib", "experiments", "solver-sweeps.ts");
  const used = { name: "exp", module };
  const unused = { name: "exp", module, usesBackend: false };
  assert.notEqual((await runCached(used, { a: 1 }, backend, compute, dir)).dir, (await runCached(used, { a: 1 }, other, compute, dir)).dir);
  const first = await runCached(unused, { a: 1 }, backend, compute, dir);
  const second = await runCached(unused, { a: 1 }, other, compute, dir);
  assert.equal(second.dir, first.dir);
  assert.ok(second.fromCache);
});

test("power-law fit recovers an exact exponent; constant fit; mean and standard error by hand", () => {
  const x = [64, 256, 1024, 4096];
  const fit = fitPowerLaw(x, x.map((m) => 3 * m ** -0.5));
  assert.ok(Math.abs(fit.slope + 0.5) < 1e-12);
  assert.ok(Math.abs(fit.constant - 3) < 1e-9);
  assert.ok(fit.slopeCi95 < 1e-9);
  assert.ok(Math.abs(fitConstant(x, x.map((m) => 7 * m ** -1.5), (m) => m ** -1.5) - 7) < 1e-9);
  const s = meanAndStandardError([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.standardError - Math.sqrt(5 / 3 / 4)) < 1e-15);
  assert.throws(() => fitPowerLaw([1, 2], [1, 0]), /positive values/);
  const groups = summarise([{ m: 1, v: 1 }, { m: 2, v: 5 }, { m: 1, v: 3 }], ["m"], "v");
  assert.deepEqual(groups.map((g) => [g.m, g.mean, g.n]), [[1, 2, 2], [2, 5, 1]]);
});

test("network sweep (smoke): rows per width × replica, positive errors, same seed ⇒ byte-identical CSV", async () => {
  const config = { widths: [32, 128], replicas: 3, dim: 4, points: 5, radius: 0.5, mdpSeed: 3, seed: 4 };
  const a = await runNetworkSweep(config, tempDir("a"));
  const b = await runNetworkSweep(config, tempDir("b"));
  assert.equal(a.rows.length, 6);
  assert.ok(a.rows.every((r) => (r.ntkMaxError as number) > 0 && (r.linearisationGap as number) >= 0));
  assert.equal(readFileSync(join(a.dir, "results.csv"), "utf8"), readFileSync(join(b.dir, "results.csv"), "utf8"));
  const meta = JSON.parse(readFileSync(join(a.dir, "meta.json"), "utf8"));
  assert.deepEqual(meta.config, config);
  assert.ok(["tensorflow", "wasm", "cpu"].includes(meta.provenance.backend.backend));
});

test("configs and scales are validated with the field and the rule", () => {
  const ok = { widths: [8], replicas: 1, dim: 3, points: 2, radius: 1, mdpSeed: 0, seed: 0 };
  assert.doesNotThrow(() => validateNetworkSweepConfig(ok));
  assert.throws(() => validateNetworkSweepConfig({ ...ok, radius: -1 }), /radius must be > 0, got -1/);
  assert.throws(() => validateNetworkSweepConfig({ ...ok, dim: 2 }), /dim must be >= 3, got 2/);
  assert.throws(() => validateNetworkSweepConfig({ ...ok, widths: [8, 1.5] }), /widths\[1\] must be an integer, got 1.5/);
  assert.throws(() => validateNetworkSweepConfig({ ...ok, width: [8] }), /unknown field "width"/);
  assert.throws(() => parseScale("huge"), /NPPO_SCALE must be one of smoke, paper, got "huge"/);
});

test("figure bundle: static PNG inside the HTML and as image/png, script loads plotly from the server", () => {
  const fig = logLogFigure({ title: "t</script>", xTitle: "x", yTitle: "y", traces: [], xValues: [4, 64] });
  const png = Buffer.from([137, 80, 78, 71]);
  const b = figureBundle(fig, png, { id: "fig1", width: 100, height: 100, title: "t" });
  assert.equal(b["image/png"], png.toString("base64"));
  assert.match(b["text/html"], /<img class="nppo-static"[^>]*src="data:image\/png;base64,iVBORw==">/);
  assert.match(b["text/html"], /"files\/" \+ paths\[i\]/);
  assert.match(b["text/html"], /window\.Plotly \|\| window\.moduleName/);
  assert.ok(!b["text/html"].includes("t</script>"), "figure JSON must not close the script tag");
  assert.ok(!b["text/html"].includes(REPO_ROOT), "no folder of this machine in the output");
  assert.match(b["text/html"], /"bundle":"node_modules\/plotly.js-dist-min\/plotly.min.js"/);
  const marked = figureBundle(fig, png, { id: "fig2", width: 100, height: 100, title: 'ψ*<sub>k</sub> "diverges", η = c·T<sup>−1/2</sup>' });
  assert.match(marked["text/html"], /alt="ψ\*_k &quot;diverges&quot;, η = c·T\^\(−1\/2\)"/, "alt text has the title as plain-text math, not its markup");
  assert.equal(marked["text/plain"], '[figure] ψ*_k "diverges", η = c·T^(−1/2)');
  assert.equal(plainLabel("<b>u<sub>k+1</sub></b><br>x<sup>2</sup>"), "u_{k+1} x^2");
  assert.deepEqual(powerOfTwoTicks([4, 64]).ticktext, ["2<sup>2</sup>", "2<sup>3</sup>", "2<sup>4</sup>", "2<sup>5</sup>", "2<sup>6</sup>"]);
});

test("the page finds the plotly bundle from its own URL in classic Notebook, Notebook 7 and JupyterLab", () => {
  const candidates = new Function(`return ${BUNDLE_CANDIDATES}`)() as (pathname: string, base: string, up: string | null, bundle: string) => string[];
  const B = "node_modules/plotly.js-dist-min/plotly.min.js";
  const { bundle, up } = plotlyLocation(join(REPO_ROOT, "notebooks"));
  assert.deepEqual([bundle, up], [B, ".."]);
  assert.equal(plotlyLocation(REPO_ROOT).up, "");
  assert.equal(plotlyLocation("/").up, null);
  // Server started in the repository: the first path tried is the bundle.
  for (const page of ["/notebooks/notebooks/01-x.ipynb", "/lab/tree/notebooks/01-x.ipynb", "/lab/workspaces/auto-x/tree/notebooks/01-x.ipynb", "/doc/tree/notebooks/01-x.ipynb"]) {
    assert.equal(candidates(page, "/", "..", B)[0], B, page);
  }
  // Behind a base URL (JupyterHub), from a server root above the repository, and for a copy one folder deeper.
  assert.deepEqual(candidates("/user/ann/lab/tree/src/nppo/notebooks/01%20x.ipynb", "/user/ann/", "..", B), [`src/nppo/${B}`, `src/nppo/notebooks/${B}`, `src/${B}`, B]);
  assert.deepEqual(candidates("/notebooks/notebooks/_browser_check/x.ipynb", "/", "..", B), [`notebooks/${B}`, `notebooks/_browser_check/${B}`, B]);
  // No notebook in the URL (another viewer) or a kernel outside the repository: walk up, then the server root.
  assert.deepEqual(candidates("/tree", "/", "..", B), [B]);
  assert.deepEqual(candidates("/notebooks/a/b.ipynb", "/", null, B), [`a/${B}`, B]);
});

test("table bundle renders a danfojs DataFrame as an HTML table", () => {
  const t = tableBundle(toDataFrame([{ m: 64, "a<b": 0.123456 }]), { caption: "cap", digits: 3 });
  assert.match(t["text/html"], /<caption>cap<\/caption><thead><tr><th>m<\/th><th>a&lt;b<\/th><\/tr><\/thead>/);
  assert.match(t["text/html"], /<td>64<\/td><td>0.123<\/td>/);
  assert.match(t["text/plain"], /0.123/);
});

test("envelope constant: the smallest c with y ≤ c·g(x), touching the data at one point", () => {
  const x = [1, 2, 4, 8];
  const y = [1, 0.9, 0.4, 0.1];
  const c = fitEnvelopeConstant(x, y, (v) => v ** -0.5);
  x.forEach((v, i) => assert.ok(y[i] <= c * v ** -0.5 + 1e-15));
  assert.ok(x.some((v, i) => Math.abs(y[i] - c * v ** -0.5) < 1e-15));
});

test("an experiment's code version covers exactly its lib/ import closure, without reporting", () => {
  const files = sourceClosure(join(REPO_ROOT, "lib", "experiments", "network-sweep.ts")).map((f) => f.slice(REPO_ROOT.length + 1));
  for (const f of ["lib/experiments/network-sweep.ts", "lib/network.ts", "lib/network-tf.ts", "lib/random.ts", "lib/backend.ts"]) assert.ok(files.includes(f), f);
  assert.ok(!files.some((f) => f.startsWith("lib/report/")), "reporting excluded");
  assert.ok(!files.includes("lib/experiments/cache.ts") && !files.includes("lib/experiments/results-io.ts"), "results plumbing excluded");
  assert.ok(!files.includes("lib/mdp/exact.ts"), "unrelated modules excluded");
  // tslab hands modules a virtual .js __filename, possibly through the notebooks/lib symlink.
  assert.deepEqual(sourceClosure(join(REPO_ROOT, "notebooks", "lib", "experiments", "network-sweep.js")).map((f) => f.slice(REPO_ROOT.length + 1)), files);
});

test("prune keeps the result folders a notebook names and deletes the rest", () => {
  const dir = tempDir("prune");
  const results = join(dir, "results");
  for (const k of ["aaa", "bbb"]) writeFileAtomic(join(results, "exp", k, "meta.json"), "{}");
  const nb = join(dir, "n.ipynb");
  writeFileAtomic(nb, JSON.stringify({ cells: [{ outputs: [{ text: ["12 rows read from cache: data/results/exp/aaa\n"] }] }] }));
  assert.deepEqual(pruneResults([nb], results), [join("exp", "bbb")]);
  assert.deepEqual(readdirSync(join(results, "exp")), ["aaa"]);
});

test("the line notebooks print for a result names the folder the way prune looks for it", () => {
  const row = { a: 1 };
  const inRepo = describeResult({ rows: [row], tables: {}, meta: {} as Meta, dir: join(REPO_ROOT, "data", "results", "exp", "aaa"), fromCache: true });
  assert.equal(inRepo, "1 rows read from cache: data/results/exp/aaa");
  const elsewhere = describeResult({ rows: [row], tables: {}, meta: {} as Meta, dir: "/scratch/store/exp/aaa", fromCache: false });
  assert.equal(elsewhere, "1 rows computed: /scratch/store/exp/aaa");
});

test("merge copies complete result folders from shard stores, skips partial and existing ones", () => {
  const dir = tempDir("merge");
  const shard = join(dir, "shard1");
  writeFileAtomic(join(shard, "exp", "done", "results.csv"), "a\n1\n");
  writeFileAtomic(join(shard, "exp", "done", "meta.json"), "{}");
  writeFileAtomic(join(shard, "exp", "partial", "results.csv"), "a\n1\n");
  const into = join(dir, "results");
  assert.equal(mergeResults([shard], into), 1);
  assert.deepEqual(readdirSync(join(into, "exp")), ["done"]);
  assert.equal(mergeResults([shard], into), 0, "an existing folder is kept");
  assert.throws(() => mergeResults([join(dir, "missing")], into), /--merge: .*missing does not exist/);
});

test("SVG export: the same drawing gives the same file whatever plotly's random ids and attribute order", () => {
  const { canonicalSvg } = require("../lib/report/static-image") as typeof import("../lib/report/static-image");
  const svg = (uid: string, trace: string, root = 'viewBox="0 0 8 5" style=""', path = "M123456,0") =>
    `<svg class="main-svg" ${root}><defs id="defs-${uid}"><clipPath id="clip${uid}xy"/></defs><g clip-path="url(#clip${uid}xyplot)"><g class="trace scatter trace${trace}"><path d="${path}" style="x: &quot;1&quot;"/></g></g><g id="legend${uid}"/><g id="topdefs-${uid}"/></svg>`;
  const a = canonicalSvg(svg("123456", "a1b2c3"));
  assert.equal(canonicalSvg(svg("9f8e7d", "0d0e0f", 'style="" viewBox="0 0 8 5"')), a);
  assert.match(a, /^<svg class="main-svg" style="" viewBox="0 0 8 5">/);
  assert.ok(a.includes('<path d="M123456,0" style="x: &quot;1&quot;"/>'), "path data and escaped values are left alone");
  assert.ok(!/defs-123456|clip123456|legend123456/.test(a));
  assert.ok(!a.includes("a1b2c3"));
  const id = /id="defs-([0-9a-f]{6})"/.exec(a)![1];
  assert.ok(a.includes(`class="trace scatter trace${id}t0"`) && a.includes(`url(#clip${id}xyplot)`));
  assert.notEqual(canonicalSvg(svg("123456", "a1b2c3", undefined, "M1,0")), a, "another drawing, other ids");
  // Per-panel legends get random ids of their own (legend2…, legend3…), in their definitions and references.
  const panels = (uid: string, l2: string) => `<svg class="main-svg"><defs id="defs-${uid}"><clipPath id="legend2${l2}"/></defs><g clip-path="url(#legend2${l2})"/></svg>`;
  const p = canonicalSvg(panels("123456", "7c6391"));
  assert.equal(canonicalSvg(panels("abcdef", "dff05a")), p);
  assert.ok(!p.includes("7c6391"));
  // Pattern fills (hatched bars) carry random ids of their own, defined once and referenced by url().
  const hatched = (uid: string, a: string, b: string) => `<svg class="main-svg"><defs id="defs-${uid}"><pattern id="p${a}-1"/><pattern id="p${b}-1"/></defs><path style="fill: url('#p${a}-1');"/><path style="fill: url('#p${b}-1');"/></svg>`;
  const h = canonicalSvg(hatched("123456", "100d4d-b8a726", "100d4d-2a712b"));
  assert.equal(canonicalSvg(hatched("abcdef", "bdea24-fc266a", "bdea24-69ef8c")), h);
  assert.ok(!h.includes("100d4d") && /id="p[0-9a-f]{6}-0".*id="p[0-9a-f]{6}-1"/.test(h), h);
});
