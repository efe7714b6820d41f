/**
 * The experiments the CLI and the reproduction know by name: each validates its own config
 * and returns cached-or-computed tidy rows.
 */
import type { CachedResult } from "./cache";
import { runConvergence, validateConvergenceConfig } from "./convergence";
import { runNetworkSweep, validateNetworkSweepConfig } from "./network-sweep";
import { runRealizabilitySweep, validateRealizabilitySweepConfig } from "./realizability-sweep";
import { runEvaluation, runImprovement, validateSolverSweepConfig } from "./solver-sweeps";

export const EXPERIMENTS: Record<string, (config: unknown) => Promise<CachedResult>> = {
  network: (c) => runNetworkSweep(validateNetworkSweepConfig(c)),
  realizability: (c) => runRealizabilitySweep(validateRealizabilitySweepConfig(c)),
  improvement: (c) => runImprovement(validateSolverSweepConfig(c, "improvement")),
  evaluation: (c) => runEvaluation(validateSolverSweepConfig(c, "evaluation")),
  convergence: (c) => runConvergence(validateConvergenceConfig(c)),
};
