/**
 * Tidy results on disk: `results.csv` (one row per configuration × replica) and
 * `meta.json`, written atomically (temp file, fsync, rename) so that a partial file is never
 * mistaken for a result. Numbers are written with JavaScript's shortest round-trip
 * representation, so reading back gives the same float64 and reruns give the same bytes.
 * ±Infinity is written as such: some exact quantities are genuinely beyond float64 (ψ*_k
 * when π_k(a|s) underflows to 0 where π* acts). NaN is never written: it can only be a bug.
 */
import { readFileSync } from "node:fs";

export type Cell = number | string | boolean;
export type Row = Record<string, Cell>;


function formatCell(v: Cell, column: string, row: number): string {
  if (typeof v === "number") {
    if (Number.isNaN(v)) throw new RangeError(`refusing to write NaN in column "${column}", row ${row}`);
    return String(v);
  }
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows to CSV; the columns are those of the first row, in order, and every row must have them. */
export function toCsv(rows: Row[]): string {
  if (rows.length === 0) throw new RangeError("no rows to write");
  const columns = Object.keys(rows[0]);
  const lines = [columns.join(",")];
  rows.forEach((row, i) => {
    lines.push(
      columns
        .map((c) => {
          if (!(c in row)) throw new RangeError(`row ${i} lacks column "${c}"`);
          return formatCell(row[c], c, i);
        })
        .join(","),
    );
  });
  return lines.join("\n") + "\n";
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * What a column holds, as meta.json records it: "float64" numbers (an empty cell is a missing
 * value), "int32" integers that fit 32 bits, "string" (kept as text even where it looks like
 * a number, e.g. an all-digit hash) and "boolean".
 */
export type ColumnType = "float64" | "int32" | "string" | "boolean";

const isInt32 = (v: number) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;

/** The type of every column of rows about to be written (`toCsv`'s columns). */
export function columnTypes(rows: Row[]): Record<string, ColumnType> {
  const out: Record<string, ColumnType> = {};
  for (const c of Object.keys(rows[0] ?? {})) {
    const values = rows.map((r) => r[c]);
    const numbers = values.filter((v): v is number => typeof v === "number");
    if (values.every((v) => typeof v === "boolean")) out[c] = "boolean";
    // An empty cell is a number that does not exist (e.g. an error column at k = K), so a column
    // of numbers and empty cells, or of empty cells only, is float64 (NaN where empty).
    else if (values.every((v) => typeof v === "number" || v === "")) out[c] = numbers.length === values.length && numbers.every(isInt32) ? "int32" : "float64";
    else out[c] = "string";
  }
  return out;
}

/** A cell as `toCsv` wrote it back to its value; `type` from meta.json, else guessed from the text. */
function parseCell(s: string, type: ColumnType | undefined): Cell {
  if (type === "string") return s;
  if (s === "true" || s === "false") return type === undefined || type === "boolean" ? s === "true" : s;
  return s !== "" && !Number.isNaN(Number(s)) ? Number(s) : s;
}

/** The header and the cells of a CSV written by `toCsv`, row by row. */
export function splitCsv(text: string): { columns: string[]; cells: string[][] } {
  const lines = text.split("\n").filter((l) => l.length > 0);
  if (lines.length === 0) return { columns: [], cells: [] };
  const columns = splitCsvLine(lines[0]);
  const cells = lines.slice(1).map((line, i) => {
    const row = splitCsvLine(line);
    if (row.length !== columns.length) throw new RangeError(`CSV row ${i + 1} has ${row.length} cells, expected ${columns.length}`);
    return row;
  });
  return { columns, cells };
}

/**
 * Parse a CSV written by `toCsv`. With the column types of its meta.json, string columns stay
 * strings; without (folders written before meta.json had them) numeric-looking cells become
 * numbers and true/false booleans.
 */
export function parseCsv(text: string, types: Record<string, ColumnType> = {}): Row[] {
  const { columns, cells } = splitCsv(text);
  return cells.map((row) => {
    const out: Row = {};
    columns.forEach((c, j) => (out[c] = parseCell(row[j], types[c])));
    return out;
  });
}

export function readCsv(path: string, types: Record<string, ColumnType> = {}): Row[] {
  return parseCsv(readFileSync(path, "utf8"), types);
}
