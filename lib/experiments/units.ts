/**
 * Work units (issue 23): a sweep split at its finest independent grain so that the pieces can
 * run anywhere (a Slurm array, several machines) and merge into exactly what one run gives.
 *
 * A piece is one single-valued config of the experiment's own code: for `convergence` (and
 * `propagation`, which derives from it) one (grid cell, variant, K, m, T, block of replicas),
 * plus one piece for exact PPO per cell; for `improvement` and `evaluation` one (grid cell,
 * m, T) with all its replicas (their `directions` table holds replica means, so a block of
 * replicas would change its bits). Streams are keyed per replica (lib/random.ts), so a piece
 * draws exactly what the whole sweep draws for it. A unit is a set of pieces, balanced by
 * estimated cost (lib/experiments/estimate.ts).
 *
 * Layout of a plan folder DIR:
 *   plan.json               the experiment, the config, the pieces, which unit runs which
 *   units/unit-<i>.json     unit i (1-based, Slurm's SLURM_ARRAY_TASK_ID): its pieces and estimate
 *   store/                  a results store the pieces are cached in (atomic, locked: lib/experiments/cache.ts)
 *   done/unit-<i>.json      written last, when every piece of unit i is stored: unit i is complete
 * Merging reads the pieces in plan order, rewrites each row's `configHash` to its cell's, and
 * enters every cell into the results cache through the experiment's own call (`withComputed`),
 * so the merged results.csv is byte-identical to an unsplit run and a notebook asking for the
 * config finds it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createHash } from "node:crypto";
import { CachedResult, canonicalJson, Computed, RESULTS_ENV, withComputed } from "./cache";
import { configWork, secondsPerWork } from "./estimate";
import { expandGrid, gridResult, isGrid } from "./grid";
import { SINGLE_EXPERIMENTS } from "./registry";
import { readCsv, Row, toCsv } from "./results-io";
import { writeFileAtomic } from "../util/atomic-write";
import { ConfigError } from "./validate";

export const SPLITTABLE = ["convergence", "propagation", "improvement", "evaluation"];

export interface Piece {
  /** The experiment the piece runs (`convergence` for a `propagation` sweep). */
  experiment: string;
  /** Index of its grid cell. */
  cell: number;
  config: Record<string, unknown>;
  /** Solver work (estimate.ts units). */
  work: number;
}

export interface Plan {
  experiment: string;
  config: unknown;
  pieces: Piece[];
  /** units[i − 1]: indices into `pieces` of unit i. */
  units: number[][];
  secondsPerWork: number;
  /** Estimated core-seconds of each unit. */
  unitSeconds: number[];
}

/** The experiment a piece of `experiment` runs. */
const pieceExperiment = (experiment: string) => (experiment === "propagation" ? "convergence" : experiment);

/** A cell's pieces, with each neural (variant, K, m, T) split into `blocks` blocks of replicas. */
function cellPieces(experiment: string, cell: number, raw: unknown, blocks: number): Piece[] {
  const name = pieceExperiment(experiment);
  const valid = SINGLE_EXPERIMENTS[name].validate(raw) as Record<string, unknown> & { widths: number[]; iterations: number[]; replicas: number };
  const piece = (config: Record<string, unknown>): Piece => ({ experiment: name, cell, config, work: configWork(name, config as never) });
  const out: Piece[] = [];
  if (name !== "convergence") {
    for (const m of valid.widths) for (const T of valid.iterations) out.push(piece({ ...valid, widths: [m], iterations: [T] }));
    return out;
  }
  const variants = valid.variants as string[];
  const horizons = valid.horizons as number[];
  if (variants.includes("exact-ppo")) out.push(piece({ ...valid, variants: ["exact-ppo"] }));
  const R = valid.replicas;
  const b = Math.min(blocks, R);
  for (const v of variants.filter((x) => x !== "exact-ppo")) {
    for (const K of horizons) {
      for (const m of valid.widths) {
        for (const T of valid.iterations) {
          for (let i = 0; i < b; i++) {
            // Blocks as even as the replicas allow: the first R mod b get one more.
            const first = i * Math.floor(R / b) + Math.min(i, R % b);
            const n = Math.floor(R / b) + (i < R % b ? 1 : 0);
            const { firstReplica: _f, ...rest } = valid;
            out.push(piece({ ...rest, variants: [v], horizons: [K], widths: [m], iterations: [T], replicas: n, ...(first > 0 ? { firstReplica: first } : {}) }));
          }
        }
      }
    }
  }
  return out;
}

