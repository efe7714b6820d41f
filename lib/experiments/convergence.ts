/**
 * Experiment `convergence`: Thm 4.9 (NeurIPS numbering), neural PPO's global rate, with exact
 * PPO (infinite width, no noise) and neural TRPO beside it (SPEC §3, §6; notebook 04).
 *
 * Settings: `ConvergenceConfig`. For every horizon K (each K is its own run: the schedules
 * depend on K), every width m and replica: Algorithm 1 run for K iterations with everything on
 * the left of the paper's statements recorded exactly per iteration (lib/ppo/neural-ppo.ts).
 * Exact PPO rows have m = 0 (meaning infinite width), replica 0 and T = 0. Neural PPO and
 * TRPO at the same (K, m, T) share α(0) and the sample stream, so TRPO with δ_k matched to
 * PPO's step must reproduce PPO (a test of the bisection, not a finding).
 *
 * Knobs (SPEC §9): `init`, `stepSize`, `output` of both solvers, and `alpha0`: "shared" (the
 * paper: one (α(0), b) for the whole run) or "fresh" (a new draw at every k, an ablation).
 * `iterations` may list several T; each (K, m, T) is its own run, and the T of one (K, m) share
 * α(0) and the prefix of one sample stream (common random numbers). meta.json
 * records the conditioning at π_0 (SPEC §9): `ntkLambdaMin`/`ntkLambdaMax` of Alg. 2's matrix
 * (σ̃_0) and `tdLambdaMinRe`/`tdLambdaMaxRe` of Alg. 3's (σ_0), lib/mdp/conditioning.ts.
 */
import { createHash } from "node:crypto";
import { initBackend } from "../backend";
import { auxiliaryDistribution, objective, optimalPolicy, stateActionDistribution, stationaryDistribution, uniformPolicy } from "../mdp/exact";
import { ntkConditioning, tdConditioning } from "../mdp/conditioning";
import { initNetwork } from "../network";
import { exactPpo, exactPpoPropagation } from "../ppo/exact-ppo";
import { runNeuralPpo, NeuralVariant } from "../ppo/neural-ppo";
import { algorithmStream } from "../random";
import { progress } from "../util/progress";
import { KERNELS, KernelName, resolveKernel } from "../solvers/solvers";
import { CachedResult, canonicalJson, findCached, runCached } from "./cache";
import { knobColumns, KNOB_FIELDS, SolverKnobs, validateKnobs } from "./knobs";
import { secondsPerWork } from "./estimate";
import type { FiniteMdp } from "../mdp/mdp";
import { loadMdpInput, requireErgodic } from "./mdp-input";
import type { Row } from "./results-io";
import { checkInteger, checkIntegerArray, checkNumber, checkObject, ConfigError } from "./validate";

export const VARIANTS = ["neural-ppo", "exact-ppo", "neural-trpo"] as const;
export type Variant = (typeof VARIANTS)[number];

export const ALPHA0_MODES = ["shared", "fresh"] as const;
export type Alpha0Mode = (typeof ALPHA0_MODES)[number];

export interface ConvergenceConfig extends SolverKnobs {
  /** MDP file (relative to the repository root), with features for the neural variants. */
  mdp: string;
  /** Horizons K; each is a separate run of K iterations. */
  horizons: number[];
  /** β of the schedules β_k = β√K, τ_{k+1} = β√K/(k+1). */
  beta: number;
  /** Widths m (neural variants). */
  widths: number[];
  /** T: samples and steps of every solver call; a list runs each T separately. */
  iterations: number | number[];
  /** Independent replicas (α(0), b, sample streams) per (K, m). */
  replicas: number;
  /** Index of the first replica (default 0): a work unit computes replicas firstReplica … firstReplica + replicas − 1 of a larger sweep, bit for bit (lib/experiments/units.ts). */
  firstReplica?: number;
  /** Any of neural-ppo, exact-ppo, neural-trpo. */
  variants: Variant[];
  /** R_f (Alg. 2) and R_Q (Alg. 3); the paper needs R_f ≥ R_Q. */
  radiusF: number;
  radiusQ: number;
  /** Neural TRPO's KL budget δ; absent: δ_k matched to PPO's step (then TRPO = PPO). */
  delta?: number;
  seed: number;
  /** Overrides the MDP file's γ. */
  gamma?: number;
  kernel?: KernelName;
  /** "shared" (default, the paper): one (α(0), b) per replica for the whole run; "fresh": a new draw at every k. */
  alpha0?: Alpha0Mode;
  description?: string;
}

