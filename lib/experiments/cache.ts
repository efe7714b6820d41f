/**
 * Results keyed by what made them: a hash of (experiment name, config, the source of the
 * experiment's module and everything it imports from lib/ except reporting, backend). An
 * unchanged key is read back instead of recomputed; editing a module the experiment does
 * not use does not invalidate it. `results.csv` is written before `meta.json`, and only a
 * folder with both is a result.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { BackendInfo } from "../backend";
import { ConfigError } from "./validate";
import { hashSourceFiles, provenance, Provenance, REPO_ROOT } from "./provenance";
import { ColumnType, columnTypes, readCsv, Row, toCsv, writeFileAtomic } from "./results-io";

export const RESULTS_ENV = "NPPO_RESULTS_DIR";
const LOCK_POLL_MS = 2000;

/** data/results/, or NPPO_RESULTS_DIR (an absolute path) when set. */
export function resultsDir(): string {
  const v = process.env[RESULTS_ENV];
  if (v === undefined || v === "") return join(REPO_ROOT, "data", "results");
  if (!v.startsWith("/")) throw new ConfigError(`${RESULTS_ENV} must be an absolute path, got ${JSON.stringify(v)}`);
  return v;
}

export class ResultsLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResultsLockedError";
  }
}

/** Whether a process is running. A zombie (killed, not yet reaped: common in containers, where
 * signal 0 still reaches it) is not; Linux tells them apart through /proc. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return true;
  }
}

/**
 * Take `<dir>.lock` (created exclusively, holding our pid). A lock whose process is gone
 * (kill -9) is taken over; a live one is refused with a clear message, so two runs never
 * compute into the same folder at once. Returns the release function.
 */
