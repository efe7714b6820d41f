/**
 * Algorithms 2 and 3 (NeurIPS numbering) as callable solvers, batched over replicas, each
 * replica with its own sample stream: build the problem (samples drawn exactly from the
 * finite distributions), run a kernel, read the averaged network on every state-action pair.
 *
 * Kernels, on identical samples, held equal to the reference loop by the test suite (to
 * float32 tolerance, with the same projection counts):
 *  - "native-f32": native/kernel.c, compiled for this machine's CPU by `npm install`
 *    (native-kernel.ts), float32 dynamics with float64 banking, 16 units per vector;
 *  - "wasm-simd-f32": the same algorithm in WebAssembly, f32x4 (wasm-kernel.ts), built at
 *    install time from AssemblyScript with nothing but Node, so it is there on every machine;
 *  - "reference-f64": the plain loop of SPEC §3 (reference.ts), no shortcuts: the oracle;
 *  - "tfjs-f32": the plain algorithm in TensorFlow.js ops on the chosen backend (tfjs-kernel.ts).
 * Rule: "fast" (the default) is native-f32 when the addon was built and loads, else
 * wasm-simd-f32; "wasm" is wasm-simd-f32; "reference" is the reference loop; "tfjs" is
 * TensorFlow.js, on request only (`npm run bench` measures it 13–28× slower than wasm-simd-f32
 * and 70–110× slower than native-f32 on its wasm backend here). The kernel that ran is recorded in every row (with the tfjs
 * backend in its own column). float32 is the default because it is twice as fast as float64
 * (twice the lanes, half the memory traffic) and its rounding (relative 1e-7 per step, the path
 * average banked in float64) is far below the solver errors measured (≥ 1e-4 in MSE);
 * test/solvers.test.ts and `npm run bench` measure the difference.
 */
import type { FiniteMdp } from "../mdp/mdp";
import { forward, NetworkInit } from "../network";
import type { Rng } from "../random";
import { nativeKernel, solveNative } from "./native-kernel";
import type { SolverProblem, SolverResult } from "./problem";
import { solveReference } from "./reference";
import { solveTfjs } from "./tfjs-kernel";
import { solveWasm, solveWasmParallel, wasmModule, wasmUnavailableReason } from "./wasm-kernel";
import { WasmPool } from "./wasm-pool";
import { drawPairs, drawTransitions } from "./samples";

export const KERNELS = ["fast", "wasm", "reference", "tfjs"] as const;
export type KernelName = (typeof KERNELS)[number];
export type ResolvedKernel = "native-f32" | "wasm-simd-f32" | "reference-f64" | "tfjs-f32";

/** Which implementation a kernel choice runs here (see the rule above). */
export function resolveKernel(kernel: KernelName = "fast"): ResolvedKernel {
  if (kernel === "reference") return "reference-f64";
  if (kernel === "tfjs") return "tfjs-f32";
  if (kernel === "fast" && nativeKernel()) return "native-f32";
  // The WebAssembly kernel needs only Node: without it the install itself is broken.
  if (!wasmModule()) throw new Error(`the WebAssembly kernel is unavailable: ${wasmUnavailableReason()}`);
  return "wasm-simd-f32";
}

/** One call, all replicas on the calling thread. */
export function runSolver(problem: SolverProblem, kernel: KernelName = "fast"): SolverResult {
  const resolved = resolveKernel(kernel);
  if (resolved === "native-f32") return solveNative(problem);
  if (resolved === "wasm-simd-f32") return solveWasm(problem);
  return resolved === "tfjs-f32" ? solveTfjs(problem) : solveReference(problem);
}

/**
 * Threads for `runSolverParallel`: the native kernel runs them itself (OpenMP, inside one
 * call); the WebAssembly kernel on worker threads, started on first use. `close` stops those.
 */
export class SolverPool {
  private workers: WasmPool | null = null;

  constructor(readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  }

  wasm(): WasmPool {
    const module = wasmModule();
    if (!module) throw new Error(`the WebAssembly kernel is unavailable: ${wasmUnavailableReason()}`);
    if (this.workers === null) this.workers = new WasmPool(module, this.threads);
    return this.workers;
  }

  async close(): Promise<void> {
    await this.workers?.close();
    this.workers = null;
  }
}

/** As `runSolver`, with the replicas spread over the pool's threads (same result, bit for bit). */
export async function runSolverParallel(problem: SolverProblem, pool: SolverPool, kernel: KernelName = "fast"): Promise<SolverResult> {
  const resolved = resolveKernel(kernel);
  if (resolved === "native-f32") return solveNative(problem, { threads: pool.threads });
  if (resolved === "wasm-simd-f32") return solveWasmParallel(problem, pool.wasm());
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
