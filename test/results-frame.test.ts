import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCached } from "../lib/experiments/cache";
import { REPO_ROOT } from "../lib/util/paths";
import { readResultsFrame } from "../lib/experiments/results-frame";
import { columnTypes, Row, splitCsv } from "../lib/experiments/results-io";
import { mean, meanAndStandardError, standardError } from "../lib/stats";
import { tempDir } from "./temp";

const id = { name: "frame", module: join(REPO_ROOT, "lib", "stats.ts") };
const backend = { backend: "cpu" as const, chosenBy: "test", tfjsVersion: "test" };
// Every kind of cell the experiments write: integers, float64 values no float32 holds, ±Infinity,
// empty cells in a numeric column, strings that look like numbers (hashes), booleans.
const ROWS: Row[] = [
  { m: 64, T: 65536, mse: 0.1 + 0.2, ratio: Infinity, evalMse: "", configHash: "123456789012", lead: "0640fdb2", holds: true, variant: "neural-ppo", seed: 2 ** 40 },
  { m: 128, T: 1024, mse: 1e-300, ratio: -Infinity, evalMse: 2.5e-7, configHash: "123456789012", lead: "0640fdb3", holds: false, variant: "exact-ppo", seed: 1 },
];

/** The frame's cell against the CSV's text: the same value exactly (an empty numeric cell is NaN). */
function assertSameAsCsv(dir: string): void {
  const df = readResultsFrame(dir);
  const { columns, cells } = splitCsv(readFileSync(join(dir, "results.csv"), "utf8"));
  assert.deepEqual(df.columns, columns);
  const values = df.values as unknown[][];
  assert.equal(values.length, cells.length);
  cells.forEach((row, i) =>
    row.forEach((text, j) => {
      const v = values[i][j];
      const type = df.dtypes[j];
      if (type === "string") assert.equal(v, text);
      else if (type === "boolean") assert.equal(v, text === "true");
      else if (text === "") assert.ok(Number.isNaN(v));
      else assert.ok(Object.is(v, Number(text)) && String(v) === text, `${columns[j]}[${i}]: ${v} vs ${text}`);
    }),
  );
}

test("a results folder loads as a DataFrame with the CSV's values exactly and float64/int32/string/boolean dtypes", async () => {
  const store = tempDir("frame");
  const res = await runCached(id, { case: 1 }, backend, () => ROWS, store);
  const df = readResultsFrame(res.dir);
  assert.deepEqual(Object.fromEntries(df.columns.map((c, j) => [c, df.dtypes[j]])), {
    m: "int32", T: "int32", mse: "float64", ratio: "float64", evalMse: "float64", configHash: "string", lead: "string", holds: "boolean", variant: "string", seed: "float64",
  });
  assert.equal((df.values as unknown[][])[0][2], 0.1 + 0.2);
  assertSameAsCsv(res.dir);
  // What the cache reads back has the computed rows' types: a hash of digits stays a string.
  const again = await runCached(id, { case: 1 }, backend, () => assert.fail("recomputed"), store);
  assert.equal(again.fromCache, true);
  assert.deepEqual(again.rows, ROWS);
});

test("folders written before meta.json recorded column types: types read from the text, hashes with a leading zero stay strings", async () => {
  const res = await runCached(id, { case: 2 }, backend, () => ROWS, tempDir("frame-old"));
  const metaPath = join(res.dir, "meta.json");
  const meta = JSON.parse(readFileSync(metaPath, "utf8"));
  delete meta.columns;
  writeFileSync(metaPath, JSON.stringify(meta));
  const df = readResultsFrame(res.dir);
  assert.deepEqual(df.dtypes, ["int32", "int32", "float64", "float64", "float64", "float64", "string", "boolean", "string", "float64"]);
  assertSameAsCsv(res.dir);
});

test("every committed results folder loads with the CSV's values exactly", () => {
  const root = join(REPO_ROOT, "data", "results");
  for (const experiment of readdirSync(root)) for (const key of readdirSync(join(root, experiment))) assertSameAsCsv(join(root, experiment, key));
});

test("a folder that is not a results folder is named in the error; relative paths are from the repository root", () => {
  assert.throws(() => readResultsFrame("data/mdp"), /data\/mdp is not a results folder: it needs results.csv and meta.json/);
  const [experiment] = readdirSync(join(REPO_ROOT, "data", "results"));
  const [key] = readdirSync(join(REPO_ROOT, "data", "results", experiment));
  assert.deepEqual(readResultsFrame(`data/results/${experiment}/${key}`).shape, readResultsFrame(join(REPO_ROOT, "data", "results", experiment, key)).shape);
});

test("column types are recorded from the rows as computed", () => {
  assert.deepEqual(columnTypes([{ a: 1, b: 1.5, c: "", d: "x", e: true }, { a: 2, b: "", c: "", d: "1", e: false }]), { a: "int32", b: "float64", c: "float64", d: "string", e: "boolean" });
});

test("mean and standardError are meanAndStandardError's two parts", () => {
  const v = [1, 2, 3, 4];
  assert.equal(mean(v), 2.5);
  assert.equal(standardError(v), meanAndStandardError(v).standardError);
  assert.ok(Math.abs(standardError(v) - Math.sqrt(5 / 3 / 4)) < 1e-15);
  assert.equal(standardError([7]), 0);
  assert.throws(() => mean([]), /values must be non-empty/);
});
