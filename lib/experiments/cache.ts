/**
 * Results keyed by what made them: a hash of (experiment name, config, the source of the
 * experiment's module and everything it imports from lib/ except reporting, backend). An
 * unchanged key is read back instead of recomputed; editing a module the experiment does
 * not use does not invalidate it. `results.csv` is written before `meta.json`, and only a
 * folder with both is a result.
 */
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync } from "node:fs";
import { lockResults, ResultsLockedError } from "./locks";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, sep } from "node:path";
import type { BackendInfo } from "../backend";
import { ConfigError } from "./validate";
import { hashSourceFiles, provenance, Provenance } from "./provenance";
import { REPO_ROOT } from "../util/paths";
import { ColumnType, columnTypes, readCsv, Row, toCsv } from "./results-io";
import { writeFileAtomic } from "../util/atomic-write";
import { WRITE_FILES_ENV } from "../report/output-files";

export const RESULTS_ENV = "NPPO_RESULTS_DIR";
/**
 * Planning mode (`npm run reproduce -- --plan DIR`): a file that cache misses of the split-able
 * experiments are appended to (one JSON line each) instead of computed; the call then returns
 * an empty result, so the notebook's later cells may fail (the plan says so).
 */
export const PLAN_MISSES_ENV = "NPPO_PLAN_MISSES";
/** The experiments work units can split (lib/experiments/units.ts; `propagation` runs `convergence`). */
export const PLANNED_EXPERIMENTS = ["convergence", "improvement", "evaluation"];
const LOCK_POLL_MS = 2000;

/** The committed results store: the paper-scale record, written only by the paper-scale reproduction. */
export const COMMITTED_RESULTS_DIR = join(REPO_ROOT, "data", "results");
/** Where every other run caches its results (git-ignored; `npm run clean` empties it). */
export const SCRATCH_RESULTS_DIR = join(REPO_ROOT, "scratch", "results");

