/**
 * Which notebooks are the companion's own (tools/companion-notebooks.json): the ones
 * `npm run reproduce` runs by default and whose committed outputs the tests check. A user's
 * own notebook in notebooks/ is not one of them, so adding one breaks neither.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/util/paths";

export const NOTEBOOKS_DIR = join(REPO_ROOT, "notebooks");
const MANIFEST = join(REPO_ROOT, "tools", "companion-notebooks.json");

/** The manifest's notebook file names, in run order. */
export function companionList(manifest: string = MANIFEST): string[] {
  const names = (JSON.parse(readFileSync(manifest, "utf8")) as { notebooks?: unknown }).notebooks;
  if (!Array.isArray(names) || !names.every((n) => typeof n === "string" && n.endsWith(".ipynb") && !n.includes("/"))) {
    throw new Error(`${manifest}: "notebooks" must be an array of file names ending in .ipynb`);
  }
  return names as string[];
}

/**
 * The companion's notebooks under `dir` as paths, in run order (`present`), and the listed
 * names with no file yet (`missing`: skipped, e.g. a notebook being written).
 */
export function companionNotebooks(dir: string = NOTEBOOKS_DIR, names: string[] = companionList()): { present: string[]; missing: string[] } {
  const present = names.filter((n) => existsSync(join(dir, n)));
  return { present: present.map((n) => join(dir, n)), missing: names.filter((n) => !present.includes(n)) };
}

/** Every notebook under `dir`, the user's own included (results they print are not pruned). */
export function allNotebooks(dir: string = NOTEBOOKS_DIR): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(dir, f));
}
