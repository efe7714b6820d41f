/**
 * Experiment `regime-scaling` (notebook 06): how the cost of the theorems' regime grows with
 * |S||A| (SPEC §9). With η = T^{-1/2} the path average keeps ≈ [(1−e^{−x})/x]² of the initial
 * residual along a direction with x = λ√T, so the slowest direction leaves its transient at
 * T₁ = 1/λ_min², the T at which x_min = 1. Measured with one-hot features (K = I/2, so λ_min
 * is set by the sampling distribution alone) for Alg. 2 (H = D^{1/2}KD^{1/2}, D = σ̃_k) and
 * Alg. 3 (smallest real part of the TD matrix, D = σ_k), at π_0 and along an exact-PPO run
 * (lib/mdp/slowest-direction.ts), on a family of Garnets and on named MDP files. A second table,
 * `minGaps`, gives exact PPO's min_{k≤K} [L(π*) − L(π_k)] for each K.
 */
import { initBackend } from "../backend";
import { auxiliaryDistribution, energyPolicy, evaluatePolicy, objective, optimalPolicy, stateActionDistribution, stationaryDistribution, uniformPolicy } from "../mdp/exact";
import { transientEnd } from "../theory";
import { garnet, oneHotFeatures } from "../mdp/generators";
import type { FiniteMdp } from "../mdp/mdp";
import { slowestNtk, slowestTd } from "../mdp/slowest-direction";
import { exactPpo } from "../ppo/exact-ppo";
import { mdpStream } from "../random";
import { progress } from "../util/progress";
import { CachedResult, runCached } from "./cache";
import { loadMdpInput, requireErgodic } from "./mdp-input";
import type { Row } from "./results-io";
import { checkInteger, checkIntegerArray, checkNumber, checkObject, ConfigError } from "./validate";

export interface RegimeScalingConfig {
  /** MDP files (relative to the repository root); their own features are replaced by one-hot ones. */
  mdps: string[];
  /** Garnets drawn in memory, each [|S|, |A|] (one-hot features). */
  garnets: [number, number][];
  /** The Garnets' γ, next states per pair before mixing, uniform mixing and MDP seed. */
  garnetGamma: number;
  garnetBranching: number;
  garnetMixing: number;
  mdpSeed: number;
  /**
   * Exact PPO's β relative to the MDP's reward scale: β = betaOverSpan · span(Q^{π_0}) (max − min
   * over pairs), so the run moves the policy alike on FrozenLake (Q ~ 10⁻²) and on Taxi (Q ~ 1);
   * β_k = β√K. Also the horizon K of the run the conditioning is followed along.
   */
  betaOverSpan: number;
  horizon: number;
  /** Iterations k of that run at which both algorithms' λ_min are measured (0 = π_0). */
  checkpoints: number[];
  /** Horizons K of the `minGaps` table (each its own exact-PPO run). */
  minGapHorizons: number[];
  description?: string;
}

const FIELDS = ["mdps", "garnets", "garnetGamma", "garnetBranching", "garnetMixing", "mdpSeed", "betaOverSpan", "horizon", "checkpoints", "minGapHorizons", "description"];

export function validateRegimeScalingConfig(value: unknown): RegimeScalingConfig {
  const c = checkObject(value, "config", FIELDS);
  if (!Array.isArray(c.mdps) || c.mdps.some((m) => typeof m !== "string" || m === "")) throw new ConfigError(`mdps must be an array of MDP file paths, got ${JSON.stringify(c.mdps)}`);
  if (!Array.isArray(c.garnets)) throw new ConfigError(`garnets must be an array of [states, actions], got ${JSON.stringify(c.garnets)}`);
  c.garnets.forEach((g, i) => {
    if (!Array.isArray(g) || g.length !== 2) throw new ConfigError(`garnets[${i}] must be [states, actions], got ${JSON.stringify(g)}`);
    checkInteger(g[0], `garnets[${i}][0]`, 2);
    checkInteger(g[1], `garnets[${i}][1]`, 1);
  });
  const horizon = checkInteger(c.horizon, "horizon", 1);
  const checkpoints = checkIntegerArray(c.checkpoints, "checkpoints", 0);
  checkpoints.forEach((k, i) => {
    if (k > horizon) throw new ConfigError(`checkpoints[${i}] must be <= horizon = ${horizon}, got ${k}`);
  });
  const out: RegimeScalingConfig = {
    mdps: c.mdps as string[],
    garnets: (c.garnets as [number, number][]).map(([s, a]) => [s, a]),
    garnetGamma: checkNumber(c.garnetGamma, "garnetGamma", { gt: 0, lt: 1 }),
    garnetBranching: checkInteger(c.garnetBranching, "garnetBranching", 1),
    garnetMixing: checkNumber(c.garnetMixing, "garnetMixing", { gt: 0, lt: 1 }),
    mdpSeed: checkInteger(c.mdpSeed, "mdpSeed", 0),
    betaOverSpan: checkNumber(c.betaOverSpan, "betaOverSpan", { gt: 0 }),
    horizon,
    checkpoints,
    minGapHorizons: checkIntegerArray(c.minGapHorizons, "minGapHorizons", 1),
  };
  if (out.mdps.length + out.garnets.length === 0) throw new ConfigError("mdps and garnets must not both be empty");
  if (typeof c.description === "string") out.description = c.description;
  return out;
}

