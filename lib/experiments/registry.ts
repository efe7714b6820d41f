/**
 * The experiments the CLI and the reproduction know by name: each validates its own config
 * (throwing ConfigError) and returns cached-or-computed tidy rows.
 */
import type { CachedResult } from "./cache";
import { withGrid } from "./grid";
import { ConvergenceConfig, runConvergence, validateConvergenceConfig } from "./convergence";
import { loadMdpInput } from "./mdp-input";
import { propagationRows } from "./propagation";
import { NetworkSweepConfig, runNetworkSweep, validateNetworkSweepConfig } from "./network-sweep";
import { RealizabilitySweepConfig, runRealizabilitySweep, validateRealizabilitySweepConfig } from "./realizability-sweep";
import { RegimeScalingConfig, runRegimeScaling, validateRegimeScalingConfig } from "./regime-scaling";
import { runEvaluation, runImprovement, SolverSweepConfig, validateSolverSweepConfig } from "./solver-sweeps";

export interface Experiment {
  validate(config: unknown): object;
  run(config: object): Promise<CachedResult>;
}

const SINGLE: Record<string, Experiment> = {
  network: { validate: validateNetworkSweepConfig, run: (c) => runNetworkSweep(c as NetworkSweepConfig) },
  realizability: { validate: validateRealizabilitySweepConfig, run: (c) => runRealizabilitySweep(c as RealizabilitySweepConfig) },
  improvement: { validate: (c) => validateSolverSweepConfig(c, "improvement"), run: (c) => runImprovement(c as SolverSweepConfig) },
  evaluation: { validate: (c) => validateSolverSweepConfig(c, "evaluation"), run: (c) => runEvaluation(c as SolverSweepConfig) },
  convergence: { validate: validateConvergenceConfig, run: (c) => runConvergence(c as ConvergenceConfig) },
  "regime-scaling": { validate: validateRegimeScalingConfig, run: (c) => runRegimeScaling(c as RegimeScalingConfig) },
  // Derived from `convergence` (same config, same cache): one row per (iteration, replica, statement, reading).
  propagation: {
    validate: validateConvergenceConfig,
    run: async (c) => {
      const config = c as ConvergenceConfig;
      const result = await runConvergence(config);
      const rows = propagationRows(result.rows, loadMdpInput(config.mdp).mdp.actions).map((r) => ({ ...r, ratio: r.ratio ?? "", theorem: r.theorem ? 1 : 0, holds: r.holds ? 1 : 0 }));
      return { ...result, rows };
    },
  },
};

/** By name; each also accepts a grid (lists of knobs, lib/experiments/grid.ts). */
export const EXPERIMENTS: Record<string, Experiment> = Object.fromEntries(Object.entries(SINGLE).map(([name, e]) => [name, withGrid(name, e)]));

/** The experiments as they take one single-valued config (a grid cell, a work unit's piece). */
export const SINGLE_EXPERIMENTS: Record<string, Experiment> = SINGLE;
