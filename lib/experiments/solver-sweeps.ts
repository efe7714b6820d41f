/**
 * Experiments `improvement` (Thm 4.5) and `evaluation` (Thm 4.6), NeurIPS numbering
 * (SPEC §3, §6; notebooks 01 and 02).
 *
 * Settings: `SolverSweepConfig`. For every width m, every T and every replica (its own
 * α(0), b and sample stream), one call of Algorithm 2 (resp. 3) with η = T^{-1/2} (or the
 * config's `stepSize`), then the EXACT error of the output network (the path average, or the
 * config's `output`) as a finite sum over S×A in float64:
 *  - improvement: mse = Σ σ̃_k(s,a)·(f_θ̄(s,a) − τ_{k+1}(β_k^{-1}Q^{π_k}(s,a) + E_k(s,a)))², where
 *    π_k ∝ exp(E_k), σ̃_k = ν_{π_k} × π_0, τ_{k+1} = β√K/(k+1), β_k = β√K (Alg. 1's schedule).
 *    Default k = 0, E_0 = 0: the target is Q^{π_0} exactly (τ_1 = β_0), the first step of PPO.
 *  - evaluation: mse = Σ σ_π(s,a)·(Q_ω̄(s,a) − Q^π(s,a))², π ∝ exp(E) (default uniform).
 * Every row also carries the errors of both outputs of the same run (`mseAverage`, `mseLast`),
 * the error relative to the zero predictor (`relativeMse` = mse / E[target²]), where each output
 * ended in the ball (`distanceAverage` = ‖θ̄ − α(0)‖₂, `distanceLast` = ‖θ(T−1) − α(0)‖₂; the
 * projection keeps both ≤ R) and the linearisation gap there, under the solver's distribution
 * (`linearisationGapAverage` = Σ σ(s,a)(u_θ̄ − u⁰_θ̄)², `linearisationGapLast` the same at θ(T−1);
 * u⁰ the linearisation at α(0), Def. 4.2): the left side of the lemma behind the width terms of
 * Thms 4.5/4.6, measured where the solvers end rather than at an arbitrary point of the ball.
 * meta.json records the run's conditioning (SPEC §9; lib/mdp/conditioning.ts): `ntkLambdaMin`,
 * `ntkLambdaMax` of D^{1/2}KD^{1/2} with D the solver's sampling distribution (σ̃_k or σ_π),
 * and for `evaluation` the TD matrix's `tdLambdaMinRe`, `tdLambdaMaxRe`, `tdMaxImaginaryRatio`.
 * The extra table `directions` holds, per (m, T, eigen-direction), the replica means of the
 * squared residual components before (NN(α(0)) − target) and after (path average, last
 * iterate), for the collapse figure of notebooks 01 and 02.
 * Analysis (figures, fits) lives in lib/report/solver-figures.ts.
 */
import { createHash } from "node:crypto";
import { initBackend } from "../backend";
import { auxiliaryDistribution, energyPolicy, evaluatePolicy, stateActionDistribution, stationaryDistribution } from "../mdp/exact";
import type { FiniteMdp } from "../mdp/mdp";
import { DirectionResidual, ntkConditioning, ntkDirections, tdConditioning, tdDirections } from "../mdp/conditioning";
import { minimumRadius, RealizabilityError, realizabilityBasis } from "../mdp/realizability";
import { initNetwork, forward, linearised, NetworkInit } from "../network";
import { distanceFromInit } from "../projection";
import { algorithmStream } from "../random";
import { progress } from "../util/progress";
import { problemEta } from "../solvers/problem";
import { evaluationProblem, improvementProblem, KERNELS, KernelName, resolveKernel, runSolver } from "../solvers/solvers";
import { CachedResult, canonicalJson, runCached } from "./cache";
import { knobColumns, KNOB_FIELDS, SolverKnobs, validateKnobs } from "./knobs";
import { secondsPerWork } from "./estimate";
import { loadMdpInput, requireErgodic } from "./mdp-input";
import type { Row } from "./results-io";
import { checkInteger, checkIntegerArray, checkNumber, checkObject, ConfigError } from "./validate";

export type Radius = number | { realizabilityMultiple: number };

