/**
 * What a notebook's committed outputs were made from: a hash of its code cells and of every
 * source file under lib/. The runner stores it in the notebook's metadata (`nppo.madeFrom`);
 * test/staleness.test.ts fails when a committed notebook's outputs no longer match its
 * source or the library (then: `npm run reproduce`).
 */
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { hashSourceFiles, REPO_ROOT } from "../lib/experiments/provenance";

function sources(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? sources(path) : name.endsWith(".ts") ? [path] : [];
    });
}

/** Hash of every .ts file under lib/ (paths and contents). */
export function libHash(): string {
  const lib = join(REPO_ROOT, "lib");
  return hashSourceFiles(sources(lib), lib);
}

type Cell = { cell_type: string; source: string | string[] };

/** Hash of a notebook's code cells and of lib/: equal ⇔ the outputs are up to date. */
export function notebookFingerprint(cells: Cell[], lib: string = libHash()): string {
  const h = createHash("sha256").update(lib);
  for (const c of cells) if (c.cell_type === "code") h.update("\0").update(Array.isArray(c.source) ? c.source.join("") : c.source);
  return h.digest("hex").slice(0, 16);
}
