/**
 * Tidy results on disk: `results.csv` (one row per configuration × replica) and
 * `meta.json`, written atomically (temp file, fsync, rename) so that a partial file is never
 * mistaken for a result. Numbers are written with JavaScript's shortest round-trip
 * representation, so reading back gives the same float64 and reruns give the same bytes.
 * ±Infinity is written as such: some exact quantities are genuinely beyond float64 (ψ*_k
 * when π_k(a|s) underflows to 0 where π* acts). NaN is never written: it can only be a bug.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";

export type Cell = number | string | boolean;
export type Row = Record<string, Cell>;

/** Write `text` to `path` atomically: readers see the old file or the whole new one. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw e;
  }
}

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

/** Parse a CSV written by `toCsv`: numeric-looking cells become numbers, true/false booleans. */
export function parseCsv(text: string): Row[] {
  const lines = text.split("\n").filter((l) => l.length > 0);
  if (lines.length === 0) return [];
  const columns = splitCsvLine(lines[0]);
  return lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line);
    if (cells.length !== columns.length) throw new RangeError(`CSV row ${i + 1} has ${cells.length} cells, expected ${columns.length}`);
    const row: Row = {};
    columns.forEach((c, j) => {
      const s = cells[j];
      row[c] = s === "true" ? true : s === "false" ? false : s !== "" && !Number.isNaN(Number(s)) ? Number(s) : s;
    });
    return row;
  });
}

export function readCsv(path: string): Row[] {
  return parseCsv(readFileSync(path, "utf8"));
}
