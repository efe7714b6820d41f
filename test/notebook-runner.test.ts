import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runNotebook } from "../tools/notebook-runner";

const fixture = (name: string) => join(__dirname, "fixtures", name);

test("a runtime error stops the notebook and is reported with the cell's source", async () => {
  const run = await runNotebook(fixture("runtime-error.ipynb"), { write: false });
  assert.equal(run.ok, false);
  assert.equal(run.failure?.index, 1);
  assert.match(run.failure!.source, /deliberate failure/);
  assert.match(run.failure!.error, /Error: deliberate failure from a fixture/);
});

test("a type error (tslab reports it on stderr only) fails the notebook", async () => {
  const run = await runNotebook(fixture("type-error.ipynb"), { write: false });
  assert.equal(run.ok, false);
  assert.match(run.failure!.error, /Type 'string' is not assignable to type 'number'/);
});

test("a notebook importing lib/ runs and its output is captured", async () => {
  const run = await runNotebook(fixture("imports-lib.ipynb"), { write: false });
  assert.equal(run.ok, true, run.failure?.error);
});

test("a kernel that dies mid-cell fails the notebook instead of hanging", async () => {
  const run = await runNotebook(fixture("kernel-dies.ipynb"), { write: false });
  assert.equal(run.ok, false);
  assert.equal(run.failure?.index, 0);
  assert.match(run.failure!.error, /kernel (exited|died)/);
});

test("in the kernel, danfojs-node's readCSV reads a file and a results folder loads with its dtypes (tslab's TypeScript 5.0 compiles both)", async () => {
  const run = await runNotebook(fixture("dataframes.ipynb"), { write: false });
  assert.equal(run.ok, true, run.failure?.error);
});