/** A validated config: every optional knob filled in with its default, T as a list. */
export type ValidConvergenceConfig = ConvergenceConfig & Required<SolverKnobs> & { iterations: number[]; alpha0: Alpha0Mode };

const FIELDS = ["mdp", "horizons", "beta", "widths", "iterations", "replicas", "firstReplica", "variants", "radiusF", "radiusQ", "delta", "seed", "gamma", "kernel", "alpha0", "description", ...KNOB_FIELDS];

export function validateConvergenceConfig(value: unknown): ValidConvergenceConfig {
  const c = checkObject(value, "config", FIELDS);
  if (typeof c.mdp !== "string" || c.mdp === "") throw new ConfigError(`mdp must be a path to an MDP file, got ${JSON.stringify(c.mdp)}`);
  if (!Array.isArray(c.variants) || c.variants.length === 0) throw new ConfigError(`variants must be a non-empty array of ${VARIANTS.join(", ")}`);
  c.variants.forEach((v, i) => {
    if (!(VARIANTS as readonly unknown[]).includes(v)) throw new ConfigError(`variants[${i}] must be one of ${VARIANTS.join(", ")}, got ${JSON.stringify(v)}`);
  });
  const widths = checkIntegerArray(c.widths, "widths", 1);
  let alpha0: Alpha0Mode = "shared";
  if (c.alpha0 !== undefined) {
    if (!(ALPHA0_MODES as readonly unknown[]).includes(c.alpha0)) throw new ConfigError(`alpha0 must be one of ${ALPHA0_MODES.join(", ")}, got ${JSON.stringify(c.alpha0)}`);
    alpha0 = c.alpha0 as Alpha0Mode;
  }
  const out: ValidConvergenceConfig = {
    mdp: c.mdp,
    horizons: checkIntegerArray(c.horizons, "horizons", 1),
    beta: checkNumber(c.beta, "beta", { gt: 0 }),
    widths,
    iterations: typeof c.iterations === "number" ? [checkInteger(c.iterations, "iterations", 1)] : checkIntegerArray(c.iterations, "iterations", 1),
    replicas: checkInteger(c.replicas, "replicas", 1),
    variants: c.variants as Variant[],
    radiusF: checkNumber(c.radiusF, "radiusF", { gt: 0 }),
    radiusQ: checkNumber(c.radiusQ, "radiusQ", { gt: 0 }),
    seed: checkInteger(c.seed, "seed", 0),
    alpha0,
    ...validateKnobs(c, widths),
  };
  if (c.delta !== undefined) out.delta = checkNumber(c.delta, "delta", { gt: 0 });
  if (c.firstReplica !== undefined && c.firstReplica !== 0) out.firstReplica = checkInteger(c.firstReplica, "firstReplica", 0);
  if (c.gamma !== undefined) out.gamma = checkNumber(c.gamma, "gamma", { gt: 0, lt: 1 });
  if (c.kernel !== undefined) {
    if (!(KERNELS as readonly unknown[]).includes(c.kernel)) throw new ConfigError(`kernel must be one of ${KERNELS.join(", ")}, got ${JSON.stringify(c.kernel)}`);
    out.kernel = c.kernel as KernelName;
  }
  if (typeof c.description === "string") out.description = c.description;
  return out;
}

const BLANK = "";

/**
 * Planning constants for `convergenceCostSeconds`, measured on this project's 2-core machine with
 * the native kernel (issue 20; garnet-s6-a2-onehot, d = 12, m = 64…4096, 4–8 replicas, K ≤ 16,
 * other jobs sharing the machine): seconds per replica and solver step, base + perUnitDim·m·d.
 */
export const COST_PER_REPLICA_STEP = { base: 4e-7, perUnitDim: 4.3e-10 };

/**
 * Estimated wall seconds of a config's neural runs: Σ over variants, K, m, T of
 * 2·K·T·R·(base + perUnitDim·m·d) (two solver calls of T steps per iteration). A planning
 * number for what a notebook runs itself and what it leaves to a sweep, not a benchmark.
 */
export function convergenceCostSeconds(config: ConvergenceConfig): number {
  const valid = validateConvergenceConfig(config);
  const d = loadMdpInput(valid.mdp).mdp.dim ?? 0;
  const neural = valid.variants.filter((v) => v !== "exact-ppo").length;
  let total = 0;
  for (const K of valid.horizons) for (const m of valid.widths) for (const T of valid.iterations) total += 2 * K * T * valid.replicas * (COST_PER_REPLICA_STEP.base + COST_PER_REPLICA_STEP.perUnitDim * m * d);
  return neural * total;
}