/** Split a (grid) config into `units` work units, balanced by estimated cost. */
export function planUnits(experiment: string, config: unknown, units: number): Plan {
  if (!SPLITTABLE.includes(experiment)) throw new ConfigError(`experiment must be one of ${SPLITTABLE.join(", ")} to be split into units, got ${JSON.stringify(experiment)}`);
  if (!Number.isInteger(units) || units < 1) throw new ConfigError(`--units must be a positive integer, got ${units}`);
  const cells = expandGrid(experiment, config);
  const piecesAt = (blocks: number) => cells.flatMap((c, i) => cellPieces(experiment, i, c.config, blocks));
  let pieces = piecesAt(1);
  // Finer replica blocks only when the coarser grain has fewer pieces than units.
  const maxReplicas = Math.max(...cells.map((c) => (c.config as { replicas?: number }).replicas ?? 1));
  for (let blocks = 2; pieces.length < units && blocks <= maxReplicas && pieceExperiment(experiment) === "convergence"; blocks++) pieces = piecesAt(blocks);
  if (pieces.length < units) throw new ConfigError(`--units ${units}: this sweep has only ${pieces.length} independent pieces at its finest grain; ask for at most ${pieces.length}`);
  const rate = secondsPerWork();
  // Longest piece first onto the least-loaded unit (LPT): every unit gets at least one piece.
  const load = new Array<number>(units).fill(0);
  const assigned: number[][] = Array.from({ length: units }, () => []);
  const order = pieces.map((p, i) => i).sort((a, b) => pieces[b].work - pieces[a].work || a - b);
  for (const i of order) {
    let u = 0;
    for (let j = 1; j < units; j++) if (load[j] < load[u]) u = j;
    assigned[u].push(i);
    load[u] += pieces[i].work;
  }
  assigned.forEach((a) => a.sort((x, y) => x - y));
  return { experiment, config, pieces, units: assigned, secondsPerWork: rate, unitSeconds: load.map((w) => w * rate) };
}

const unitFile = (dir: string, i: number) => join(dir, "units", `unit-${String(i).padStart(4, "0")}.json`);
const doneFile = (dir: string, i: number) => join(dir, "done", `unit-${String(i).padStart(4, "0")}.json`);

/** Write plan.json and one file per unit into `dir` (refusing a folder that holds another plan). */
export function writePlan(plan: Plan, dir: string): void {
  const planPath = join(dir, "plan.json");
  const text = JSON.stringify(plan, null, 1) + "\n";
  if (existsSync(planPath) && readFileSync(planPath, "utf8") !== text) {
    const old = JSON.parse(readFileSync(planPath, "utf8")) as Plan;
    if (canonicalJson({ e: old.experiment, c: old.config, u: old.units }) !== canonicalJson({ e: plan.experiment, c: plan.config, u: plan.units })) throw new ConfigError(`${dir} already holds another plan; choose an empty folder`);
  }
  plan.units.forEach((pieces, u) => writeFileAtomic(unitFile(dir, u + 1), JSON.stringify({ unit: u + 1, of: plan.units.length, estimatedCoreSeconds: plan.unitSeconds[u], pieces: pieces.map((i) => ({ index: i, ...plan.pieces[i] })) }, null, 1) + "\n"));
  writeFileAtomic(planPath, text);
}

export function readPlan(dir: string): Plan {
  const path = join(dir, "plan.json");
  if (!existsSync(path)) throw new ConfigError(`${dir} holds no plan.json (write one with \`npm run sweep -- plan\`)`);
  return JSON.parse(readFileSync(path, "utf8")) as Plan;
}

