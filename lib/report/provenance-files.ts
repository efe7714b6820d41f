/**
 * Provenance of figure files and findings (issue 23): beside `<name>.png` and `<name>.svg`, a
 * sidecar `<name>.provenance.json` names the result folders the figure can have come from (every
 * result this kernel had read or computed when it was drawn: lib/experiments/cache.ts's
 * `resultsUsed`), the scale, and every theory function the notebook replaced in its `curves`
 * (by name, with the replacement's label or source). Findings files carry the same. No time
 * stamp, so that a rerun writes the same bytes.
 */
import { join } from "node:path";
import * as theory from "../theory";
import { resultsUsed } from "../experiments/cache";
import { currentScale } from "../experiments/scale";
import { writeFileAtomic } from "../util/atomic-write";

export interface Provenance {
  results: string[];
  scale: string;
  /** Theory functions of lib/theory.ts the notebook replaced, with what it put in their place. */
  theoryReplaced: { name: string; label: string }[];
}

/** The entries of `curves` (a notebook's copy of lib/theory.ts) that differ from the library's. */
export function replacedTheory(curves?: Record<string, unknown>): { name: string; label: string }[] {
  if (!curves) return [];
  const lib = theory as unknown as Record<string, unknown>;
  return Object.keys(curves)
    .filter((k) => typeof curves[k] === "function" && curves[k] !== lib[k])
    .sort()
    .map((name) => ({ name, label: theory.curveLabel(curves[name] as (...args: never[]) => number) }));
}

export function currentProvenance(curves?: Record<string, unknown>): Provenance {
  return { results: resultsUsed(), scale: currentScale(), theoryReplaced: replacedTheory(curves) };
}

/** Write `<dir>/<name>.provenance.json` for the figure files `files` (names relative to `dir`). */
export function writeFigureProvenance(dir: string, name: string, files: string[], curves?: Record<string, unknown>): void {
  writeFileAtomic(join(dir, `${name}.provenance.json`), JSON.stringify({ figure: name, files, ...currentProvenance(curves) }, null, 1) + "\n");
}
