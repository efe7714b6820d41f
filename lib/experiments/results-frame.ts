/**
 * A results folder (`data/results/<experiment>/<key>/`: results.csv + meta.json, see
 * cache.ts) as a danfojs DataFrame with the dtypes its values have: "float64" for numbers
 * (JavaScript numbers are float64; danfojs would call them "float32", which only its
 * `.tensor` conversion makes true), "int32", "string" and "boolean". Empty cells of a numeric
 * column (e.g. the error columns at k = K) are missing values, NaN.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import * as dfd from "danfojs-node";
import { REPO_ROOT } from "../util/paths";
import { ColumnType, splitCsv } from "./results-io";

// danfojs 1.1.2 accepts only the dtypes in this exported list; "float64" joins it so that a
// frame can say what its numbers are. Its own casts (asType, tensor) still know float32 only.
const DANFO_DTYPES: string[] = require("danfojs-node/dist/danfojs-base/shared/defaults").DATA_TYPES;
if (!DANFO_DTYPES.includes("float64")) DANFO_DTYPES.push("float64");

const roundTrips = (s: string) => s !== "" && String(Number(s)) === s;

/** A column's type guessed from its text, for folders whose meta.json predates `columns`. */
function guessType(cells: string[]): ColumnType {
  if (cells.every((s) => s === "true" || s === "false")) return "boolean";
  // Numbers are written in JavaScript's shortest form, so text that does not round-trip
  // (a hash with a leading zero) is a string.
  if (!cells.some(roundTrips) || !cells.every((s) => s === "" || roundTrips(s))) return "string";
  return cells.every((s) => s !== "" && Number.isInteger(Number(s)) && Math.abs(Number(s)) < 2 ** 31) ? "int32" : "float64";
}

/**
 * Load the results folder `dir` (absolute, or relative to the repository root like the MDP
 * paths in configs; `result.dir` of any experiment run) as a DataFrame, one column per CSV
 * column with the type meta.json records for it.
 */
export function readResultsFrame(dir: string): dfd.DataFrame {
  const abs = isAbsolute(dir) ? dir : join(REPO_ROOT, dir);
  const csv = join(abs, "results.csv");
  const metaPath = join(abs, "meta.json");
  if (!existsSync(csv) || !existsSync(metaPath)) throw new Error(`${dir} is not a results folder: it needs results.csv and meta.json`);
  const recorded = (JSON.parse(readFileSync(metaPath, "utf8")) as { columns?: Record<string, ColumnType> }).columns ?? {};
  const { columns, cells } = splitCsv(readFileSync(csv, "utf8"));
  const types = columns.map((c, j) => recorded[c] ?? guessType(cells.map((row) => row[j])));
  const data = cells.map((row) =>
    row.map((s, j) => (types[j] === "string" ? s : types[j] === "boolean" ? s === "true" : s === "" ? NaN : Number(s))),
  );
  return new dfd.DataFrame(data, { columns, dtypes: types });
}