export interface SolverSweepConfig extends SolverKnobs {
  /** MDP file (relative to the repository root), with features. */
  mdp: string;
  /** Widths m. */
  widths: number[];
  /** Iterations T (one pass over T i.i.d. samples; η = T^{-1/2}). */
  iterations: number[];
  /** Independent replicas (initialisation and sample stream) per (m, T). */
  replicas: number;
  /**
   * Projection radius: a number, or {"realizabilityMultiple": c} for c times the minimum
   * radius that makes the exact target realizable for each replica's initialisation (SPEC §4).
   */
  radius: Radius;
  /** Seed of initialisations and samples. */
  seed: number;
  /** Overrides the MDP file's γ (optional). */
  gamma?: number;
  /** "fast" (default: the native float32 kernel, else the WebAssembly one), "wasm" (the WebAssembly kernel), "reference" (the plain loop; slow) or "tfjs" (TensorFlow.js ops; slow). See lib/solvers/solvers.ts. */
  kernel?: KernelName;
  /** π_k ∝ exp(energy[s][a]) (optional; default uniform, E = 0). */
  policyEnergy?: number[][];
  /** Improvement only: iteration index k of Alg. 1 (default 0). */
  k?: number;
  /** Improvement only: β of Alg. 1 (default 1; irrelevant at k = 0). */
  beta?: number;
  /** Improvement only: horizon K of Alg. 1 (default 1; irrelevant at k = 0). */
  horizon?: number;
  /** Free text (ignored). */
  description?: string;
}

const FIELDS = ["mdp", "widths", "iterations", "replicas", "radius", "seed", "gamma", "kernel", "policyEnergy", "k", "beta", "horizon", "description", ...KNOB_FIELDS];

/** Validate a user-supplied config; ConfigError names the field, the value and the rule. */
export function validateSolverSweepConfig(value: unknown, experiment: "improvement" | "evaluation"): SolverSweepConfig & Required<SolverKnobs> {
  const c = checkObject(value, "config", FIELDS);
  if (typeof c.mdp !== "string" || c.mdp === "") throw new ConfigError(`mdp must be a path to an MDP file, got ${JSON.stringify(c.mdp)}`);
  const widths = checkIntegerArray(c.widths, "widths", 1);
  const out: SolverSweepConfig & Required<SolverKnobs> = {
    mdp: c.mdp,
    widths,
    iterations: checkIntegerArray(c.iterations, "iterations", 1),
    replicas: checkInteger(c.replicas, "replicas", 1),
    radius: 1,
    seed: checkInteger(c.seed, "seed", 0),
    ...validateKnobs(c, widths),
  };
  if (typeof c.radius === "number") out.radius = checkNumber(c.radius, "radius", { gt: 0 });
  else {
    const r = checkObject(c.radius, "radius", ["realizabilityMultiple"]);
    out.radius = { realizabilityMultiple: checkNumber(r.realizabilityMultiple, "radius.realizabilityMultiple", { gt: 0 }) };
  }
  if (c.gamma !== undefined) out.gamma = checkNumber(c.gamma, "gamma", { gt: 0, lt: 1 });
  if (c.kernel !== undefined) {
    if (!(KERNELS as readonly unknown[]).includes(c.kernel)) throw new ConfigError(`kernel must be one of ${KERNELS.join(", ")}, got ${JSON.stringify(c.kernel)}`);
    out.kernel = c.kernel as KernelName;
  }
  if (c.policyEnergy !== undefined) {
    if (!Array.isArray(c.policyEnergy)) throw new ConfigError(`policyEnergy must be an array [s][a] of finite numbers`);
    out.policyEnergy = (c.policyEnergy as unknown[]).map((row, s) => {
      if (!Array.isArray(row)) throw new ConfigError(`policyEnergy[${s}] must be an array of finite numbers`);
      return row.map((v, a) => checkNumber(v, `policyEnergy[${s}][${a}]`, {}));
    });
  }
  for (const f of ["k", "beta", "horizon"] as const) {
    if (c[f] === undefined) continue;
    if (experiment !== "improvement") throw new ConfigError(`${f} applies to the improvement experiment only`);
  }
  if (c.k !== undefined) out.k = checkInteger(c.k, "k", 0);
  if (c.beta !== undefined) out.beta = checkNumber(c.beta, "beta", { gt: 0 });
  if (c.horizon !== undefined) out.horizon = checkInteger(c.horizon, "horizon", 1);
  if (out.k !== undefined && out.k >= (out.horizon ?? 1)) throw new ConfigError(`k must be < horizon (${out.horizon ?? 1}), got ${out.k}`);
  if (typeof c.description === "string") out.description = c.description;
  return out;
}

/** The problem's fixed parts: MDP (with γ override), policy, sampling weights, exact target. */
export interface SolverSetting {
  mdp: FiniteMdp;
  policy: Float64Array;
  /** Sampling and error distribution over S×A: σ̃_k (improvement) or σ_π (evaluation). */
  weights: Float64Array;
  /** The exact function the solver should output: [N]. */
  target: Float64Array;
}