/** NPPO_RESULTS_DIR (an absolute path), or null when unset. */
function resultsOverride(): string | null {
  const v = process.env[RESULTS_ENV];
  if (v === undefined || v === "") return null;
  if (!v.startsWith("/")) throw new ConfigError(`${RESULTS_ENV} must be an absolute path, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Where this process writes results: NPPO_RESULTS_DIR when set; else data/results/ for the
 * paper-scale reproduction (its kernels run with NPPO_WRITE_FILES=committed) and
 * scratch/results/ for every other run (Jupyter, nbclient, the CLI, another scale).
 */
export function resultsDir(): string {
  return resultsOverride() ?? (process.env[WRITE_FILES_ENV] === "committed" ? COMMITTED_RESULTS_DIR : SCRATCH_RESULTS_DIR);
}

/** Where results are looked up, in order: the store written to, then (without NPPO_RESULTS_DIR) the committed record. */
export function resultsReadDirs(): string[] {
  const write = resultsDir();
  return resultsOverride() !== null || write === COMMITTED_RESULTS_DIR ? [write] : [write, COMMITTED_RESULTS_DIR];
}

/** The store of the paper-scale record (NPPO_RESULTS_DIR when set): what --prune and --merge act on. */
export function recordResultsDir(): string {
  return resultsOverride() ?? COMMITTED_RESULTS_DIR;
}

export { lockResults, removeStaleLocks, ResultsLockedError } from "./locks";

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
/** The bottom layer's utilities (repository paths, atomic writes, progress): none can change a number. */
const UTIL = join(LIB, "util") + sep;
/** Plumbing that stores, checks, labels or prices results but cannot change a number in them. */
const PLUMBING = ["cache.ts", "locks.ts", "results-io.ts", "provenance.ts", "validate.ts", "scale.ts", "prune.ts", "registry.ts", "estimate.ts"].map((f) => join(LIB, "experiments", f));

/**
 * The lib/ source files `entry` depends on: itself and the transitive closure of its
 * relative imports, without lib/report/, lib/util/ and the results plumbing (none can change a
 * number; keying on them would throw away hours of results for a logging change). Sorted.
 */
export function sourceClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || file.startsWith(REPORT) || file.startsWith(UTIL) || PLUMBING.includes(file)) return;
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

const used: string[] = [];

/**
 * The result folders this process has read or computed, in order of first use (relative to the
 * repository root where inside it): what a figure drawn now can have come from (figure sidecars,
 * lib/report/provenance-files.ts).
 */
export function resultsUsed(): string[] {
  return [...used];
}

function noteUsed(r: CachedResult): CachedResult {
  const rel = relative(REPO_ROOT, r.dir);
  // A throwaway store under the system temp dir that is not the configured one (a notebook's probe run) is named by
  // experiment and key only: its random folder name would make every rerun's provenance differ.
  const throwaway = !relative(tmpdir(), r.dir).startsWith("..") && relative(resultsDir(), r.dir).startsWith("..");
  const name = !rel.startsWith("..") ? rel.split(sep).join("/") : throwaway ? `(temporary store)/${basename(dirname(r.dir))}/${basename(r.dir)}` : r.dir;
  if (!used.includes(name)) used.push(name);
  return r;
}

/** A complete result folder, read back. */
function readResult(dir: string): CachedResult {
  const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")) as Meta;
  const tables = Object.fromEntries((meta.tables ?? []).map((t) => [t, readCsv(join(dir, `${t}.csv`), meta.tableColumns?.[t])]));
  return noteUsed({ rows: readCsv(join(dir, "results.csv"), meta.columns), tables, meta, dir, fromCache: true });
}

let substitute: Computed | null = null;

/**
 * Run `fn` (a call of an experiment) with the computation of its first cache miss replaced
 * by `computed`: how merged work units enter the cache under the very key the experiment's
 * own call computes (lib/experiments/units.ts). A hit reads the stored result as usual.
 */
export async function withComputed<T>(computed: Computed, fn: () => Promise<T>): Promise<T> {
  if (substitute) throw new Error("withComputed calls do not nest");
  substitute = computed;
  try {
    return await fn();
  } finally {
    substitute = null;
  }
}

const isComplete = (d: string) => existsSync(join(d, "meta.json")) && existsSync(join(d, "results.csv"));

/**
 * When this process writes the committed record (the paper-scale reproduction), take a result
 * merged or computed into scratch/results/ (work units, `npm run sweep`, the experiment CLI) into
 * it: same key, same bytes; copied beside, then renamed into place. A no-op otherwise.
 */
function promoteScratchCopy(experiment: string, key: string): void {
  const dir = join(COMMITTED_RESULTS_DIR, experiment, key);
  const scratchCopy = join(SCRATCH_RESULTS_DIR, experiment, key);
  if (resultsDir() !== COMMITTED_RESULTS_DIR || isComplete(dir) || !isComplete(scratchCopy)) return;
  const tmp = `${dir}.promote-${process.pid}`;
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  cpSync(scratchCopy, tmp, { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!isComplete(dir)) throw e; // another kernel promoted it first
  }
}

/**
 * The result of (experiment, config, backend) if it is in the cache, else null, computing
 * nothing: for runs beyond a notebook's budget, computed elsewhere (a sweep, a long local run)
 * and read when present. Looks where `runCached` looks: the given store, else the write store
 * and then the committed record; the paper-scale reproduction first takes a scratch copy into
 * the record, as `runCached` does.
 */
export function findCached(id: ExperimentId, config: unknown, backend: BackendInfo, resultsDirectory?: string): CachedResult | null {
  const key = resultKey(id.name, config, id.usesBackend === false ? null : backend, codeVersion(id.module));
  if (resultsDirectory === undefined) promoteScratchCopy(id.name, key);
  for (const root of resultsDirectory === undefined ? resultsReadDirs() : [resultsDirectory]) {
    const dir = join(root, id.name, key);
    if (isComplete(dir)) return readResult(dir);
  }
  return null;
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
  resultsDirectory?: string,
): Promise<CachedResult> {
  const experiment = id.name;
  const code = codeVersion(id.module);
  const key = resultKey(experiment, config, id.usesBackend === false ? null : backend, code);
  const dir = join(resultsDirectory ?? resultsDir(), experiment, key);
  // An explicit store is the only one; else the write store, then the committed record.
  for (const root of resultsDirectory === undefined ? resultsReadDirs().slice(1) : []) {
    const d = join(root, experiment, key);
    if (isComplete(d)) return readResult(d);
  }
  if (resultsDirectory === undefined) promoteScratchCopy(experiment, key);
  const csvPath = join(dir, "results.csv");
  const metaPath = join(dir, "meta.json");
  const readBack = (): CachedResult => readResult(dir);
  if (existsSync(metaPath) && existsSync(csvPath)) return readBack();
  const planFile = process.env[PLAN_MISSES_ENV];
  if (planFile && PLANNED_EXPERIMENTS.includes(experiment)) {
    appendFileSync(planFile, JSON.stringify({ experiment, key, config }) + "\n");
    return { rows: [], tables: {}, meta: { experiment, key, codeVersion: code, config, rows: 0 } as unknown as Meta, dir, fromCache: false };
  }
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
    const out = substitute ?? (await compute());
    substitute = null;
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
    return noteUsed({ rows, tables, meta, dir, fromCache: false });
  } finally {
    release();
  }
}
