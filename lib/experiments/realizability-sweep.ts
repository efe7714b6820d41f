/**
 * Experiment `realizability`: how large a radius Assumption 4.3 needs on a testbed, as a
 * function of the width (SPEC §4; notebooks/00-testbeds.ipynb).
 *
 * Settings: `RealizabilitySweepConfig`. Per width m and replica (one initialisation each):
 * the minimum radius R with Q^{π_0} ∈ F_{R,m} and with Q^{π*} ∈ F_{R,m}, the covering radius
 * λ_min(Φ₀Φ₀ᵀ)^{-1/2}(√N·R_max + ‖NN₀‖) that works for every policy, and λ_min itself. All float64.
 */
import { initBackend } from "../backend";
import { evaluatePolicy, optimalPolicy, uniformPolicy } from "../mdp/exact";
import { rewardBound } from "../mdp/mdp";
import { coveringRadius, minimumRadius, realizabilityBasis } from "../mdp/realizability";
import { initNetwork } from "../network";
import { algorithmStream } from "../random";
import { progress } from "../util/progress";
import { CachedResult, runCached } from "./cache";
import { loadMdpInput } from "./mdp-input";
import type { Row } from "./results-io";
import { checkInteger, checkIntegerArray, checkObject, ConfigError } from "./validate";

export interface RealizabilitySweepConfig {
  /** MDP file, relative to the repository root; it must have features. */
  mdp: string;
  /** Widths m; each needs m·d ≥ |S||A| (else Φ₀ is rank-deficient). */
  widths: number[];
  /** Independent initialisations per width. */
  replicas: number;
  /** Seed of the initialisations ("algorithm" stream); the MDP file is fixed, so no MDP seed. */
  seed: number;
}

export function validateRealizabilitySweepConfig(value: unknown): RealizabilitySweepConfig {
  const c = checkObject(value, "config", ["mdp", "widths", "replicas", "seed"]);
  if (typeof c.mdp !== "string" || c.mdp === "") throw new ConfigError(`mdp must be a path to an MDP file, got ${JSON.stringify(c.mdp)}`);
  return { mdp: c.mdp, widths: checkIntegerArray(c.widths, "widths", 1), replicas: checkInteger(c.replicas, "replicas", 1), seed: checkInteger(c.seed, "seed", 0) };
}

export async function runRealizabilitySweep(config: RealizabilitySweepConfig, resultsDir?: string): Promise<CachedResult> {
  const valid = validateRealizabilitySweepConfig(config);
  const input = loadMdpInput(valid.mdp);
  const { mdp } = input;
  if (!mdp.features || !mdp.dim) throw new ConfigError(`mdp ${valid.mdp} has no features; realizability needs x(s, a)`);
  const N = mdp.states * mdp.actions;
  for (const m of valid.widths) {
    if (m * mdp.dim < N) throw new ConfigError(`widths: m = ${m} gives m·d = ${m * mdp.dim} < |S||A| = ${N} (Φ₀ rank-deficient); use m >= ${Math.ceil(N / mdp.dim)}`);
  }
  const backend = await initBackend();
  return runCached({ name: "realizability", module: __filename }, { ...valid, mdpSha256: input.sha256 }, backend, () => {
    const qUniform = evaluatePolicy(mdp, uniformPolicy(mdp)).Q;
    const qOptimal = optimalPolicy(mdp).Q;
    const rMax = rewardBound(mdp);
    const bar = progress("realizability sweep", valid.widths.length);
    const rows: Row[] = [];
    for (const m of valid.widths) {
      const init = initNetwork(algorithmStream(valid.seed).split(`width:${m}`), { replicas: valid.replicas, width: m, dim: mdp.dim! });
      const basis = realizabilityBasis(init, mdp.features!);
      const rUniform = minimumRadius(basis, qUniform);
      const rOptimal = minimumRadius(basis, qOptimal);
      const cover = coveringRadius(basis, rMax);
      for (let r = 0; r < valid.replicas; r++) {
        rows.push({ m, replica: r, radiusUniformQ: rUniform[r], radiusOptimalQ: rOptimal[r], coveringRadius: cover.radius[r], lambdaMin: cover.lambdaMin[r] });
      }
      bar.tick();
    }
    bar.done();
    return rows;
  }, resultsDir);
}