/** What a sweep fits (also what lib/linearised-dynamics.ts linearises), for a validated config and its loaded MDP. */
export function solverSetting(experiment: "improvement" | "evaluation", config: SolverSweepConfig, base: FiniteMdp): SolverSetting {
  const mdp = config.gamma === undefined ? base : { ...base, gamma: config.gamma };
  const { states: S, actions: A } = mdp;
  if (!mdp.features) throw new ConfigError(`mdp ${config.mdp} has no features; the solvers need x(s, a)`);
  const energy = new Float64Array(S * A);
  if (config.policyEnergy) {
    if (config.policyEnergy.length !== S || config.policyEnergy.some((r) => r.length !== A)) throw new ConfigError(`policyEnergy must be [${S}][${A}] for ${config.mdp}`);
    config.policyEnergy.forEach((row, s) => row.forEach((v, a) => (energy[s * A + a] = v)));
  }
  const policy = energyPolicy(mdp, energy);
  requireErgodic(mdp, config.mdp, policy, config.policyEnergy ? "the policy π ∝ exp(policyEnergy)" : "π_0 (the uniform policy)");
  const nu = stationaryDistribution(mdp, policy).nu;
  const { Q } = evaluatePolicy(mdp, policy);
  if (experiment === "evaluation") return { mdp, policy, weights: stateActionDistribution(mdp, nu, policy), target: Q };
  const k = config.k ?? 0;
  const betaK = (config.beta ?? 1) * Math.sqrt(config.horizon ?? 1);
  const tauNext = betaK / (k + 1);
  return { mdp, policy, weights: auxiliaryDistribution(mdp, nu), target: Q.map((q, j) => tauNext * (q / betaK + energy[j])) };
}

