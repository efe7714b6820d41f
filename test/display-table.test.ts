/**
 * showTable with ragged rows (issue 23): notebook 04's "Final gap" table has rows with fewer K,
 * whose slope landed under the wrong column. Every value must sit under its own key.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { rowsTable, tableBundle } from "../lib/report/display";

test("a ragged table keeps every value under its own column, blanks where a row lacks one", () => {
  const rows = [
    { arm: "T = 2^10·K²", "K = 4": 0.25, "K = 8": 0.1, "K = 32": 0.017, slope: -1.0 },
    { arm: "T = 64·K³, the paper's init", "K = 4": 0.375, "K = 8": 0.294, slope: -1.07 },
    { arm: "fixed", "K = 16": 0.034, slope: 0.1 },
  ];
  const t = rowsTable(rows);
  assert.deepEqual(t.columns, ["arm", "K = 4", "K = 8", "K = 32", "slope", "K = 16"]);
  const values = t.values as unknown[][];
  assert.deepEqual(values[1], ["T = 64·K³, the paper's init", 0.375, 0.294, "", -1.07, ""]);
  assert.deepEqual(values[2], ["fixed", "", "", "", 0.1, 0.034]);
  const html = tableBundle(t, { digits: 3 })["text/html"];
  const second = html.split("<tr>")[3];
  const cells = [...second.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
  assert.equal(cells[4], "-1.07", "the slope sits under 'slope', not under 'K = 32'");
  assert.equal(cells[3], "");
});

test("counts print whole; a float past 2^53 (an integer to JavaScript) prints to the table's digits", () => {
  const html = tableBundle(rowsTable([{ runs: 96, psi: 1.0853657548958807e31, small: 0.5 }]), { digits: 3 })["text/html"];
  const cells = [...html.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(cells, ["96", "1.09e+31", "0.500"]);
});
