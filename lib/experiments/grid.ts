/**
 * Grids over every knob (issue 23): in a config, `beta`, `stepSize`, `init`, `radius`,
 * `radiusF`, `radiusQ`, `delta`, `output` and `alpha0` may be lists, as `widths` and
 * `iterations` already are. A config with a list is a grid: the cartesian product of its
 * lists (the first axis varies slowest), each cell a single-valued config that runs through
 * the experiment's own code and cache unchanged. The grid's rows are its cells' rows in order,
 * each with every axis as a column (a knob the rows already carry, e.g. `beta` or `init`, is
 * not repeated; `stepSize` is carried as `stepSizeC`, `stepSizePower`). A config without lists
 * is not a grid: it runs exactly as before, under its old result key.
 *
 * The grid's own result key covers the grid: it hashes the grid config together with every
 * cell's key (each of which covers the cell's config, code and backend).
 */
import { initBackend } from "../backend";
import type { CachedResult } from "./cache";
import { runCached } from "./cache";
import type { Cell, Row } from "./results-io";
import { ConfigError } from "./validate";

/** The knobs that may be lists, per experiment (the order is the grid's axis order). */
export const GRID_AXES: Record<string, string[]> = {
  convergence: ["beta", "stepSize", "init", "radiusF", "radiusQ", "delta", "output", "alpha0"],
  propagation: ["beta", "stepSize", "init", "radiusF", "radiusQ", "delta", "output", "alpha0"],
  improvement: ["beta", "stepSize", "init", "radius", "output"],
  evaluation: ["stepSize", "init", "radius", "output"],
};

/** What the grid layer needs of an experiment (registry.ts's `Experiment`). */
export interface GridExperiment {
  validate(config: unknown): object;
  run(config: object): Promise<CachedResult>;
}

export interface GridCell {
  /** The single-valued config of the cell. */
  config: Record<string, unknown>;
  /** Each axis's value in this cell, by field. */
  axes: Record<string, unknown>;
}

/** The list-valued axes of a raw config (empty: not a grid). */
export function gridAxes(experiment: string, config: unknown): string[] {
  if (config === null || typeof config !== "object" || Array.isArray(config)) return [];
  return (GRID_AXES[experiment] ?? []).filter((f) => Array.isArray((config as Record<string, unknown>)[f]));
}

export function isGrid(experiment: string, config: unknown): boolean {
  return gridAxes(experiment, config).length > 0;
}

/** The cells of a grid in order (the first axis slowest); a config that is no grid is its one cell. */
export function expandGrid(experiment: string, config: unknown): GridCell[] {
  const axes = gridAxes(experiment, config);
  const raw = config as Record<string, unknown>;
  for (const f of axes) {
    if ((raw[f] as unknown[]).length === 0) throw new ConfigError(`${f} must be a value or a non-empty list of values, got []`);
  }
  let cells: GridCell[] = [{ config: { ...raw }, axes: {} }];
  for (const f of axes) {
    cells = cells.flatMap((c) => (raw[f] as unknown[]).map((v) => ({ config: { ...c.config, [f]: v }, axes: { ...c.axes, [f]: v } })));
  }
  return cells;
}

/** Validate every cell (ConfigError names the cell); returns the validated cell configs. */
export function validateGrid(experiment: string, exp: GridExperiment, config: unknown): object[] {
  return expandGrid(experiment, config).map((cell) => {
    try {
      return exp.validate(cell.config);
    } catch (e) {
      if (e instanceof ConfigError && Object.keys(cell.axes).length > 0) throw new ConfigError(`grid cell ${describeAxes(cell.axes)}: ${e.message}`);
      throw e;
    }
  });
}

function describeAxes(axes: Record<string, unknown>): string {
  return Object.entries(axes).map(([f, v]) => `${f}=${JSON.stringify(v)}`).join(", ");
}

/** The columns an axis adds to rows that lack it: its name and cell value (objects flattened). */
export function axisColumns(field: string, value: unknown): Record<string, Cell> {
  if (field === "stepSize") {
    const s = value as { c?: number; power?: number };
    return { stepSizeC: s.c ?? 1, stepSizePower: s.power ?? 0.5 };
  }
  if (field === "radius" && value !== null && typeof value === "object") return { radiusMultiple: (value as { realizabilityMultiple: number }).realizabilityMultiple };
  return { [field]: value as Cell };
}

/** A cell's rows with its axis columns appended where a row does not carry them already. */
export function withAxes(rows: Row[], axes: Record<string, unknown>): Row[] {
  const extra: Record<string, Cell> = {};
  for (const [f, v] of Object.entries(axes)) Object.assign(extra, axisColumns(f, v));
  return rows.map((r) => {
    const out = { ...r };
    for (const [c, v] of Object.entries(extra)) if (!(c in out)) out[c] = v;
    return out;
  });
}

/** Every row with every column of any row (in order of first appearance), empty where a cell's axis has no such column (e.g. `radiusMultiple` in a cell with a fixed radius). */
function rectangular(rows: Row[]): Row[] {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c, c in r ? r[c] : ""])));
}

/**
 * Run a grid: every cell through the experiment (cached per cell), then the concatenated
 * rows cached under the grid's key. A config that is no grid runs as the experiment alone.
 */
export async function runGrid(experiment: string, exp: GridExperiment, config: unknown): Promise<CachedResult> {
  const cells = expandGrid(experiment, config);
  if (cells.length === 1 && Object.keys(cells[0].axes).length === 0) return exp.run(exp.validate(config));
  validateGrid(experiment, exp, config);
  const results: CachedResult[] = [];
  for (const cell of cells) results.push(await exp.run(exp.validate(cell.config)));
  return gridResult(experiment, config, cells, results);
}

/** The grid's result from its cells' results (in cell order), cached under the grid's key. */
export async function gridResult(experiment: string, config: unknown, cells: GridCell[], results: CachedResult[]): Promise<CachedResult> {
  const backend = await initBackend({ quiet: true });
  const gridConfig = { grid: config, cells: results.map((r) => `${r.meta.experiment}/${r.meta.key}`) };
  return runCached({ name: experiment, module: __filename, usesBackend: false }, gridConfig, backend, () => {
    const rows = rectangular(results.flatMap((r, i) => withAxes(r.rows, cells[i].axes)));
    const names = [...new Set(results.flatMap((r) => Object.keys(r.tables)))];
    const tables = Object.fromEntries(names.map((t) => [t, rectangular(results.flatMap((r, i) => withAxes(r.tables[t] ?? [], cells[i].axes)))]));
    return { rows, tables, meta: { gridAxes: gridAxes(experiment, config), cellKeys: gridConfig.cells } };
  });
}

/** An experiment that also accepts grids: validation checks every cell, a run runs them all. */
export function withGrid(experiment: string, exp: GridExperiment): GridExperiment {
  return {
    validate: (c) => (isGrid(experiment, c) ? (validateGrid(experiment, exp, c), c as object) : exp.validate(c)),
    run: (c) => (isGrid(experiment, c) ? runGrid(experiment, exp, c) : exp.run(c)),
  };
}
