/**
 * Algorithms 2 and 3 (NeurIPS numbering) as callable solvers, batched over replicas, each
 * replica with its own sample stream: build the problem (samples drawn exactly from the
 * finite distributions), run a kernel, read the averaged network on every state-action pair.
 *
 * Kernels, on identical samples, held equal by the test suite (float64 ones to 1e-11, the
 * float32 one to float32 tolerance):
 *  - "wasm-simd-f32": the WebAssembly f32x4 kernel (wasm-kernel.ts), float32 dynamics with a
 *    float64 path-average bank, built at install time; on worker threads with
 *    `runSolverParallel`;
 *  - "wasm-simd-f64": the same kernel in float64 (f64x2);
 *  - "js-f64": the same algorithm in plain JS (kernel.ts);
 *  - "reference-f64": the plain loop of SPEC §3 (reference.ts), no shortcuts;
 *  - "tfjs-f32": the plain algorithm in TensorFlow.js ops on the chosen backend (tfjs-kernel.ts).
 * Rule: "fast" (the default) is wasm-simd-f32 when the module is built and instantiates, else
 * js-f64; "f64" is wasm-simd-f64, else js-f64; "reference" is the reference loop; "tfjs" is
 * TensorFlow.js, on request only: `npm run bench` measures it 20–40× slower than wasm-simd-f32
 * on its wasm backend here, and PyTorch-class native code (tfjs-node) would still be ~5× slower.
 * The kernel that ran is recorded in every row (with the tfjs backend in its own column). float32 is the default because it is twice as fast
 * (four lanes instead of two, half the memory traffic) and its rounding (relative 1e-7 per
 * step, the path average banked in float64) is far below the solver errors measured
 * (≥ 1e-4 in MSE); test/solvers.test.ts and `npm run bench` measure the difference.
 */
import type { FiniteMdp } from "../mdp/mdp";
import { forward, NetworkInit } from "../network";
import type { Rng } from "../random";
import { solveFast } from "./kernel";
import { solveWasm, solveWasmParallel, wasmKernel } from "./wasm-kernel";
import type { WasmPool } from "./wasm-pool";
import type { SolverProblem, SolverResult } from "./problem";
import { solveReference } from "./reference";
import { solveTfjs } from "./tfjs-kernel";
import { drawPairs, drawTransitions } from "./samples";

export const KERNELS = ["fast", "f64", "reference", "tfjs"] as const;
export type KernelName = (typeof KERNELS)[number];
export type ResolvedKernel = "wasm-simd-f32" | "wasm-simd-f64" | "js-f64" | "reference-f64" | "tfjs-f32";

/** Which implementation a kernel choice runs here (see the rule above). */
export function resolveKernel(kernel: KernelName = "fast"): ResolvedKernel {
  if (kernel === "reference") return "reference-f64";
  if (kernel === "tfjs") return "tfjs-f32";
  if (!wasmKernel()) return "js-f64";
  return kernel === "f64" ? "wasm-simd-f64" : "wasm-simd-f32";
}

export function runSolver(problem: SolverProblem, kernel: KernelName = "fast"): SolverResult {
  const resolved = resolveKernel(kernel);
  if (resolved === "wasm-simd-f32") return solveWasm(problem, { precision: "f32" });
  if (resolved === "wasm-simd-f64") return solveWasm(problem, { precision: "f64" });
  if (resolved === "tfjs-f32") return solveTfjs(problem);
  return resolved === "js-f64" ? solveFast(problem) : solveReference(problem);
}

/** As `runSolver`, with the replicas of a wasm kernel spread over the pool's threads (same result, bit for bit). */
export async function runSolverParallel(problem: SolverProblem, pool: WasmPool, kernel: KernelName = "fast"): Promise<SolverResult> {
  const resolved = resolveKernel(kernel);
  if (resolved === "wasm-simd-f32" || resolved === "wasm-simd-f64") return solveWasmParallel(problem, pool, { precision: resolved === "wasm-simd-f32" ? "f32" : "f64" });
  return runSolver(problem, kernel);
}

function checkFeatures(mdp: FiniteMdp, init: NetworkInit): Float64Array {
  if (!mdp.features || mdp.dim === undefined) throw new RangeError(`MDP ${mdp.name} has no features x(s, a)`);
  if (mdp.dim !== init.dim) throw new RangeError(`network dim ${init.dim} does not match the MDP's feature dimension ${mdp.dim}`);
  return mdp.features;
}

/**
 * Alg. 2: T steps of projected SGD on (f_θ(s, a⁰) − target(s, a⁰))² with (s, a⁰) ∼ `sampling`
 * (σ̃_k = ν_k × π_0), `targets` ∈ [R, N] (one row per replica) or [N] (shared).
 */
export function improvementProblem(args: {
  mdp: FiniteMdp; init: NetworkInit; sampling: Float64Array; targets: Float64Array; steps: number; radius: Float64Array; rngs: Rng[];
}): SolverProblem {
  const features = checkFeatures(args.mdp, args.init);
  const R = args.init.replicas;
  const N = args.mdp.states * args.mdp.actions;
  const values = args.targets.length === N ? Float64Array.from({ length: R * N }, (_, q) => args.targets[q % N]) : args.targets;
  return {
    init: args.init, features, steps: args.steps, radius: args.radius,
    pairs: args.rngs.map((rng) => drawPairs(args.sampling, args.steps, rng)),
    target: { kind: "regression", values },
  };
}

/** Alg. 3: T steps of projected TD(0) for Q^π, (s, a) ∼ `sampling` (σ_π), s' ∼ P, a' ∼ π. */
export function evaluationProblem(args: {
  mdp: FiniteMdp; init: NetworkInit; policy: Float64Array; sampling: Float64Array; steps: number; radius: Float64Array; rngs: Rng[];
}): SolverProblem {
  const features = checkFeatures(args.mdp, args.init);
  const streams = args.rngs.map((rng) => drawTransitions(args.mdp, args.sampling, args.policy, args.steps, rng));
  return {
    init: args.init, features, steps: args.steps, radius: args.radius,
    pairs: streams.map((s) => s.pairs),
    target: { kind: "td", rewards: args.mdp.rewards, gamma: args.mdp.gamma, next: streams.map((s) => s.next) },
  };
}

/** The averaged network NN(θ̄) on every state-action pair: [R, N]. */
export function averagedValues(init: NetworkInit, result: SolverResult, features: Float64Array): Float64Array {
  return forward(init, result.thetaBar, features);
}
