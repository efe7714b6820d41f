import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { companionList, companionNotebooks } from "../tools/companion";
import { libHash, notebookFingerprint, outputsDigest, staleNotebooks } from "../tools/staleness";
import { tempDir } from "./temp";
import { reportText } from "../lib/report/findings";
import { REPO_ROOT } from "../lib/util/paths";

test("every companion notebook's outputs were made, at paper scale, from its current source and the current lib/", (t) => {
  const { present, missing } = companionNotebooks();
  if (missing.length > 0) t.diagnostic(`listed in tools/companion-notebooks.json but not present, skipped: ${missing.join(", ")}`);
  const stale = staleNotebooks(present);
  assert.deepEqual(stale, [], `stale notebook outputs — run \`npm run reproduce\`: ${stale.join("; ")}`);
});

test("the fingerprint changes with a code cell and ignores markdown", () => {
  const cells = [{ cell_type: "code", source: "a" }, { cell_type: "markdown", source: "m" }];
  const f = notebookFingerprint(cells, "lib");
  assert.equal(notebookFingerprint([{ cell_type: "code", source: "a" }, { cell_type: "markdown", source: "other" }], "lib"), f);
  assert.notEqual(notebookFingerprint([{ cell_type: "code", source: "b" }, cells[1]], "lib"), f);
  assert.notEqual(notebookFingerprint(cells, "lib2"), f);
});

const notebook = (outputs: Record<string, unknown>[], nppo?: Record<string, unknown>) => {
  const cells = [{ cell_type: "code", source: ["console.log(1)"], metadata: {}, execution_count: 1, outputs }];
  return { cells, metadata: nppo ? { nppo } : {}, nbformat: 4, nbformat_minor: 5 };
};
const made = (outputs: Record<string, unknown>[]) => {
  const nb = notebook(outputs);
  return notebook(outputs, { madeFrom: notebookFingerprint(nb.cells, libHash()), scale: "paper", outputs: outputsDigest(nb.cells) });
};
const OUT = [{ output_type: "stream", name: "stdout", text: ["1\n", "2\n"] }, { output_type: "display_data", metadata: {}, data: { "text/plain": ["[figure] x"], "image/png": "iVBORw0=" } }];

test("the companion is the manifest's list: a user's notebook is not checked, a listed notebook not yet written is skipped", () => {
  const dir = tempDir("companion");
  writeFileSync(join(dir, "00-a.ipynb"), JSON.stringify(made(OUT)));
  writeFileSync(join(dir, "my-first.ipynb"), JSON.stringify(notebook(OUT)));
  const { present, missing } = companionNotebooks(dir, ["00-a.ipynb", "05-later.ipynb"]);
  assert.deepEqual(present, [join(dir, "00-a.ipynb")]);
  assert.deepEqual(missing, ["05-later.ipynb"]);
  assert.deepEqual(staleNotebooks(present), []);
  assert.deepEqual(staleNotebooks([join(dir, "my-first.ipynb")]), ["my-first.ipynb (never run by npm run reproduce)"]);
  assert.ok(companionList().includes("05-adapt.ipynb"));
  assert.ok(companionList().every((n) => n.endsWith(".ipynb")));
});

test("a notebook is stale when its code, lib/ or scale changed, or a run was saved over its outputs", () => {
  const dir = tempDir("stale");
  const path = join(dir, "nb.ipynb");
  const write = (nb: unknown) => writeFileSync(path, JSON.stringify(nb));
  write(made(OUT));
  assert.deepEqual(staleNotebooks([path]), []);
  assert.match(staleNotebooks([path], "another lib")[0], /nb.ipynb \(made from/);
  const edited = made(OUT);
  edited.cells[0].source = ["console.log(2)"];
  write(edited);
  assert.match(staleNotebooks([path])[0], /made from/);
  const smoke = made(OUT);
  (smoke.metadata.nppo as Record<string, unknown>).scale = "smoke";
  write(smoke);
  assert.match(staleNotebooks([path])[0], /scale smoke/);
  const rerun = made(OUT);
  rerun.cells[0].outputs = [{ output_type: "stream", name: "stdout", text: ["1\n", "3\n"] }];
  write(rerun);
  assert.match(staleNotebooks([path])[0], /outputs changed since npm run reproduce wrote them/);
});

test("Jupyter re-saving the same outputs (nbformat's own line splitting) keeps the notebook fresh", (t) => {
  const dir = tempDir("resave");
  const path = join(dir, "nb.ipynb");
  writeFileSync(path, JSON.stringify(made([{ output_type: "stream", name: "stdout", text: "1\n2\n" }, OUT[1]])));
  try {
    execFileSync("/usr/bin/python3", ["-c", "import sys, nbformat\nnb = nbformat.read(sys.argv[1], 4)\nnb.cells[0].execution_count = 7\nnbformat.write(nb, sys.argv[1])", path], { stdio: ["ignore", "ignore", "pipe"] });
  } catch {
    t.skip("no /usr/bin/python3 with nbformat");
    return;
  }
  assert.notEqual(readFileSync(path, "utf8"), JSON.stringify(made(OUT)));
  assert.deepEqual(staleNotebooks([path]), []);
});

test("no companion notebook output is an error or a stderr stream (JupyterLab shows both as warnings)", () => {
  const found: string[] = [];
  for (const path of companionNotebooks().present) {
    const nb = JSON.parse(readFileSync(path, "utf8"));
    nb.cells.forEach((c: { outputs?: { output_type: string; name?: string; text?: string[] | string }[] }, i: number) => {
      for (const o of c.outputs ?? []) {
        if (o.output_type === "error" || o.name === "stderr") found.push(`${path} cell ${i}: ${[o.text ?? ""].flat().join("").slice(0, 120)}`);
      }
    });
  }
  assert.deepEqual(found, []);
});

test("figures/REPORT.md is the report of the committed findings (a run of some notebooks rebuilds it too)", () => {
  assert.equal(readFileSync(join(REPO_ROOT, "figures", "REPORT.md"), "utf8"), reportText(), "figures/REPORT.md lags behind figures/findings/: run `npm run reproduce`");
});
