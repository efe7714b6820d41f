/**
 * What a notebook's committed outputs were made from: a hash of its code cells and of every
 * source file under lib/, and a digest of the outputs themselves. The runner stores both in
 * the notebook's metadata (`nppo.madeFrom`, `nppo.outputs`) when `npm run reproduce` writes
 * it; test/staleness.test.ts fails when a companion notebook's outputs no longer match its
 * source or the library, or were replaced by a run saved from Jupyter (then:
 * `npm run reproduce`, or `git checkout` the notebook).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { hashSourceFiles } from "../lib/experiments/provenance";
import { REPO_ROOT } from "../lib/util/paths";

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

type Json = Record<string, any>;
type Cell = { cell_type: string; source: string | string[]; outputs?: Json[] };

const text = (v: unknown) => (Array.isArray(v) ? v.join("") : v);

/** Hash of a notebook's code cells and of lib/: equal ⇔ the outputs are up to date. */
export function notebookFingerprint(cells: Cell[], lib: string = libHash()): string {
  const h = createHash("sha256").update(lib);
  for (const c of cells) if (c.cell_type === "code") h.update("\0").update(text(c.source) as string);
  return h.digest("hex").slice(0, 16);
}

/**
 * Digest of the code cells' outputs: types, stream text and MIME data, with text joined, so
 * that Jupyter re-saving the same outputs (its own line splitting, metadata, execution
 * counts) keeps it, and a rerun saved from Jupyter does not.
 */
export function outputsDigest(cells: Cell[]): string {
  const h = createHash("sha256");
  for (const c of cells) {
    if (c.cell_type !== "code") continue;
    h.update("\0cell");
    for (const o of c.outputs ?? []) {
      h.update(`\0${o.output_type}\0${o.name ?? ""}\0${text(o.text) ?? ""}\0${o.ename ?? ""}\0${o.evalue ?? ""}`);
      for (const k of Object.keys(o.data ?? {}).sort()) {
        const v = text(o.data[k]);
        h.update(`\0${k}\0${typeof v === "string" ? v : JSON.stringify(v)}`);
      }
    }
  }
  return h.digest("hex").slice(0, 16);
}

/**
 * Why each notebook at `paths` has outputs that `npm run reproduce` did not make, at paper
 * scale, from its current source and lib/ (one line per stale notebook; empty: all fresh).
 */
export function staleNotebooks(paths: string[], lib: string = libHash()): string[] {
  const stale: string[] = [];
  for (const path of paths) {
    const nb = JSON.parse(readFileSync(path, "utf8"));
    const meta = nb.metadata?.nppo;
    const name = basename(path);
    if (!meta) stale.push(`${name} (never run by npm run reproduce)`);
    else if (meta.madeFrom !== notebookFingerprint(nb.cells, lib) || meta.scale !== "paper") stale.push(`${name} (made from ${meta.madeFrom}, scale ${meta.scale})`);
    else if (meta.outputs !== outputsDigest(nb.cells)) stale.push(`${name} (outputs changed since npm run reproduce wrote them: a run saved from Jupyter?)`);
  }
  return stale;
}