export function lockResults(dir: string): () => void {
  const path = `${dir}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (existsSync(path)) unlinkSync(path);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(readFileSync(path, "utf8"));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new ResultsLockedError(`results ${dir} are being computed by process ${owner}; wait for it, or delete ${path} if that process is not running`);
      }
      unlinkSync(path); // stale: its process is gone
    }
  }
  throw new ResultsLockedError(`could not take ${path}`);
}

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

const LIB = join(REPO_ROOT, "lib");
const REPORT = join(LIB, "report") + sep;
/** Plumbing that stores, checks or labels results but cannot change a number in them. */
const PLUMBING = ["cache.ts", "results-io.ts", "provenance.ts", "validate.ts", "scale.ts", "prune.ts", "registry.ts"].map((f) => join(LIB, "experiments", f));

/**
 * The lib/ source files `entry` depends on: itself and the transitive closure of its
 * relative imports, without lib/report/ and the results plumbing (neither can change a
 * number; keying on them would throw away hours of results for a logging change). Sorted.
 */
export function sourceClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || file.startsWith(REPORT) || PLUMBING.includes(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    // Imports and requires of .ts/.js modules, and `@key-source "path"` comments for code
    // loaded another way (the WebAssembly and native kernels' sources, the native build's flags).
    for (const m of text.matchAll(/(?:from|import|require\(|@key-source)\s*["'](\.[^"']+)["']/g)) {
      const target = join(dirname(file), m[1]);
      const candidates = [`${target}.ts`, join(target, "index.ts"), target];
      const found = candidates.find((c) => /\.(ts|js|mjs|c)$/.test(c) && existsSync(c));
      if (found) visit(found);
    }
  };
  // Under tslab, __filename names a virtual .js file beside the .ts source (through the notebooks/lib symlink).
  visit(realpathSync(entry.replace(/\.js$/, ".ts")));
  return [...seen].sort();
}

const codeVersionMemo = new Map<string, string>();

/** Hash of the computational code an experiment runs: its module's source closure (see sourceClosure). */
export function codeVersion(entry: string): string {
  let v = codeVersionMemo.get(entry);
  if (v === undefined) {
    v = hashSourceFiles(sourceClosure(entry), LIB);
    codeVersionMemo.set(entry, v);
  }
  return v;
}

export function resultKey(experiment: string, config: unknown, backend: BackendInfo | null, code: string): string {
  return createHash("sha256")
    .update(canonicalJson({ experiment, config, code, backend: backend ? backend.backend : "not used" }))
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
  /** Each column's type (absent in folders written before it was recorded). */
  columns?: Record<string, ColumnType>;
  /** Names of the extra tables beside results.csv (`<name>.csv`), and each one's column types. */
  tables?: string[];
  tableColumns?: Record<string, Record<string, ColumnType>>;
  /** Whatever else the experiment measured once per run (e.g. `ntkLambdaMin`), at the top level. */
  [measured: string]: unknown;
}

/** What an experiment computes: its tidy rows, optionally extra tidy tables and run-level measurements for meta.json. */
export interface Computed {
  rows: Row[];
  tables?: Record<string, Row[]>;
  meta?: Record<string, unknown>;
}

export interface CachedResult {
  rows: Row[];
  /** Extra tables by name (empty when the experiment has none). */
  tables: Record<string, Row[]>;
  meta: Meta;
  dir: string;
  /** True when read from disk rather than computed now. */
  fromCache: boolean;
}

/** What identifies an experiment: its name and its source module (pass `__filename`). */
export interface ExperimentId {
  name: string;
  module: string;
  /**
   * Whether the TensorFlow.js backend can change a number of this run (default true). The
   * solver experiments use it only with kernel "tfjs": otherwise the backend stays out of the
   * key, so that results computed where tfjs-node is missing are reused where it is installed.
   */
  usesBackend?: boolean;
}

/**
 * One line naming where a result lives, as every notebook prints it: its folder relative to
 * the repository root (`data/results/<experiment>/<key>`, what `--prune` looks for in the
 * outputs), or the absolute folder in a results store elsewhere (NPPO_RESULTS_DIR).
 */
export function describeResult(r: CachedResult): string {
  const rel = relative(REPO_ROOT, r.dir);
  return `${r.rows.length} rows ${r.fromCache ? "read from cache" : "computed"}: ${rel.startsWith("..") ? r.dir : rel.split(sep).join("/")}`;
}

/**
 * The result of (experiment, config, backend) if it is in the cache, else null: for runs beyond
 * a notebook's budget, computed elsewhere (a sweep, a long local run) and read when present.
 */
export function findCached(id: ExperimentId, config: unknown, backend: BackendInfo, resultsDirectory: string = resultsDir()): CachedResult | null {
  const key = resultKey(id.name, config, id.usesBackend === false ? null : backend, codeVersion(id.module));
  const dir = join(resultsDirectory, id.name, key);
  const csvPath = join(dir, "results.csv");
  const metaPath = join(dir, "meta.json");
  if (!(existsSync(metaPath) && existsSync(csvPath))) return null;
  const meta = JSON.parse(readFileSync(metaPath, "utf8")) as Meta;
  const tables = Object.fromEntries((meta.tables ?? []).map((t) => [t, readCsv(join(dir, `${t}.csv`), meta.tableColumns?.[t])]));
  return { rows: readCsv(csvPath, meta.columns), tables, meta, dir, fromCache: true };
}

/**
 * Return the rows for (experiment, config, backend): from `data/results/<experiment>/<key>/`
 * if present, else computed by `compute` and written there atomically.
 */
export async function runCached(
  id: ExperimentId,
  config: unknown,
  backend: BackendInfo,
  compute: () => Promise<Row[] | Computed> | Row[] | Computed,
  resultsDirectory: string = resultsDir(),
): Promise<CachedResult> {
  const experiment = id.name;
  const code = codeVersion(id.module);
  const key = resultKey(experiment, config, id.usesBackend === false ? null : backend, code);
  const dir = join(resultsDirectory, experiment, key);
  const csvPath = join(dir, "results.csv");
  const metaPath = join(dir, "meta.json");
  const readBack = (): CachedResult => findCached(id, config, backend, resultsDirectory)!;
  if (existsSync(metaPath) && existsSync(csvPath)) return readBack();
  // Another live process computing the same key (two notebooks sharing a config): wait for
  // it and read its results, rather than compute them twice or fail.
  let release: () => void;
  let announced = false;
  for (;;) {
    try {
      release = lockResults(dir);
      break;
    } catch (e) {
      if (!(e instanceof ResultsLockedError)) throw e;
      // stdout: a notebook shows stderr as a warning, and this is news, not a problem.
      if (!announced) process.stdout.write(`${e.message.split(";")[0].replace(REPO_ROOT + sep, "")}: waiting for it\n`);
      announced = true;
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
      if (existsSync(metaPath) && existsSync(csvPath)) return readBack();
    }
  }
  try {
    const out = await compute();
    const { rows, tables = {}, meta: measured = {} } = Array.isArray(out) ? { rows: out } : out;
    const names = Object.keys(tables).sort();
    const meta: Meta = {
      ...measured, experiment, key, codeVersion: code, config, provenance: provenance(backend), rows: rows.length, columns: columnTypes(rows),
      ...(names.length > 0 ? { tables: names, tableColumns: Object.fromEntries(names.map((t) => [t, columnTypes(tables[t])])) } : {}),
    };
    // Extra tables, then results.csv, then meta.json: only a folder with meta.json is a result.
    for (const t of names) writeFileAtomic(join(dir, `${t}.csv`), toCsv(tables[t]));
    writeFileAtomic(csvPath, toCsv(rows));
    writeFileAtomic(metaPath, JSON.stringify(meta, null, 2) + "\n");
    return { rows, tables, meta, dir, fromCache: false };
  } finally {
    release();
  }
}
