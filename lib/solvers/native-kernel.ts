/**
 * Loads and drives the native float32 kernel of Algorithms 2 and 3 (NeurIPS numbering):
 * native/kernel.c, compiled for this machine's CPU by `npm install` (scripts/build-native.mjs)
 * into a Node-API addon, native/build/kernel.node. Same algorithm and same float64 banking as
 * the WebAssembly kernel's solveF32 (wasm-kernel.ts), 16 units per vector instead of 4; the
 * replicas of one call run on `threads` OpenMP threads inside the addon, bit-identical to one
 * thread. Where the addon was not built (no compiler or headers at install), `nativeKernel()`
 * is null, `nativeUnavailableReason()` says why, and kernel "fast" runs the WebAssembly kernel.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../util/paths";
import { checkProblem, DivergenceError, problemEta, SolverProblem, SolverResult } from "./problem";

// The kernel's source, and the build script whose flags decide its rounding (-ffp-contract=off,
// no -ffast-math), are part of the result key of every experiment that runs it:
// @key-source "../../native/kernel.c"
// @key-source "../../scripts/build-native.mjs"

/** Overrides the addon's path (the fallback test points it at a missing file). */
export const NATIVE_ENV = "NPPO_NATIVE_ADDON";
export const NATIVE_PATH = process.env[NATIVE_ENV] || join(REPO_ROOT, "native", "build", "kernel.node");

interface NativeAddon {
  /** See the binding at the end of native/kernel.c. */
  solve(
    alpha0: Float64Array, b: Float64Array, features: Float64Array, pairs: Int32Array, next: Int32Array, y: Float64Array, radius: Float64Array,
    outBar: Float64Array, outLast: Float64Array, status: Int32Array, params: Float64Array,
  ): void;
}

let addon: NativeAddon | null | undefined;
let unavailable = "";

/** The loaded addon, or null (see `nativeUnavailableReason`). */
export function nativeKernel(): NativeAddon | null {
  if (addon !== undefined) return addon;
  if (!existsSync(NATIVE_PATH)) {
    const reasonFile = join(dirname(NATIVE_PATH), "unavailable.txt");
    unavailable = existsSync(reasonFile) ? readFileSync(reasonFile, "utf8").trim() : `${NATIVE_PATH} is missing (it is built by npm install; run \`node scripts/build-native.mjs\`)`;
    return (addon = null);
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = require(NATIVE_PATH) as NativeAddon;
  } catch (e) {
    unavailable = `${NATIVE_PATH} does not load here (${(e as Error).message})`;
    addon = null;
  }
  return addon;
}

export function nativeUnavailableReason(): string {
  return unavailable;
}

/**
 * All replicas of one call on `threads` threads (default 1). `kappaFloor`: κ is folded back
 * into D below it (default 1e-2; tests raise it to exercise the fold).
 */
export function solveNative(p: SolverProblem, opts: { threads?: number; kappaFloor?: number } = {}): SolverResult {
  const k = nativeKernel();
  if (!k) throw new Error(`native kernel unavailable: ${unavailable}`);
  checkProblem(p);
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const { replicas: R, width: m, dim: d } = p.init;
  const T = p.steps;
  const stack = (streams: Int32Array[]) => {
    const out = new Int32Array(R * T);
    streams.forEach((s, r) => out.set(s, r * T));
    return out;
  };
  const td = p.target.kind === "td";
  const thetaBar = new Float64Array(R * m * d);
  const lastTheta = new Float64Array(R * m * d);
  const status = new Int32Array(R);
  const params = Float64Array.of(R, m, d, T, td ? 1 : 0, problemEta(p), 1 / Math.sqrt(m), p.target.kind === "td" ? p.target.gamma : 0, opts.kappaFloor ?? 1e-2, 1024, threads);
  k.solve(
    p.init.alpha0, p.init.b, p.features, stack(p.pairs), p.target.kind === "td" ? stack(p.target.next) : new Int32Array(0),
    p.target.kind === "td" ? p.target.rewards : p.target.values, p.radius, thetaBar, lastTheta, status, params,
  );
  for (let r = 0; r < R; r++) if (status[r] < 0) throw new DivergenceError(`non-finite residual at step ${-1 - status[r]}, replica ${r}`);
  return { thetaBar, lastTheta, projections: status };
}