/**
 * The cached result of `config` if present, else null, computing nothing: how a notebook reads
 * runs beyond its budget (computed once by a sweep or a long run) and says when they are absent.
 */
export async function cachedConvergence(config: ConvergenceConfig, resultsDir?: string): Promise<CachedResult | null> {
  const { id, key, backend } = await convergenceKey(config);
  return findCached(id, key, backend, resultsDir);
}

async function convergenceKey(config: ConvergenceConfig) {
  const valid = validateConvergenceConfig(config);
  const input = loadMdpInput(valid.mdp);
  const kernelRan = resolveKernel(valid.kernel);
  const backend = await initBackend();
  return { valid, input, kernelRan, backend, id: { name: "convergence", module: __filename, usesBackend: kernelRan === "tfjs-f32" }, key: { ...valid, mdpSha256: input.sha256, kernelRan } };
}

export async function runConvergence(config: ConvergenceConfig, resultsDir?: string): Promise<CachedResult> {
  const { valid, input, kernelRan, backend, id, key } = await convergenceKey(config);
  const mdp = valid.gamma === undefined ? input.mdp : { ...input.mdp, gamma: valid.gamma };
  const neural = valid.variants.filter((v): v is NeuralVariant => v !== "exact-ppo");
  if (neural.length > 0 && (!mdp.features || !mdp.dim)) throw new ConfigError(`mdp ${valid.mdp} has no features; the neural variants need x(s, a)`);
  requireErgodic(mdp, valid.mdp, "every");
  const configHash = createHash("sha256").update(canonicalJson(valid)).digest("hex").slice(0, 12);
  return runCached(id, key, backend, () => {
    const optimal = optimalPolicy(mdp);
    const lStar = objective(optimal.V, optimal.nu);
    const knobs = knobColumns(valid);
    const common = { beta: valid.beta, radiusF: valid.radiusF, radiusQ: valid.radiusQ, gamma: mdp.gamma, ...knobs, alpha0: valid.alpha0, seed: valid.seed, configHash };
    const rows: Row[] = [];
    const first = valid.firstReplica ?? 0;
    const streams = algorithmStream(valid.seed).replicasFrom(first);
    if (valid.variants.includes("exact-ppo")) {
      for (const K of valid.horizons) {
        const run = exactPpo(mdp, valid.beta, K, optimal.nu, lStar, optimal.policy);
        const propagation = exactPpoPropagation(mdp, valid.beta, run, optimal);
        for (const st of run.steps) {
          // Zero inner error: the solvers' MSEs and l∞ error are 0 by construction; M needs a network.
          const { k: _k, ...quantities } = propagation[st.k] ?? { k: st.k };
          const errors = st.k < K ? { ...quantities, evalMse: 0, improveMse: 0, improveLinf: 0, improveLinfSq: 0 } : {};
          const tracking = { exactL: st.L, trackingL: 0, energyErrorInf: 0, actorErrorInf: 0, criticErrorInf: 0, driftErrorInf: 0, energyErrorSpan: 0 };
          rows.push({ variant: "exact-ppo", K, k: st.k, m: 0, T: 0, replica: 0, L: st.L, gap: st.gap, ...blankErrors(), klStar: st.klStar, ...errors, ...tracking, ...common, kernel: "exact-f64" });
        }
      }
    }
    const Tsum = valid.iterations.reduce((a, T) => a + T, 0);
    const work = neural.length * valid.horizons.reduce((s, K) => s + K, 0) * valid.widths.reduce((s, m) => s + m, 0) * 2 * Tsum;
    const bar = neural.length > 0 ? progress("convergence sweep", work, { unit: "width·steps", estimateSeconds: work * valid.replicas * mdp.dim! * secondsPerWork() }) : undefined;
    for (const variant of neural) {
      for (const K of valid.horizons) {
        for (const m of valid.widths) {
          // Every T of one (K, m) reuses the replica's α(0) and the prefix of its sample stream
          // (common random numbers): differences between T are then not sampling noise.
          const initStream = streams.split(`width:${m}`);
          const shape = { replicas: valid.replicas, width: m, dim: mdp.dim! };
          const init = initNetwork(initStream, shape, valid.init);
          const freshInit = valid.alpha0 === "fresh" ? (k: number) => initNetwork(initStream.split(`fresh:k${k}`), shape, valid.init) : undefined;
          for (const T of valid.iterations) {
            const records = runNeuralPpo({
              mdp, init, optimal, variant, beta: valid.beta, horizon: K, steps: T,
              radiusF: new Float64Array(valid.replicas).fill(valid.radiusF), radiusQ: new Float64Array(valid.replicas).fill(valid.radiusQ),
              delta: variant === "neural-trpo" ? valid.delta : undefined, kernel: valid.kernel, stepSize: valid.stepSize, output: valid.output, freshInit,
              rng: streams.split(`run:K${K}:m${m}`), progress: bar,
            });
            records.sort((a, b) => a.replica - b.replica || a.k - b.k);
            for (const rec of records) {
              rows.push({
                variant, K, k: rec.k, m, T, replica: first + rec.replica, L: rec.L, gap: rec.gap,
                evalMse: rec.evalMse ?? BLANK, improveMse: rec.improveMse ?? BLANK,
                phiStar: rec.phiStar, psiStar: rec.psiStar, varphiStar: rec.varphiStar, M: rec.M,
                klStar: rec.klStar, logPartition: rec.logPartition ?? BLANK, stepError: rec.stepError ?? BLANK, logPartitionPinsker: rec.logPartitionPinsker ?? BLANK, logPartitionHoeffding: rec.logPartitionHoeffding ?? BLANK, logPartitionViolations: rec.logPartitionViolations ?? BLANK,
                lambda: rec.lambda ?? BLANK, tauNext: rec.tauNext ?? BLANK, klStep: rec.klStep ?? BLANK,
                lemma47Lhs: rec.lemma47Lhs ?? BLANK, energyStepSq: rec.energyStepSq ?? BLANK, idealEnergyGapInf: rec.idealEnergyGapInf ?? BLANK, improveLinf: rec.improveLinf ?? BLANK, improveLinfSq: rec.improveLinfSq ?? BLANK, criticSupSq: rec.criticSupSq ?? BLANK,
                densityRatioMax: rec.densityRatioMax, descentLhs: rec.descentLhs ?? BLANK, descentRhs: rec.descentRhs ?? BLANK,
                descentViolations: rec.descentViolations ?? BLANK, descentMinSlack: rec.descentMinSlack ?? BLANK, spanSq: BLANK,
                criticInitShare: rec.criticInitShare ?? BLANK, actorInitShare: rec.actorInitShare ?? BLANK, ntkLambdaMinK: rec.ntkLambdaMinK, tdLambdaMinReK: rec.tdLambdaMinReK,
                exactL: rec.exactL, trackingL: rec.trackingL, energyErrorInf: rec.energyErrorInf, actorErrorInf: rec.actorErrorInf, criticErrorInf: rec.criticErrorInf, driftErrorInf: rec.driftErrorInf, energyErrorSpan: rec.energyErrorSpan,
                ...common, kernel: kernelRan,
              });
            }
          }
        }
      }
    }
    bar?.done();
    return { rows, meta: conditioningAtStart(mdp) };
  }, resultsDir);
}

