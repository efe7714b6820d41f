/**
 * Provenance of figures (issue 23): a figure file and its findings name the result folders they
 * came from and the theory functions the notebook replaced, in a sidecar beside the PNG/SVG.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runNotebook } from "../tools/notebook-runner";
import { SCRATCH_FIGURES_DIR } from "../lib/report/output-files";
import { replacedTheory } from "../lib/report/provenance-files";
import * as theory from "../lib/theory";
import { tempDir } from "./temp";

const chromium = existsSync(process.env.NPPO_CHROMIUM || "/usr/bin/chromium");
const files = ["png", "svg", "provenance.json"].map((e) => join(SCRATCH_FIGURES_DIR, `nppo-test-provenance.${e}`)).concat(join(SCRATCH_FIGURES_DIR, "findings", "nppo-test-provenance.json"));

test("replacedTheory names the curves a notebook changed, with their labels", () => {
  const curves: Record<string, unknown> = { ...theory };
  assert.deepEqual(replacedTheory(curves), []);
  curves.horizonRate = theory.labelled((K: number, c: number) => c / K, "c/K");
  assert.deepEqual(replacedTheory(curves), [{ name: "horizonRate", label: "c/K" }]);
});

test("a notebook's figure sidecar and findings name its result folder and the replaced theory function", { skip: !chromium && "no Chromium" }, async () => {
  const store = tempDir("provenance-store");
  files.forEach((f) => rmSync(f, { force: true }));
  try {
    const run = await runNotebook(join(__dirname, "fixtures", "figure-provenance.ipynb"), { write: false, env: { NPPO_RESULTS_DIR: store, NPPO_WRITE_FILES: "", NPPO_EXPORT_URL: "" } });
    assert.equal(run.ok, true, run.failure?.error);
    const side = JSON.parse(readFileSync(files[2], "utf8"));
    assert.deepEqual(side.files, ["nppo-test-provenance.png", "nppo-test-provenance.svg"]);
    assert.equal(side.results.length, 1);
    assert.ok(side.results[0].startsWith(join(store, "improvement")), side.results[0]);
    assert.deepEqual(side.theoryReplaced, [{ name: "optimisationRate", label: "c/T" }]);
    const findings = JSON.parse(readFileSync(files[3], "utf8"));
    assert.deepEqual(findings.provenance.results, side.results);
    assert.deepEqual(findings.provenance.theoryReplaced, side.theoryReplaced);
  } finally {
    files.forEach((f) => rmSync(f, { force: true }));
  }
});
