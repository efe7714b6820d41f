/**
 * Removing stale results: a result folder <results>/<experiment>/<key>/ is kept when some
 * notebook's outputs name it (every notebook prints the folder it read or wrote), and
 * deleted otherwise (older code versions, other scales, abandoned configs).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { recordResultsDir } from "./cache";

/** Delete unreferenced result folders; returns the deleted paths. */
export function pruneResults(notebooks: string[], root: string = recordResultsDir()): string[] {
  const text = notebooks.map((p) => readFileSync(p, "utf8")).join("\n");
  const removed: string[] = [];
  if (!existsSync(root)) return removed;
  for (const experiment of readdirSync(root)) {
    for (const key of readdirSync(join(root, experiment))) {
      if (text.includes(`data/results/${experiment}/${key}`)) continue;
      rmSync(join(root, experiment, key), { recursive: true, force: true });
      removed.push(join(experiment, key));
    }
  }
  return removed;
}