async function runSweep(experiment: "improvement" | "evaluation", config: SolverSweepConfig, resultsDir?: string): Promise<CachedResult> {
  const valid = validateSolverSweepConfig(config, experiment);
  const knobs = { init: valid.init, stepSize: valid.stepSize, output: valid.output };
  const input = loadMdpInput(valid.mdp);
  const set = solverSetting(experiment, valid, input.mdp);
  const { mdp, weights, target } = set;
  const d = mdp.dim!;
  const X = mdp.features!;
  const N = mdp.states * mdp.actions;
  const kernel = valid.kernel ?? "fast";
  const kernelRan = resolveKernel(kernel);
  const backend = await initBackend();
  const configHash = createHash("sha256").update(canonicalJson(valid)).digest("hex").slice(0, 12);
  return runCached({ name: experiment, module: __filename, usesBackend: kernelRan === "tfjs-f32" }, { ...valid, mdpSha256: input.sha256, kernelRan }, backend, () => {
    const work = valid.widths.reduce((s, m) => s + m * valid.iterations.reduce((a, T) => a + T, 0), 0);
    const bar = progress(`${experiment} sweep`, work, { unit: "width·steps", estimateSeconds: work * valid.replicas * d * secondsPerWork() });
    let targetMeanSquare = 0;
    for (let j = 0; j < N; j++) targetMeanSquare += weights[j] * target[j] ** 2;
    const ntk = ntkConditioning(X, d, weights);
    const td = experiment === "evaluation" ? tdConditioning(mdp, X, d, weights, set.policy) : null;
    const directionsOf = (initial: Float64Array, final: Float64Array): DirectionResidual[] => (td ? tdDirections(td, weights, initial, final) : ntkDirections(ntk, weights, initial, final));
    const rows: Row[] = [];
    const directions: Row[] = [];
    for (const m of valid.widths) {
      const init = initNetwork(algorithmStream(valid.seed).split(`width:${m}`), { replicas: valid.replicas, width: m, dim: d }, knobs.init);
      const needed = m * d >= N ? minimumRadiusOrNaN(init, X, target) : new Float64Array(valid.replicas).fill(NaN);
      const radius =
        typeof valid.radius === "number"
          ? new Float64Array(valid.replicas).fill(valid.radius)
          : needed.map((v) => {
              if (!Number.isFinite(v)) throw new ConfigError(`radius.realizabilityMultiple needs a realizable target, but Φ₀ is rank-deficient at m = ${m} (m·d = ${m * d}, |S||A| = ${N}); use a number`);
              return (valid.radius as { realizabilityMultiple: number }).realizabilityMultiple * v;
            });
      const residual = (values: Float64Array, r: number) => Float64Array.from({ length: N }, (_, j) => values[r * N + j] - target[j]);
      const initialValues = forward(init, init.alpha0, X);
      for (const T of valid.iterations) {
        const samples = algorithmStream(valid.seed).split(`samples:m${m}:T${T}`);
        const rngs = Array.from({ length: valid.replicas }, (_, r) => samples.split(r));
        const problem = {
          ...(experiment === "improvement"
            ? improvementProblem({ mdp, init, sampling: weights, targets: target, steps: T, radius, rngs })
            : evaluationProblem({ mdp, init, policy: set.policy, sampling: weights, steps: T, radius, rngs })),
          stepSize: knobs.stepSize,
        };
        const result = runSolver(problem, kernel);
        const averaged = forward(init, result.thetaBar, X);
        const last = forward(init, result.lastTheta, X);
        const distanceAverage = distanceFromInit(result.thetaBar, init.alpha0, valid.replicas);
        const distanceLast = distanceFromInit(result.lastTheta, init.alpha0, valid.replicas);
        const gapAverage = linearised(init, result.thetaBar, X).map((v, q) => averaged[q] - v);
        const gapLast = linearised(init, result.lastTheta, X).map((v, q) => last[q] - v);
        const perReplica = (values: Float64Array, r: number) => values.subarray(r * N, (r + 1) * N);
        const byDirection = new Map<number, { re: number; im: number; initial: number; average: number; last: number }>();
        for (let r = 0; r < valid.replicas; r++) {
          const mseAverage = weightedSquare(weights, residual(averaged, r));
          const mseLast = weightedSquare(weights, residual(last, r));
          const mse = knobs.output === "average" ? mseAverage : mseLast;
          rows.push({
            m, T, replica: r, mse, mseAverage, mseLast, relativeMse: mse / targetMeanSquare, radius: radius[r], realizabilityRadius: Number.isFinite(needed[r]) ? needed[r] : "rank-deficient",
            projections: result.projections[r], distanceAverage: distanceAverage[r], distanceLast: distanceLast[r],
            linearisationGapAverage: weightedSquare(weights, perReplica(gapAverage, r)), linearisationGapLast: weightedSquare(weights, perReplica(gapLast, r)), targetMeanSquare, gamma: mdp.gamma, eta: problemEta(problem), ...knobColumns(knobs), seed: valid.seed, configHash, kernel: kernelRan, backend: backend.backend,
          });
          const before = residual(initialValues, r);
          const afterLast = directionsOf(before, residual(last, r));
          directionsOf(before, residual(averaged, r)).forEach((dir, i) => {
            const acc = byDirection.get(dir.direction) ?? { re: dir.re, im: dir.im, initial: 0, average: 0, last: 0 };
            acc.initial += dir.initial / valid.replicas;
            acc.average += dir.final / valid.replicas;
            acc.last += afterLast[i].final / valid.replicas;
            byDirection.set(dir.direction, acc);
          });
        }
        for (const [direction, v] of byDirection) directions.push({ m, T, direction, re: v.re, im: v.im, eta: problemEta(problem), initial: v.initial, average: v.average, last: v.last, replicas: valid.replicas });
        bar.tick(m * T);
      }
    }
    bar.done();
    const conditioning: Record<string, number> = { ntkLambdaMin: ntk.lambdaMin, ntkLambdaMax: ntk.lambdaMax };
    if (td) Object.assign(conditioning, { tdLambdaMinRe: td.lambdaMinRe, tdLambdaMaxRe: td.lambdaMaxRe, tdMaxImaginaryRatio: td.maxImaginaryRatio, tdEigenvectorCondition: td.eigenvectorCondition });
    return { rows, tables: { directions }, meta: { ...conditioning, targetMeanSquare } };
  }, resultsDir);
}

/** Σ_j w_j e_j²: an exact error under the sampling distribution. */
function weightedSquare(weights: Float64Array, e: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < e.length; j++) s += weights[j] * e[j] ** 2;
  return s;
}

/** Minimum realizability radius per replica, NaN where Φ₀ is singular. */
function minimumRadiusOrNaN(init: NetworkInit, features: Float64Array, target: Float64Array): Float64Array {
  try {
    return minimumRadius(realizabilityBasis(init, features), target);
  } catch (e) {
    if (e instanceof RealizabilityError) return new Float64Array(init.replicas).fill(NaN);
    throw e;
  }
}

/** Thm 4.5 experiment (Alg. 2). Rows: m, T, replica, mse, radius, realizabilityRadius, … */
export function runImprovement(config: SolverSweepConfig, resultsDir?: string): Promise<CachedResult> {
  return runSweep("improvement", config, resultsDir);
}

/** Thm 4.6 experiment (Alg. 3). Rows: m, T, replica, mse, radius, realizabilityRadius, … */
export function runEvaluation(config: SolverSweepConfig, resultsDir?: string): Promise<CachedResult> {
  return runSweep("evaluation", config, resultsDir);
}