/** SPEC §9: the conditioning of both solvers' problems at π_0 (uniform), for meta.json and notebook headers; empty without features. */
export function conditioningAtStart(mdp: FiniteMdp): Record<string, number> {
  if (!mdp.features || !mdp.dim) return {};
  const pi = uniformPolicy(mdp);
  const nu = stationaryDistribution(mdp, pi).nu;
  const sigma = stateActionDistribution(mdp, nu, pi);
  const ntk = ntkConditioning(mdp.features, mdp.dim, auxiliaryDistribution(mdp, nu));
  const td = tdConditioning(mdp, mdp.features, mdp.dim, sigma, pi);
  return { ntkLambdaMin: ntk.lambdaMin, ntkLambdaMax: ntk.lambdaMax, tdLambdaMinRe: td.lambdaMinRe, tdLambdaMaxRe: td.lambdaMaxRe };
}

function blankErrors(): Row {
  return {
    evalMse: BLANK, improveMse: BLANK, phiStar: BLANK, psiStar: BLANK, varphiStar: BLANK, M: BLANK,
    klStar: BLANK, logPartition: BLANK, stepError: BLANK, logPartitionPinsker: BLANK, logPartitionHoeffding: BLANK, logPartitionViolations: BLANK,
    lambda: BLANK, tauNext: BLANK, klStep: BLANK, lemma47Lhs: BLANK, energyStepSq: BLANK, idealEnergyGapInf: BLANK, improveLinf: BLANK, improveLinfSq: BLANK, criticSupSq: BLANK,
    densityRatioMax: BLANK, descentLhs: BLANK, descentRhs: BLANK, descentViolations: BLANK, descentMinSlack: BLANK, spanSq: BLANK,
    criticInitShare: BLANK, actorInitShare: BLANK, ntkLambdaMinK: BLANK, tdLambdaMinReK: BLANK,
  };
}