/** Where a piece's result lives in the plan's store, relative to the plan folder. */
const relativeResult = (dir: string, r: CachedResult) => relative(dir, r.dir);

/**
 * Run unit `i` (1-based) of the plan in `dir`: each of its pieces through the experiment, cached
 * in DIR/store/ (a piece already there is read back, so a killed unit resumes), then the unit's
 * done file. A finished unit does nothing. Returns whether it computed anything.
 */
export async function runUnit(dir: string, i: number, log: (line: string) => void = () => {}): Promise<boolean> {
  const plan = readPlan(dir);
  if (!Number.isInteger(i) || i < 1 || i > plan.units.length) throw new ConfigError(`unit must be an integer in 1…${plan.units.length}, got ${i}`);
  if (existsSync(doneFile(dir, i))) {
    log(`unit ${i} of ${plan.units.length}: already complete`);
    return false;
  }
  const previous = process.env[RESULTS_ENV];
  process.env[RESULTS_ENV] = join(dir, "store");
  const start = Date.now();
  const done: { index: number; dir: string; key: string }[] = [];
  try {
    for (const index of plan.units[i - 1]) {
      const p = plan.pieces[index];
      log(`unit ${i}: piece ${index + 1} of ${plan.pieces.length} (${describePiece(p)})`);
      const result = await SINGLE_EXPERIMENTS[p.experiment].run(SINGLE_EXPERIMENTS[p.experiment].validate(p.config));
      done.push({ index, dir: relativeResult(dir, result), key: result.meta.key });
    }
  } finally {
    if (previous === undefined) delete process.env[RESULTS_ENV];
    else process.env[RESULTS_ENV] = previous;
  }
  writeFileAtomic(doneFile(dir, i), JSON.stringify({ unit: i, seconds: (Date.now() - start) / 1000, pieces: done }, null, 1) + "\n");
  return true;
}

function describePiece(p: Piece): string {
  const c = p.config as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v.join(",") : String(v));
  const parts = [`cell ${p.cell + 1}`];
  if (c.variants) parts.push(list(c.variants));
  if (c.horizons) parts.push(`K=${list(c.horizons)}`);
  parts.push(`m=${list(c.widths)}`, `T=${list(c.iterations)}`);
  const first = (c.firstReplica as number | undefined) ?? 0;
  parts.push(`replicas ${first}…${first + (c.replicas as number) - 1}`);
  return parts.join(" ");
}

export class IncompleteUnitsError extends Error {
  constructor(readonly units: number[], detail: string) {
    super(detail);
    this.name = "IncompleteUnitsError";
  }
}

/** Units of the plan whose done file is missing or names a piece result that is not complete. */
export function incompleteUnits(dir: string, plan: Plan = readPlan(dir)): { unit: number; why: string }[] {
  const out: { unit: number; why: string }[] = [];
  plan.units.forEach((pieces, u) => {
    const i = u + 1;
    if (!existsSync(doneFile(dir, i))) {
      out.push({ unit: i, why: `not run, or stopped before its ${pieces.length} pieces were all stored` });
      return;
    }
    const done = JSON.parse(readFileSync(doneFile(dir, i), "utf8")) as { pieces: { index: number; dir: string }[] };
    const missing = pieces.filter((index) => {
      const d = done.pieces.find((p) => p.index === index);
      return !d || !existsSync(join(dir, d.dir, "meta.json")) || !existsSync(join(dir, d.dir, "results.csv"));
    });
    if (missing.length > 0) out.push({ unit: i, why: `${missing.length} of its ${pieces.length} pieces missing from store/ (pieces ${missing.map((x) => x + 1).join(", ")})` });
  });
  return out;
}

