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
import { EXPERIMENTS } from "../lib/experiments/registry";
import { toCsv, writeFileAtomic } from "../lib/experiments/results-io";
import { ConfigError } from "../lib/experiments/validate";
import { MdpFormatError } from "../lib/mdp/format";
import { preconditionWarnings } from "../lib/experiments/preconditions";
import { ResultsLockedError } from "../lib/experiments/cache";
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
  requireErgodicConfig(args.name, valid);
  for (const w of preconditionWarnings(args.name, valid as Parameters<typeof preconditionWarnings>[1])) process.stderr.write(`warning: ${w}\n`);
  const result = await experiment.run(valid);
  for (const [name, rows] of Object.entries(result.tables)) writeFileAtomic(join(args.out, `${name}.csv`), toCsv(rows));
  writeFileAtomic(join(args.out, "results.csv"), toCsv(result.rows));
  writeFileAtomic(join(args.out, "meta.json"), JSON.stringify({ ...result.meta, cachedIn: result.dir, fromCache: result.fromCache }, null, 2) + "\n");
  process.stderr.write(`${args.name}: ${result.rows.length} rows ${result.fromCache ? "(read from cache)" : "computed"} → ${join(args.out, "results.csv")}\n`);
}

main().catch((e) => {
  const known = e instanceof ConfigError || e instanceof MdpFormatError || e instanceof ResultsLockedError;
  process.stderr.write(`${known ? "" : "error: "}${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(known ? 2 : 1);
});
