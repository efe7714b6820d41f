/**
 * The parameters-cell convention (README, "Parameters and papermill"): a companion notebook
 * that has a papermill parameters cell has exactly one, a code cell tagged `parameters`,
 * before the first cell that reads it, holding only comments and `let NAME = VALUE;` lines
 * whose VALUE is a JSON literal (what tools/papermill-tslab writes back), and every NAME is
 * read by a later code cell.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { companionNotebooks } from "../tools/companion";

interface NbCell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
}

const LET = /^let ([A-Za-z_$][\w$]*) = (.+);$/;

/** The violations of the convention in one notebook's cells (empty: it follows it, or has no parameters cell). */
function parametersCellProblems(cells: NbCell[]): string[] {
  const text = (c: NbCell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
  const tagged = cells.map((c, i) => ({ c, i })).filter(({ c }) => c.metadata?.tags?.includes("parameters"));
  if (tagged.length === 0) return [];
  if (tagged.length > 1) return [`${tagged.length} cells tagged parameters (cells ${tagged.map((t) => t.i).join(", ")}); papermill uses the first`];
  const { c, i } = tagged[0];
  if (c.cell_type !== "code") return [`cell ${i} tagged parameters is ${c.cell_type}, not code`];
  const problems: string[] = [];
  const names: string[] = [];
  for (const line of text(c).split("\n").map((l) => l.trim())) {
    if (line === "" || line.startsWith("//")) continue;
    const m = LET.exec(line);
    if (!m) {
      problems.push(`cell ${i}: ${JSON.stringify(line)} is not \`let NAME = VALUE;\``);
      continue;
    }
    try {
      JSON.parse(m[2]);
    } catch {
      problems.push(`cell ${i}: the value of ${m[1]} (${m[2]}) is not a plain JSON literal`);
    }
    names.push(m[1]);
  }
  if (names.length === 0) problems.push(`cell ${i} tagged parameters declares nothing`);
  const later = cells.slice(i + 1).filter((x) => x.cell_type === "code").map(text).join("\n");
  for (const n of names) if (!new RegExp(`(?<![\\w$.])${n.replace(/\$/g, "\\$")}(?![\\w$])`).test(later)) problems.push(`parameter ${n} is read by no later code cell`);
  const before = cells.slice(0, i).filter((x) => x.cell_type === "code").map(text).join("\n");
  for (const n of names) if (new RegExp(`(?<![\\w$.])${n}(?![\\w$])`).test(before)) problems.push(`parameter ${n} is used before the parameters cell`);
  return problems;
}

test("every companion notebook with a parameters cell follows the convention", () => {
  const { present } = companionNotebooks();
  let withCell = 0;
  for (const path of present) {
    const cells = (JSON.parse(readFileSync(path, "utf8")) as { cells: NbCell[] }).cells;
    if (cells.some((c) => c.metadata?.tags?.includes("parameters"))) withCell++;
    assert.deepEqual(parametersCellProblems(cells), [], path);
  }
  assert.ok(withCell >= 1, "at least notebook 05 has a parameters cell");
});

test("the convention check fails on what breaks it", () => {
  const code = (source: string, tags?: string[]): NbCell => ({ cell_type: "code", source, metadata: tags ? { tags } : {} });
  const use = code("const c = { replicas: replicas, beta: beta };");
  assert.deepEqual(parametersCellProblems([code("// p\nlet replicas = 4;\nlet beta = 0.3;", ["parameters"]), use]), []);
  assert.match(parametersCellProblems([code("const replicas = 4;", ["parameters"]), use]).join(), /is not `let NAME = VALUE;`/);
  assert.match(parametersCellProblems([code("let replicas = 2 * 2;", ["parameters"]), use]).join(), /not a plain JSON literal/);
  assert.match(parametersCellProblems([code("let unused = 1;", ["parameters"]), use]).join(), /unused is read by no later code cell/);
  assert.match(parametersCellProblems([code("let replicas = 1;", ["parameters"]), code("let beta = 1;", ["parameters"]), use]).join(), /2 cells tagged parameters/);
});
