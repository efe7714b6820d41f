/**
 * Loads and drives the WebAssembly SIMD kernel `solveF32` (wasm/kernel.ts, built at install
 * time into wasm/build/kernel.wasm; float32, f32x4, see its source for the algorithm and for
 * what stays float64): the portable kernel, which kernel "fast" runs where the native one
 * (native-kernel.ts) was not built. This module lays out linear memory per replica (units in
 * blocks of one SIMD register, [m/4][d][4], m padded with b_i = 0 units that never move),
 * builds one job per replica, and runs the jobs on the main thread (`solveWasm`) or on worker
 * threads (`solveWasmParallel`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../util/paths";
import { checkProblem, DivergenceError, problemEta, SolverProblem, SolverResult } from "./problem";
import type { WasmJob, WasmJobResult, WasmPool } from "./wasm-pool";

export const WASM_PATH = join(REPO_ROOT, "wasm", "build", "kernel.wasm");
// The kernel's source is part of the result key of every experiment that runs it:
// @key-source "../../wasm/kernel.ts"

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  [fn: string]: unknown;
}

// WebAssembly is a Node global; it is reached through globalThis because tslab compiles
// notebook imports with its own TypeScript settings, whose libs may not declare it.
const WASM = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jobRunner: { instantiate(module: object): KernelExports; runJob(e: KernelExports, job: WasmJob): WasmJobResult } = require("./wasm-job.js");

let compiled: object | null | undefined;
let instance: KernelExports | null | undefined;
let unavailable = "";

/** The compiled kernel module, or null (see `wasmUnavailableReason`). */
export function wasmModule(): object | null {
  if (compiled !== undefined) return compiled;
  if (!existsSync(WASM_PATH)) {
    unavailable = `${WASM_PATH} is missing (it is built by npm install; run \`node scripts/build-wasm.mjs\`)`;
    return (compiled = null);
  }
  try {
    compiled = new WASM.Module(readFileSync(WASM_PATH));
  } catch (e) {
    unavailable = `the WebAssembly kernel cannot be compiled here (${(e as Error).message})`;
    compiled = null;
  }
  return compiled;
}

/** The main thread's kernel instance, or null when it is not built or SIMD is unsupported. */
export function wasmKernel(): KernelExports | null {
  if (instance !== undefined) return instance;
  const mod = wasmModule();
  if (!mod) return (instance = null);
  try {
    instance = jobRunner.instantiate(mod);
  } catch (e) {
    unavailable = `the WebAssembly kernel cannot be instantiated here (${(e as Error).message})`;
    instance = null;
  }
  return instance;
}

export function wasmUnavailableReason(): string {
  return unavailable;
}

const BASE = 65536; // our data starts after the first page, which AssemblyScript's stub runtime owns
const align = (n: number) => Math.ceil(n / 16) * 16;

/** One job per replica, and how to assemble their results. `kappaFloor`: see wasm/kernel.ts (tests raise it to exercise the fold). */
export function planJobs(p: SolverProblem, kappaFloor = 1e-2): { jobs: WasmJob[]; collect(results: WasmJobResult[]): SolverResult } {
  checkProblem(p);
  const { replicas: R, width: m, dim: d, alpha0, b } = p.init;
  const N = p.features.length / d;
  const T = p.steps;
  const L = 4; // f32x4 lanes
  const mp = Math.ceil(m / L) * L;
  const md = mp * d;
  let off = BASE;
  const region = (bytes: number) => {
    const at = off;
    off += align(bytes);
    return at;
  };
  const a0 = region(md * 4), D = region(md * 4), B = region(md * 4), banked = region(md * 8), outBar = region(md * 8), outLast = region(md * 8);
  const bp = region(mp * 4), a0x = region(mp * 4), dx = region(mp * 4), xs = region(2 * d * 16);
  const X = region(N * d * 8), xx = region(N * 8), pairs = region(T * 4), next = region(T * 4), y = region(N * 8);
  const xNorm2 = new Float64Array(N);
  for (let j = 0; j < N; j++) for (let q = 0; q < d; q++) xNorm2[j] += p.features[j * d + q] ** 2;
  /** Position of coordinate q of unit i in the [m/L][d][L] layout. */
  const at = (i: number, q: number) => Math.floor(i / L) * L * d + L * q + (i % L);
  const isTd = p.target.kind === "td" ? 1 : 0;
  const gamma = p.target.kind === "td" ? p.target.gamma : 0;
  const jobs: WasmJob[] = [];
  for (let r = 0; r < R; r++) {
    const a0r = new Float32Array(md);
    const br = new Float32Array(mp);
    for (let i = 0; i < m; i++) {
      br[i] = b[r * m + i];
      for (let q = 0; q < d; q++) a0r[at(i, q)] = alpha0[(r * m + i) * d + q];
    }
    const yr = p.target.kind === "td" ? p.target.rewards : p.target.values.subarray(r * N, (r + 1) * N);
    const images: WasmJob["images"] = [
      { at: a0, data: a0r }, { at: bp, data: br }, { at: X, data: p.features }, { at: xx, data: xNorm2 },
      { at: pairs, data: p.pairs[r] }, { at: y, data: yr },
    ];
    if (p.target.kind === "td") images.push({ at: next, data: p.target.next[r] });
    jobs.push({
      fn: "solveF32",
      bytes: off,
      images,
      args: [a0, D, B, banked, bp, a0x, dx, xs, X, xx, pairs, next, y, outBar, outLast, mp, d, T, problemEta(p), 1 / Math.sqrt(m), p.radius[r], gamma, isTd, kappaFloor, 1024],
      outputs: [{ at: outBar, count: md }, { at: outLast, count: md }],
    });
  }
  const collect = (results: WasmJobResult[]): SolverResult => {
    const thetaBar = new Float64Array(R * m * d);
    const lastTheta = new Float64Array(R * m * d);
    const projections = new Int32Array(R);
    // solveF32 returns displacements: α(0) is added here, in float64.
    results.forEach(({ ret, outs: [bar, last] }, r) => {
      if (ret < 0) throw new DivergenceError(`non-finite residual at step ${-1 - ret}, replica ${r}`);
      projections[r] = ret;
      for (let i = 0; i < m; i++) {
        for (let q = 0; q < d; q++) {
          const o = (r * m + i) * d + q;
          const a = alpha0[o];
          thetaBar[o] = a + bar[at(i, q)];
          lastTheta[o] = a + last[at(i, q)];
        }
      }
    });
    return { thetaBar, lastTheta, projections };
  };
  return { jobs, collect };
}

function requireKernel(): KernelExports {
  const k = wasmKernel();
  if (!k) throw new Error(`wasm kernel unavailable: ${unavailable}`);
  return k;
}

/** All replicas, one after another, on the main thread. */
export function solveWasm(p: SolverProblem, opts: { kappaFloor?: number } = {}): SolverResult {
  const k = requireKernel();
  const { jobs, collect } = planJobs(p, opts.kappaFloor);
  return collect(jobs.map((job) => jobRunner.runJob(k, job)));
}

/** The replicas spread over the pool's worker threads (bit-identical to `solveWasm`). */
export async function solveWasmParallel(p: SolverProblem, pool: WasmPool, opts: { kappaFloor?: number } = {}): Promise<SolverResult> {
  requireKernel();
  const { jobs, collect } = planJobs(p, opts.kappaFloor);
  return collect(await Promise.all(jobs.map((job) => pool.run(job))));
}
