/**
 * Results keyed by what made them: a hash of (experiment name, config, the source of
 * lib/ except reporting, backend). An unchanged key is read back instead of recomputed;
 * `results.csv` is written before `meta.json`, and only a folder with both is a result.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { BackendInfo } from "../backend";
import { provenance, Provenance, REPO_ROOT } from "./provenance";
import { readCsv, Row, toCsv, writeFileAtomic } from "./results-io";

export const RESULTS_DIR = join(REPO_ROOT, "data", "results");

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

function listSources(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === "report" ? [] : listSources(path);
      return name.endsWith(".ts") ? [path] : [];
    });
}

let codeVersionMemo: string | null = null;

/** Hash of the computational code (lib/ without lib/report/): any change there invalidates results. */
export function codeVersion(): string {
  if (codeVersionMemo === null) {
    const h = createHash("sha256");
    const lib = join(REPO_ROOT, "lib");
    for (const path of listSources(lib)) {
      h.update(relative(lib, path));
      h.update("\0");
      h.update(readFileSync(path));
      h.update("\0");
    }
    codeVersionMemo = h.digest("hex").slice(0, 16);
  }
  return codeVersionMemo;
}

export function resultKey(experiment: string, config: unknown, backend: BackendInfo): string {
  return createHash("sha256")
    .update(canonicalJson({ experiment, config, code: codeVersion(), backend: backend.backend }))
    .digest("hex")
    .slice(0, 16);
}

export interface Meta {
  experiment: string;
  key: string;
  codeVersion: string;
  config: unknown;
  provenance: Provenance;
  rows: number;
}

export interface CachedResult {
  rows: Row[];
  meta: Meta;
  dir: string;
  /** True when read from disk rather than computed now. */
  fromCache: boolean;
}

/**
 * Return the rows for (experiment, config, backend): from `data/results/<experiment>/<key>/`
 * if present, else computed by `compute` and written there atomically.
 */
export async function runCached(
  experiment: string,
  config: unknown,
  backend: BackendInfo,
  compute: () => Promise<Row[]> | Row[],
  resultsDir: string = RESULTS_DIR,
): Promise<CachedResult> {
  const key = resultKey(experiment, config, backend);
  const dir = join(resultsDir, experiment, key);
  const csvPath = join(dir, "results.csv");
  const metaPath = join(dir, "meta.json");
  if (existsSync(metaPath) && existsSync(csvPath)) {
    const meta = JSON.parse(readFileSync(metaPath, "utf8")) as Meta;
    return { rows: readCsv(csvPath), meta, dir, fromCache: true };
  }
  const rows = await compute();
  const meta: Meta = { experiment, key, codeVersion: codeVersion(), config, provenance: provenance(backend), rows: rows.length };
  writeFileAtomic(csvPath, toCsv(rows));
  writeFileAtomic(metaPath, JSON.stringify(meta, null, 2) + "\n");
  return { rows, meta, dir, fromCache: false };
}
