/**
 * `npm run --silent experiment -- <name> --config <file.json> --out <dir>`: runs (or reads
 * back from data/results/) one experiment and writes <dir>/results.csv, its extra tables
 * (<dir>/<table>.csv, e.g. directions.csv) and <dir>/meta.json.
 * Names: see lib/experiments/registry.ts. Invalid input: exit 2, one line on stderr. Results
 * being computed by another live process are waited for, then read. The theory's
 * preconditions are checked first and broken ones printed as warnings
 * (lib/experiments/preconditions.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EXPERIMENTS, SINGLE_EXPERIMENTS } from "../lib/experiments/registry";
import { ConfigError } from "../lib/experiments/validate";
import { MdpFormatError } from "../lib/mdp/format";
import { preconditionWarningsOnce } from "../lib/experiments/preconditions";
import { ResultsLockedError } from "../lib/experiments/cache";
import { expandGrid } from "../lib/experiments/grid";
import { configWork, estimateLine } from "../lib/experiments/estimate";
import { writeExperimentOutput } from "../lib/experiments/units";
import { BackendOverrideError } from "../lib/backend";
import { requireErgodicConfig } from "../lib/experiments/mdp-input";

const USAGE = `usage: experiment <${Object.keys(EXPERIMENTS).join("|")}> --config <file.json> --out <dir>`;

function parseArgs(argv: string[]): { name: string; config: string; out: string } {
  const [name, ...rest] = argv;
  if (!name || !(name in EXPERIMENTS)) throw new ConfigError(`experiment must be one of ${Object.keys(EXPERIMENTS).join(", ")}, got ${JSON.stringify(name ?? "")}\n${USAGE}`);
  let config = "";
  let out = "";
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--config") config = rest[++i] ?? "";
    else if (rest[i] === "--out") out = rest[++i] ?? "";
    else throw new ConfigError(`unknown argument ${JSON.stringify(rest[i])}\n${USAGE}`);
  }
  if (!config) throw new ConfigError(`--config is required\n${USAGE}`);
  if (!out) throw new ConfigError(`--out is required\n${USAGE}`);
  return { name, config, out };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(args.config, "utf8"));
  } catch (e) {
    throw new ConfigError(`--config ${args.config}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not valid JSON (${(e as Error).message})`}`);
  }
  const experiment = EXPERIMENTS[args.name];
  const valid = experiment.validate(config);
  // A grid's cells, each validated as the experiment takes it (a plain config is its one cell).
  const cells = expandGrid(args.name, valid).map((c) => SINGLE_EXPERIMENTS[args.name].validate(c.config));
  // SPEC §1's ergodicity check comes before any estimate, warning or computation.
  for (const c of cells) requireErgodicConfig(args.name, c as Parameters<typeof requireErgodicConfig>[1]);
  const work = cells.reduce((s, c) => s + configWork(args.name, c as never), 0);
  if (work > 0) process.stderr.write(`${estimateLine(`${args.name}${cells.length > 1 ? ` (${cells.length} grid cells)` : ""}`, work)}\n`);
  for (const w of preconditionWarningsOnce(args.name, cells as Parameters<typeof preconditionWarningsOnce>[1])) process.stderr.write(`warning: ${w}\n`);
  const result = await experiment.run(valid);
  writeExperimentOutput(args.out, result);
  process.stderr.write(`${args.name}: ${result.rows.length} rows ${result.fromCache ? "(read from cache)" : "computed"} → ${join(args.out, "results.csv")}\n`);
}

main().catch((e) => {
  const known = e instanceof ConfigError || e instanceof MdpFormatError || e instanceof ResultsLockedError || e instanceof BackendOverrideError;
  process.stderr.write(`${known ? "" : "error: "}${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(known ? 2 : 1);
});