/** The scaling family's Garnet with |S| states and |A| actions, one-hot features. */
export function scalingGarnet(config: RegimeScalingConfig, states: number, actions: number): FiniteMdp {
  const name = `garnet-s${states}-a${actions}-onehot`;
  return garnet(mdpStream(config.mdpSeed).split(name), {
    name, states, actions, branching: Math.min(config.garnetBranching, states), rewardRange: [-1, 1], gamma: config.garnetGamma, mixing: config.garnetMixing, features: { kind: "one-hot" },
  });
}

/** β = betaOverSpan · span(Q^{π_0}) for this MDP. */
export function scaledBeta(mdp: FiniteMdp, betaOverSpan: number): number {
  const Q = evaluatePolicy(mdp, uniformPolicy(mdp)).Q;
  return betaOverSpan * (Math.max(...Q) - Math.min(...Q));
}

/** Rows of both algorithms' slowest directions at the checkpoints of one exact-PPO run. */
export function regimeRows(testbed: string, mdp: FiniteMdp, config: RegimeScalingConfig): Row[] {
  const { states: S, actions: A } = mdp;
  const X = oneHotFeatures(S, A);
  const optimal = optimalPolicy(mdp);
  const lStar = objective(optimal.V, optimal.nu);
  const beta = scaledBeta(mdp, config.betaOverSpan);
  const run = exactPpo(mdp, beta, config.horizon, optimal.nu, lStar, optimal.policy);
  const rows: Row[] = [];
  for (const k of config.checkpoints) {
    const pi = energyPolicy(mdp, run.energies[k]);
    const nu = stationaryDistribution(mdp, pi).nu;
    const alg2 = slowestNtk(X, S * A, auxiliaryDistribution(mdp, nu));
    const alg3 = slowestTd(mdp, X, S * A, stateActionDistribution(mdp, nu, pi), pi);
    const common = { testbed, pairs: S * A, states: S, actions: A, gamma: mdp.gamma, beta, k, gap: run.steps[k].gap, minNu: Math.min(...nu) };
    // A λ at rounding level (≤ 0) means no finite T reaches x = 1: T₁ is written as Infinity.
    rows.push({ ...common, algorithm: "alg2", lambdaMin: alg2.lambdaMin, imag: 0, tForX1: transientEnd(alg2.lambdaMin), converged: "" });
    rows.push({ ...common, algorithm: "alg3", lambdaMin: alg3.lambdaMinRe, imag: Math.abs(alg3.imag), tForX1: transientEnd(alg3.lambdaMinRe), converged: alg3.converged });
  }
  return rows;
}

/** Exact PPO's min-gap min_{k≤K}[L(π*) − L(π_k)] and final gap for each K. */
export function minGapRows(testbed: string, mdp: FiniteMdp, config: RegimeScalingConfig): Row[] {
  const optimal = optimalPolicy(mdp);
  const lStar = objective(optimal.V, optimal.nu);
  const beta = scaledBeta(mdp, config.betaOverSpan);
  return config.minGapHorizons.map((K) => {
    const gaps = exactPpo(mdp, beta, K, optimal.nu, lStar, optimal.policy).steps.map((s) => s.gap);
    return { testbed, pairs: mdp.states * mdp.actions, K, beta, gap0: gaps[0], minGap: Math.min(...gaps), finalGap: gaps[K] };
  });
}

export async function runRegimeScaling(config: RegimeScalingConfig, resultsDir?: string): Promise<CachedResult> {
  const valid = validateRegimeScalingConfig(config);
  const inputs = valid.mdps.map((path) => ({ path, input: loadMdpInput(path) }));
  for (const { path, input } of inputs) requireErgodic(input.mdp, path, "every");
  const key = { ...valid, mdpSha256: inputs.map((i) => i.input.sha256) };
  const backend = await initBackend();
  return runCached({ name: "regime-scaling", module: __filename, usesBackend: false }, key, backend, () => {
    const testbeds: [string, FiniteMdp][] = [
      ...valid.garnets.map(([s, a]): [string, FiniteMdp] => [`garnet-s${s}-a${a}-onehot`, scalingGarnet(valid, s, a)]),
      ...inputs.map(({ input }): [string, FiniteMdp] => [input.mdp.name, input.mdp]),
    ];
    const bar = progress("regime scaling", testbeds.reduce((t, [, m]) => t + Math.round((m.states * m.actions) ** 1.5), 0));
    const rows: Row[] = [];
    const minGaps: Row[] = [];
    for (const [name, mdp] of testbeds) {
      rows.push(...regimeRows(name, mdp, valid));
      minGaps.push(...minGapRows(name, mdp, valid));
      bar.tick(Math.round((mdp.states * mdp.actions) ** 1.5));
    }
    bar.done();
    return { rows, tables: { minGaps } };
  }, resultsDir);
}
