import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/experiments/provenance";
import { libHash, notebookFingerprint } from "../tools/staleness";

test("every committed notebook's outputs were made, at paper scale, from its current source and the current lib/", () => {
  const lib = libHash();
  const dir = join(REPO_ROOT, "notebooks");
  const stale: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".ipynb"))) {
    const nb = JSON.parse(readFileSync(join(dir, f), "utf8"));
    const meta = nb.metadata?.nppo;
    if (!meta || meta.madeFrom !== notebookFingerprint(nb.cells, lib) || meta.scale !== "paper") stale.push(`${f} (${meta ? `made from ${meta.madeFrom}, scale ${meta.scale}` : "never run by npm run reproduce"})`);
  }
  assert.deepEqual(stale, [], `stale notebook outputs — run \`npm run reproduce\`: ${stale.join("; ")}`);
});

test("the fingerprint changes with a code cell and ignores markdown", () => {
  const cells = [{ cell_type: "code", source: "a" }, { cell_type: "markdown", source: "m" }];
  const f = notebookFingerprint(cells, "lib");
  assert.equal(notebookFingerprint([{ cell_type: "code", source: "a" }, { cell_type: "markdown", source: "other" }], "lib"), f);
  assert.notEqual(notebookFingerprint([{ cell_type: "code", source: "b" }, cells[1]], "lib"), f);
  assert.notEqual(notebookFingerprint(cells, "lib2"), f);
});

test("no committed notebook output is an error or a stderr stream (JupyterLab shows both as warnings)", () => {
  const dir = join(REPO_ROOT, "notebooks");
  const found: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".ipynb"))) {
    const nb = JSON.parse(readFileSync(join(dir, f), "utf8"));
    nb.cells.forEach((c: { outputs?: { output_type: string; name?: string; text?: string[] | string }[] }, i: number) => {
      for (const o of c.outputs ?? []) {
        if (o.output_type === "error" || o.name === "stderr") found.push(`${f} cell ${i}: ${[o.text ?? ""].flat().join("").slice(0, 120)}`);
      }
    });
  }
  assert.deepEqual(found, []);
});
