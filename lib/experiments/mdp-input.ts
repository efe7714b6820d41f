/**
 * MDP files named in experiment configs: paths are relative to the repository root (so a
 * config means the same from the CLI and from a notebook, whose working directory is
 * notebooks/), and the file's content hash goes into the result key, so editing an MDP
 * file invalidates cached results.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { everyPolicyErgodicity, listStates, policyErgodicity } from "../mdp/ergodicity";
import { energyPolicy, uniformPolicy, type Policy } from "../mdp/exact";
import { loadMdp } from "../mdp/format";
import type { FiniteMdp } from "../mdp/mdp";
import { userPath } from "../util/paths";
import { ConfigError } from "./validate";

export interface MdpInput {
  mdp: FiniteMdp;
  /** Absolute path. */
  path: string;
  /** sha256 of the file's bytes (first 16 hex digits). */
  sha256: string;
}

export function resolveMdpPath(path: string): string {
  return userPath(path);
}

/** Load and validate the MDP file a config names (MdpFormatError on bad input). */
export function loadMdpInput(path: string): MdpInput {
  const abs = resolveMdpPath(path);
  const mdp = loadMdp(abs);
  return { mdp, path: abs, sha256: createHash("sha256").update(readFileSync(abs)).digest("hex").slice(0, 16) };
}

/** An MDP whose stationary distribution is not unique and positive under the policies a run samples from (CLI: exit 2). */
export class ErgodicityError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = "ErgodicityError";
  }
}

const RESTART_FIX =
  "Fix: apply the restart transform P_ε = (1 − ε)P + εU(S) (SPEC §1), which makes every policy's chain ergodic: " +
  "`npm run --silent restart -- <mdp.json> <ε> <out.json>` writes the restarted file to name in the config; in a notebook, `writeMdp(path, withRestart(mdp, ε))` (lib/mdp/restart.ts). " +
  "The benchmarks in data/mdp/ carry theirs (source.restart).";

/**
 * SPEC §1's ergodicity check, before any computation: `policy` given, its state chain must be
 * irreducible (solver sweeps: the policy they sample from); `"every"`, every policy's chain must
 * be (convergence runs: π_0, π*, and whatever neural PPO passes through). ErgodicityError names
 * the states with zero mass and the fix.
 */
export function requireErgodic(mdp: FiniteMdp, file: string, policy: Policy | "every", what = "the sampled policy"): void {
  if (policy === "every") {
    const check = everyPolicyErgodicity(mdp);
    if (check.ergodic) return;
    const w = check.witness!;
    throw new ErgodicityError(
      `mdp ${file}: not ergodic under every policy (convergence runs need every policy's stationary distribution unique and positive): states with zero mass under some policy: ${listStates(check.zeroMass)}; ` +
        `e.g. a policy playing, in each of the states {${listStates(w.kept)}}, an action whose next states stay among them (actions ${listStates(w.actions)}) never leaves them, so state ${w.avoided} gets zero mass. ${RESTART_FIX}`,
    );
  }
  const check = policyErgodicity(mdp, policy);
  if (check.ergodic) return;
  const classes = check.classes.length > 1 ? `it has ${check.classes.length} closed classes ({${check.classes.slice(0, 5).map((c) => listStates(c, 8)).join("}, {")}}${check.classes.length > 5 ? ", …" : ""}), so its stationary distribution is not unique` : "its stationary distribution is unique but not positive";
  throw new ErgodicityError(`mdp ${file}: not ergodic under ${what}: ${classes}; states with zero mass: ${check.zeroMass.length > 0 ? listStates(check.zeroMass) : "none, but the mass splits between the classes"}. ${RESTART_FIX}`);
}

/**
 * The same check for a validated config of the CLI's experiments, run before anything else
 * (the precondition warnings included): solver sweeps need their sampled policy's chain
 * ergodic, convergence and propagation every policy's; other experiments sample no chain.
 */
export function requireErgodicConfig(experiment: string, config: { mdp?: string; gamma?: number; policyEnergy?: number[][] }): void {
  if (!config.mdp || !["improvement", "evaluation", "convergence", "propagation"].includes(experiment)) return;
  const { mdp } = loadMdpInput(config.mdp);
  if (experiment === "convergence" || experiment === "propagation") return requireErgodic(mdp, config.mdp, "every");
  const E = config.policyEnergy;
  const A = mdp.actions;
  // A policyEnergy of the wrong shape is the sweep's own error to report; the check then uses π_0.
  const shaped = E !== undefined && E.length === mdp.states && E.every((r) => r.length === A);
  const policy = shaped ? energyPolicy(mdp, Float64Array.from(E.flat())) : uniformPolicy(mdp);
  requireErgodic(mdp, config.mdp, policy, shaped ? "the policy π ∝ exp(policyEnergy)" : "π_0 (the uniform policy)");
}