/** A piece's stored result: rows, tables and meta. */
function readPiece(dir: string, plan: Plan, index: number): { rows: Row[]; tables: Record<string, Row[]>; meta: Record<string, unknown> } {
  const u = plan.units.findIndex((pieces) => pieces.includes(index)) + 1;
  const done = JSON.parse(readFileSync(doneFile(dir, u), "utf8")) as { pieces: { index: number; dir: string }[] };
  const folder = join(dir, done.pieces.find((p) => p.index === index)!.dir);
  const meta = JSON.parse(readFileSync(join(folder, "meta.json"), "utf8")) as Record<string, unknown> & { columns?: Record<string, never>; tables?: string[]; tableColumns?: Record<string, Record<string, never>> };
  const tables = Object.fromEntries((meta.tables ?? []).map((t) => [t, readCsv(join(folder, `${t}.csv`), meta.tableColumns?.[t])]));
  return { rows: readCsv(join(folder, "results.csv"), meta.columns), tables, meta };
}

/** The `configHash` column of a cell's rows (the hash the experiment gives its validated config). */
function configHashOf(valid: object): string {
  return createHash("sha256").update(canonicalJson(valid)).digest("hex").slice(0, 12);
}

/** What the experiment's meta.json gets beyond the plumbing: the measured fields of a piece. */
const PLUMBING_META = new Set(["experiment", "key", "codeVersion", "config", "provenance", "rows", "columns", "tables", "tableColumns"]);

/**
 * Merge a complete plan into the results cache (the default store, or NPPO_RESULTS_DIR) and
 * return the sweep's result, as `npm run experiment` would compute it. Missing or incomplete
 * units: IncompleteUnitsError naming them, before anything is written.
 */
export async function mergeUnits(dir: string): Promise<CachedResult> {
  const plan = readPlan(dir);
  const incomplete = incompleteUnits(dir, plan);
  if (incomplete.length > 0) {
    throw new IncompleteUnitsError(incomplete.map((x) => x.unit), `merge: ${incomplete.length} of ${plan.units.length} units incomplete: ${incomplete.map((x) => `unit ${x.unit} (${x.why})`).join("; ")}. Run them (\`npm run sweep -- run ${dir} <i>\`, or resubmit those array tasks) and merge again.`);
  }
  const cells = expandGrid(plan.experiment, plan.config);
  const name = pieceExperiment(plan.experiment);
  const results: CachedResult[] = [];
  for (let c = 0; c < cells.length; c++) {
    const exp = SINGLE_EXPERIMENTS[name];
    const valid = exp.validate(cells[c].config);
    const hash = configHashOf(valid);
    const pieces = plan.pieces.map((p, i) => ({ p, i })).filter((x) => x.p.cell === c).map((x) => readPiece(dir, plan, x.i));
    const rehash = (rows: Row[]) => rows.map((r) => ("configHash" in r ? { ...r, configHash: hash } : r));
    const tableNames = [...new Set(pieces.flatMap((p) => Object.keys(p.tables)))];
    const measured = Object.fromEntries(Object.entries(pieces[0].meta).filter(([k]) => !PLUMBING_META.has(k)));
    const computed: Computed = {
      rows: rehash(pieces.flatMap((p) => p.rows)),
      tables: Object.fromEntries(tableNames.map((t) => [t, pieces.flatMap((p) => p.tables[t] ?? [])])),
      meta: measured,
    };
    await withComputed(computed, () => exp.run(valid));
    // The experiment asked for (propagation derives from the convergence rows now cached).
    results.push(await SINGLE_EXPERIMENTS[plan.experiment].run(SINGLE_EXPERIMENTS[plan.experiment].validate(cells[c].config)));
  }
  return isGrid(plan.experiment, plan.config) ? gridResult(plan.experiment, plan.config, cells, results) : results[0];
}

/**
 * What `npm run experiment -- … --out OUT` writes, from a result: results.csv, its extra
 * tables and meta.json (with where it is cached and whether it was read back).
 */
export function writeExperimentOutput(out: string, result: CachedResult): void {
  for (const [name, rows] of Object.entries(result.tables)) writeFileAtomic(join(out, `${name}.csv`), toCsv(rows));
  writeFileAtomic(join(out, "results.csv"), toCsv(result.rows));
  writeFileAtomic(join(out, "meta.json"), JSON.stringify({ ...result.meta, cachedIn: result.dir, fromCache: result.fromCache }, null, 2) + "\n");
}
