/**
 * Bad input in a notebook (issue 23): a ConfigError or MdpFormatError shows its message alone,
 * not a Node stack trace into compiled paths; an invalid NPPO_BACKEND exits 2 at the CLI, as
 * every other bad input does.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { runNotebook } from "../tools/notebook-runner";
import { REPO_ROOT } from "../lib/util/paths";

for (const [fixture, message] of [
  ["config-error.ipynb", "ConfigError: beta must be > 0, got -1"],
  ["mdp-error.ipynb", "MdpFormatError: test/fixtures/no-such-mdp.json: cannot read the file (ENOENT)"],
]) {
  test(`${fixture}: the cell fails with the message alone`, async () => {
    const run = await runNotebook(join(__dirname, "fixtures", fixture), { write: false });
    assert.equal(run.ok, false);
    assert.equal(run.failure!.error.trim(), message);
  });
}

test("NPPO_BACKEND=gpu: exit status 2, one line naming the variable", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/experiment.ts", "convergence", "--config", "data/configs/convergence.smoke.json", "--out", "/tmp/nppo-never-written"], {
    cwd: REPO_ROOT, env: { ...process.env, NPPO_BACKEND: "gpu", NPPO_RESULTS_DIR: "/tmp/nppo-backend-test-store" }, encoding: "utf8",
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^NPPO_BACKEND must be one of tensorflow, wasm, cpu, got "gpu"$/m);
});
