/**
 * The algorithm's knobs as config fields, shared by `improvement`, `evaluation`, `convergence`
 * and `propagation` (SPEC §3, §9): the initialisation of (α(0), b), the step size η and the
 * output of Algorithms 2 and 3. Validated configs always carry all three (defaults: the
 * paper's), so a config that spells out a default and one that omits it share a result key.
 */
import { INIT_SCHEMES, InitScheme } from "../network";
import { OUTPUTS, PAPER_STEP_SIZE, SolverOutput, StepSize } from "../solvers/problem";
import { checkNumber, checkObject, ConfigError } from "./validate";

export interface SolverKnobs {
  /** "paper" (default): i.i.d. units; "antisymmetric": units in pairs with opposite b, so NN(α(0)) ≡ 0 (m must be even). */
  init?: InitScheme;
  /** η = c·T^{−power}; default {"c": 1, "power": 0.5}, the paper's η = T^{-1/2}. */
  stepSize?: StepSize;
  /** "average" (default): the path average θ̄ the theorems bound; "last": the last iterate θ(T−1). */
  output?: SolverOutput;
}

export const KNOB_FIELDS = ["init", "stepSize", "output"];

/** The knobs of a raw config, defaults filled in; ConfigError names the field and the rule. */
export function validateKnobs(c: Record<string, unknown>, widths: number[]): Required<SolverKnobs> {
  let init: InitScheme = "paper";
  if (c.init !== undefined) {
    if (!(INIT_SCHEMES as readonly unknown[]).includes(c.init)) throw new ConfigError(`init must be one of ${INIT_SCHEMES.join(", ")}, got ${JSON.stringify(c.init)}`);
    init = c.init as InitScheme;
  }
  if (init === "antisymmetric") {
    widths.forEach((m, i) => {
      if (m % 2 !== 0) throw new ConfigError(`widths[${i}] must be even with init "antisymmetric" (units come in pairs), got ${m}`);
    });
  }
  let stepSize: StepSize = { ...PAPER_STEP_SIZE };
  if (c.stepSize !== undefined) {
    const s = checkObject(c.stepSize, "stepSize", ["c", "power"]);
    stepSize = { c: checkNumber(s.c ?? PAPER_STEP_SIZE.c, "stepSize.c", { gt: 0 }), power: checkNumber(s.power ?? PAPER_STEP_SIZE.power, "stepSize.power", { ge: 0 }) };
  }
  let output: SolverOutput = "average";
  if (c.output !== undefined) {
    if (!(OUTPUTS as readonly unknown[]).includes(c.output)) throw new ConfigError(`output must be one of ${OUTPUTS.join(", ")}, got ${JSON.stringify(c.output)}`);
    output = c.output as SolverOutput;
  }
  return { init, stepSize, output };
}

/** The knob columns every result row carries. */
export function knobColumns(k: Required<SolverKnobs>): { init: InitScheme; stepSizeC: number; stepSizePower: number; output: SolverOutput } {
  return { init: k.init, stepSizeC: k.stepSize.c, stepSizePower: k.stepSize.power, output: k.output };
}
