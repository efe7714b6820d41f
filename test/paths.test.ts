/**
 * One convention for every path a user types (issue 23, lib/util/paths.ts), tested from a notebook:
 * a file written with a relative path in a notebook (whose kernel runs in its own folder) is the
 * file a config with the same path reads.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runNotebook } from "../tools/notebook-runner";
import { REPO_ROOT, userPath } from "../lib/util/paths";
import { tempDir } from "./temp";

test("userPath: relative from the repository root, absolute kept", () => {
  assert.equal(userPath("data/mdp/x.json"), join(REPO_ROOT, "data", "mdp", "x.json"));
  assert.equal(userPath("/tmp/x.json"), "/tmp/x.json");
});

test("from a notebook: writeMdp('scratch/…') writes under the repository root, and a config naming the same path reads it", async () => {
  const written = join(REPO_ROOT, "scratch", "test-paths");
  rmSync(written, { recursive: true, force: true });
  try {
    const run = await runNotebook(join(__dirname, "fixtures", "paths.ipynb"), { write: false, env: { NPPO_RESULTS_DIR: tempDir("paths-store"), NPPO_WRITE_FILES: "none" } });
    assert.equal(run.ok, true, run.failure?.error);
    assert.ok(existsSync(join(written, "mine.json")));
    assert.ok(!existsSync(join(__dirname, "fixtures", "scratch")), "nothing under the notebook's folder");
  } finally {
    rmSync(written, { recursive: true, force: true });
  }
});
