/**
 * `npm run sweep -- <command>`: a sweep as work units (lib/experiments/units.ts), for running
 * it in pieces anywhere, e.g. as a Slurm array (scripts/slurm/sweep.sbatch).
 *   plan <experiment> --config C --units N --out DIR   write DIR/plan.json and N unit files; print the estimate per unit
 *   run DIR [i]                                         run unit i (1-based; default $SLURM_ARRAY_TASK_ID); a finished unit does nothing
 *   merge DIR --out OUT                                 results.csv and meta.json as `npm run experiment` writes them; enters the results cache
 * Invalid input, and merging with units missing or incomplete: exit 2, naming them.
 * Parses arguments and calls lib/ only.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { MdpFormatError } from "../lib/mdp/format";
import { ResultsLockedError } from "../lib/experiments/cache";
import { formatDuration } from "../lib/experiments/estimate";
import { IncompleteUnitsError, mergeUnits, planUnits, runUnit, SPLITTABLE, writeExperimentOutput, writePlan } from "../lib/experiments/units";
import { ConfigError } from "../lib/experiments/validate";
import { BackendOverrideError } from "../lib/backend";

const USAGE = `usage: sweep plan <${SPLITTABLE.join("|")}> --config C --units N --out DIR | sweep run DIR [i] | sweep merge DIR --out OUT`;

function options(args: string[], allowed: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith("--")) {
      const name = args[i].slice(2);
      if (!allowed.includes(name)) throw new ConfigError(`unknown option ${JSON.stringify(args[i])}\n${USAGE}`);
      const v = args[++i];
      if (v === undefined) throw new ConfigError(`${args[i - 1]} needs a value\n${USAGE}`);
      flags[name] = v;
    } else positional.push(args[i]);
  }
  return { positional, flags };
}

function readConfig(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ConfigError(`--config ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not valid JSON (${(e as Error).message})`}`);
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (command === "plan") {
    const { positional, flags } = options(rest, ["config", "units", "out"]);
    if (positional.length !== 1 || !flags.config || !flags.units || !flags.out) throw new ConfigError(USAGE);
    const units = Number(flags.units);
    const plan = planUnits(positional[0], readConfig(flags.config), units);
    writePlan(plan, resolve(flags.out));
    const total = plan.unitSeconds.reduce((a, b) => a + b, 0);
    plan.unitSeconds.forEach((s, u) => log(`unit ${u + 1}: ${plan.units[u].length} pieces, estimated ${s.toPrecision(3)} core-seconds`));
    log(`${plan.pieces.length} pieces in ${plan.units.length} units: estimated ${total.toPrecision(3)} core-seconds in total (${formatDuration(total)} on one core; the longest unit ${formatDuration(Math.max(...plan.unitSeconds))}), from a calibration of the solver kernel on this machine`);
    log(`next: sbatch --array=1-${plan.units.length} scripts/slurm/sweep.sbatch ${flags.out}   (or: npm run sweep -- run ${flags.out} <i> for each i), then npm run sweep -- merge ${flags.out} --out <dir>`);
  } else if (command === "run") {
    const { positional } = options(rest, []);
    const index = positional[1] ?? process.env.SLURM_ARRAY_TASK_ID;
    if (positional.length < 1 || index === undefined) throw new ConfigError(`sweep run needs the plan folder and a unit index (or SLURM_ARRAY_TASK_ID)\n${USAGE}`);
    const i = Number(index);
    const computed = await runUnit(resolve(positional[0]), i, log);
    if (computed) log(`unit ${i} complete`);
  } else if (command === "merge") {
    const { positional, flags } = options(rest, ["out"]);
    if (positional.length !== 1 || !flags.out) throw new ConfigError(USAGE);
    const result = await mergeUnits(resolve(positional[0]));
    writeExperimentOutput(flags.out, result);
    log(`merged: ${result.rows.length} rows → ${flags.out}/results.csv (cached in ${result.dir})`);
  } else throw new ConfigError(`unknown command ${JSON.stringify(command ?? "")}\n${USAGE}`);
}

main().catch((e) => {
  const known = e instanceof ConfigError || e instanceof MdpFormatError || e instanceof ResultsLockedError || e instanceof IncompleteUnitsError || e instanceof BackendOverrideError;
  process.stderr.write(`${known ? "" : "error: "}${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(known ? 2 : 1);
});
