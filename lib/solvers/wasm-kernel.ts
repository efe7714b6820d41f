/**
 * Loads and drives the WebAssembly SIMD kernel (wasm/kernel.ts, built at install time into
 * wasm/build/kernel.wasm). Same algorithm and same float64 arithmetic as kernel.ts, two
 * units per instruction; this module lays out linear memory ([d][m] per replica, m padded
 * to even with b_i = 0 units that never move), calls `solve` once per replica and
 * transposes the result back to [R, m, d].
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../experiments/provenance";
import { checkProblem, DivergenceError, SolverProblem, SolverResult } from "./problem";

export const WASM_PATH = join(REPO_ROOT, "wasm", "build", "kernel.wasm");

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  solve(...args: number[]): number;
}

// WebAssembly is a Node global; it is reached through globalThis because tslab compiles
// notebook imports with its own TypeScript settings, whose libs may not declare it.
const WASM = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (mod: object, imports: object) => { exports: unknown } } }).WebAssembly;

let instance: KernelExports | null | undefined;
let unavailable = "";

/** The kernel instance, or null (see `wasmUnavailableReason`) when it is not built or SIMD is unsupported. */
export function wasmKernel(): KernelExports | null {
  if (instance !== undefined) return instance;
  if (!existsSync(WASM_PATH)) {
    unavailable = `${WASM_PATH} is missing (it is built by npm install; run \`node scripts/build-wasm.mjs\`)`;
    return (instance = null);
  }
  try {
    const mod = new WASM.Module(readFileSync(WASM_PATH));
    instance = new WASM.Instance(mod, { env: { abort: () => { throw new Error("wasm kernel aborted"); } } }).exports as unknown as KernelExports;
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

export function solveWasm(p: SolverProblem, opts: { kappaFloor?: number } = {}): SolverResult {
  checkProblem(p);
  const k = wasmKernel();
  if (!k) throw new Error(`wasm kernel unavailable: ${unavailable}`);
  const { replicas: R, width: m, dim: d, alpha0, b } = p.init;
  const N = p.features.length / d;
  const T = p.steps;
  const mp = m + (m % 2);
  const md = mp * d;
  let off = BASE;
  const region = (bytes: number) => {
    const at = off;
    off += align(bytes);
    return at;
  };
  const a0 = region(md * 8), D = region(md * 8), B = region(md * 8), banked = region(md * 8), outBar = region(md * 8), outLast = region(md * 8);
  const bp = region(mp * 8), a0x = region(mp * 8), dx = region(mp * 8), xs = region(2 * d * 16);
  const X = region(N * d * 8), xx = region(N * 8), pairs = region(T * 4), next = region(T * 4), y = region(N * 8);
  const pages = Math.ceil(off / 65536) - k.memory.buffer.byteLength / 65536;
  if (pages > 0) k.memory.grow(pages);
  const f64 = new Float64Array(k.memory.buffer);
  const i32 = new Int32Array(k.memory.buffer);
  f64.set(p.features, X / 8);
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let q = 0; q < d; q++) s += p.features[j * d + q] ** 2;
    f64[xx / 8 + j] = s;
  }
  if (p.target.kind === "td") f64.set(p.target.rewards, y / 8);
  const thetaBar = new Float64Array(R * m * d);
  const lastTheta = new Float64Array(R * m * d);
  const projections = new Int32Array(R);
  const eta = 1 / Math.sqrt(T);
  const c = 1 / Math.sqrt(m);
  /** Position of coordinate q of unit i in the [m/2][d][2] layout. */
  const at = (i: number, q: number) => (i >> 1) * 2 * d + 2 * q + (i & 1);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < mp; i++) {
      f64[bp / 8 + i] = i < m ? b[r * m + i] : 0;
      for (let q = 0; q < d; q++) f64[a0 / 8 + at(i, q)] = i < m ? alpha0[(r * m + i) * d + q] : 0;
    }
    i32.set(p.pairs[r], pairs / 4);
    if (p.target.kind === "td") i32.set(p.target.next[r], next / 4);
    else f64.set(p.target.values.subarray(r * N, (r + 1) * N), y / 8);
    const isTd = p.target.kind === "td" ? 1 : 0;
    const gamma = p.target.kind === "td" ? p.target.gamma : 0;
    const ret = k.solve(a0, D, B, banked, bp, a0x, dx, xs, X, xx, pairs, next, y, outBar, outLast, mp, d, T, eta, c, p.radius[r], gamma, isTd, opts.kappaFloor ?? 1e-2, 1024);
    if (ret < 0) throw new DivergenceError(`non-finite residual at step ${-1 - ret}, replica ${r}`);
    projections[r] = ret;
    for (let i = 0; i < m; i++) {
      for (let q = 0; q < d; q++) {
        thetaBar[(r * m + i) * d + q] = f64[outBar / 8 + at(i, q)];
        lastTheta[(r * m + i) * d + q] = f64[outLast / 8 + at(i, q)];
      }
    }
  }
  return { thetaBar, lastTheta, projections };
}
