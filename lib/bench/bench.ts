/**
 * `npm run bench` (bench/README.md): the step kernels side by side on the workload of
 * workload.ts. For each algorithm, width and path: steps/s (one step = one step of every
 * replica) as the median over timed chunks after a warm-up, the spread (min–max over
 * chunks), ns per replica·unit·dim, and the exact error of the averaged iterate, which must
 * agree across paths to float32 tolerance (a fast wrong kernel is a bug). Paths whose full
 * run would exceed the time cap are timed on a few chunks and their error is left out.
 *
 *  - kernel paths (behind runSolver / runSolverParallel): a chunk is one solver call of
 *    T/4 steps, all replicas (replica-blocked: each replica runs its steps with its state in
 *    cache), repeated 4 times; then one call with the full T for the error;
 *  - lockstep paths (TensorFlow.js backends, PyTorch): one run of T steps in chunks of 200,
 *    the first 5 steps untimed as warm-up; when the full run would exceed the cap, 3 chunks
 *    of about cap/10 seconds each.
 */
import * as tf from "@tensorflow/tfjs";
import { availableParallelism } from "node:os";
import { tryBackend } from "../backend";
import { provenance } from "../experiments/provenance";
import type { SolverProblem, SolverResult } from "../solvers/problem";
import { resolveKernel, runSolver, runSolverParallel } from "../solvers/solvers";
import { wasmModule } from "../solvers/wasm-kernel";
import { WasmPool } from "../solvers/wasm-pool";
import { TfjsSolver } from "../solvers/tfjs-kernel";
import { findTorchPython, runTorch } from "./torch-path";
import { ALGORITHMS, BenchAlgorithm, benchCase, BenchCase, benchMse, BenchSettings } from "./workload";

/**
 * Agreement tolerance on the error, relative to the float64 kernel's: float32 rounding moves
 * θ̄ by ~1e-6 (test/solvers.test.ts) and the error by less than 1e-4 of itself; 1e-3 leaves
 * room for lockstep float32 sums over T steps while catching any algorithmic difference
 * (a missed projection or an off-by-one in the average moves it by percents).
 */
export const MSE_TOLERANCE = 1e-3;
const LOCKSTEP_CHUNK = 200;
const WARMUP_STEPS = 5;

export interface PathRow {
  algorithm: BenchAlgorithm;
  width: number;
  path: string;
  threads: number;
  stepsPerSecond: number;
  spreadMin: number;
  spreadMax: number;
  chunks: number;
  nsPerReplicaUnitDim: number;
  mse: number | null;
  /** |mse − mse(wasm-simd-f64)| / mse(wasm-simd-f64), null when either is missing. */
  mseRelDiff: number | null;
  note: string;
}

export interface BenchReport {
  settings: BenchSettings;
  capSeconds: number;
  rows: PathRow[];
  /** fast kernel steps/s ÷ PyTorch steps/s, per algorithm and width (absent without torch). */
  ratios: { algorithm: BenchAlgorithm; width: number; fastKernel: string; ratioToTorch: number }[];
  torch: string;
  provenance: unknown;
  seconds: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function summarise(c: BenchCase, path: string, threads: number, rates: number[], thetaBar: Float64Array | null, note: string): Omit<PathRow, "mseRelDiff"> {
  const { replicas: R, dim: d } = c.problem.init;
  const sps = median(rates);
  return {
    algorithm: c.algorithm, width: c.width, path, threads, stepsPerSecond: sps, spreadMin: Math.min(...rates), spreadMax: Math.max(...rates), chunks: rates.length,
    nsPerReplicaUnitDim: 1e9 / (sps * R * c.width * d), mse: thetaBar ? benchMse(c, thetaBar) : null, note,
  };
}

/** The same problem cut to its first `steps` samples (the same cost per step; η follows the new T). */
function truncate(p: SolverProblem, steps: number): SolverProblem {
  const cut = (streams: Int32Array[]) => streams.map((s) => s.subarray(0, steps));
  return { ...p, steps, pairs: cut(p.pairs), target: p.target.kind === "td" ? { ...p.target, next: cut(p.target.next) } : p.target };
}

function timeKernel(c: BenchCase, solve: (p: SolverProblem) => Promise<SolverResult>, capSeconds: number) {
  return (async () => {
    const T = c.problem.steps;
    const Tc = Math.max(1, Math.floor(T / 4));
    const chunk = truncate(c.problem, Tc);
    await solve(truncate(c.problem, Math.min(Tc, 50)));
    const rates: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      await solve(chunk);
      rates.push(Tc / ((performance.now() - t0) / 1000));
    }
    if (T / median(rates) > capSeconds) return { rates, thetaBar: null, note: `full run skipped: ~${(T / median(rates)).toFixed(0)} s > cap` };
    return { rates, thetaBar: (await solve(c.problem)).thetaBar, note: "" };
  })();
}

function timeTfjs(c: BenchCase, capSeconds: number) {
  const s = new TfjsSolver(c.problem);
  try {
    const t0 = performance.now();
    s.run(WARMUP_STEPS);
    const perStep = (performance.now() - t0) / 1000 / WARMUP_STEPS;
    const complete = perStep * c.problem.steps <= capSeconds;
    // A path too slow for the full run is timed on 3 chunks of about cap/10 seconds each.
    const size = complete ? LOCKSTEP_CHUNK : Math.max(1, Math.min(LOCKSTEP_CHUNK, Math.floor(capSeconds / 10 / perStep)));
    const rates: number[] = [];
    while (s.done < c.problem.steps && (complete || rates.length < 3)) {
      const from = s.done;
      const t1 = performance.now();
      s.run(from + size);
      rates.push((s.done - from) / ((performance.now() - t1) / 1000));
    }
    const done = s.done >= c.problem.steps;
    return { rates, thetaBar: done ? s.thetaBar() : null, note: done ? "" : `full run skipped: ~${(c.problem.steps / median(rates)).toFixed(0)} s > cap` };
  } finally {
    s.dispose();
  }
}

/** Run the benchmark; `log` gets one line per measurement. */
export async function runBench(settings: BenchSettings, opts: { capSeconds: number; threads?: number; log?: (line: string) => void }): Promise<BenchReport> {
  const start = performance.now();
  const log = opts.log ?? (() => undefined);
  const threads = opts.threads ?? availableParallelism();
  const fast = resolveKernel("fast");
  const module = wasmModule();
  const pool = module ? new WasmPool(module, threads) : null;
  const torch = findTorchPython();
  const tfjsBackends: string[] = [];
  for (const name of ["tensorflow", "wasm", "cpu"] as const) {
    const why = await tryBackend(name);
    if (why === null) tfjsBackends.push(name);
    else log(`tfjs-${name}: not available (${why})`);
  }
  if (!torch.python) log(`pytorch: ${(torch as { why: string }).why}`);
  const rows: PathRow[] = [];
  try {
    for (const algorithm of ALGORITHMS) {
      for (const width of settings.widths) {
        const c = benchCase(settings, algorithm, width);
        const here: Omit<PathRow, "mseRelDiff">[] = [];
        const add = (row: Omit<PathRow, "mseRelDiff">) => {
          here.push(row);
          log(`${algorithm} m=${width} ${row.path}: ${row.stepsPerSecond.toFixed(0)} steps/s (${row.spreadMin.toFixed(0)}–${row.spreadMax.toFixed(0)}), ${row.nsPerReplicaUnitDim.toFixed(3)} ns/replica·unit·dim, MSE ${row.mse === null ? "—" : row.mse.toExponential(6)} ${row.note}`);
        };
        if (pool) {
          const k64 = await timeKernel(c, (p) => runSolverParallel(p, pool, "f64"), opts.capSeconds);
          add(summarise(c, `wasm-simd-f64 (${threads} threads)`, threads, k64.rates, k64.thetaBar, k64.note));
          const k1 = await timeKernel(c, async (p) => runSolver(p, "fast"), opts.capSeconds);
          add(summarise(c, `${fast} (1 thread)`, 1, k1.rates, k1.thetaBar, k1.note));
          const kp = await timeKernel(c, (p) => runSolverParallel(p, pool, "fast"), opts.capSeconds);
          add(summarise(c, `${fast} (${threads} threads)`, threads, kp.rates, kp.thetaBar, kp.note));
        } else {
          const k1 = await timeKernel(c, async (p) => runSolver(p, "fast"), opts.capSeconds);
          add(summarise(c, `${fast} (1 thread)`, 1, k1.rates, k1.thetaBar, k1.note));
        }
        for (const name of tfjsBackends) {
          await tryBackend(name as "tensorflow" | "wasm" | "cpu");
          const r = timeTfjs(c, opts.capSeconds);
          add(summarise(c, `tfjs-${name}`, 1, r.rates, r.thetaBar, r.note));
        }
        if (torch.python) {
          const r = runTorch(torch.python, c.problem, { chunk: LOCKSTEP_CHUNK, capSeconds: opts.capSeconds });
          const rates = r.chunkSeconds.map((s, i) => r.chunkSteps[i] / s);
          add(summarise(c, `pytorch ${r.torch} float32 (${r.variant}, ${r.threads} thread${r.threads > 1 ? "s" : ""})`, r.threads, rates, r.thetaBar, r.completed ? "" : "full run skipped: over cap"));
        }
        const ref = here.find((r) => r.path.startsWith("wasm-simd-f64"))?.mse ?? null;
        for (const r of here) rows.push({ ...r, mseRelDiff: ref !== null && r.mse !== null ? Math.abs(r.mse - ref) / ref : null });
      }
    }
  } finally {
    await pool?.close();
  }
  const ratios: BenchReport["ratios"] = [];
  for (const algorithm of ALGORITHMS) {
    for (const width of settings.widths) {
      const at = rows.filter((r) => r.algorithm === algorithm && r.width === width);
      const fastRow = at.filter((r) => r.path.startsWith(fast)).sort((a, b) => b.stepsPerSecond - a.stepsPerSecond)[0];
      const torchRow = at.find((r) => r.path.startsWith("pytorch"));
      if (fastRow && torchRow) ratios.push({ algorithm, width, fastKernel: fastRow.path, ratioToTorch: fastRow.stepsPerSecond / torchRow.stepsPerSecond });
    }
  }
  return {
    settings, capSeconds: opts.capSeconds, rows, ratios,
    torch: torch.python !== null ? `${torch.python} (torch ${torch.version})` : torch.why,
    provenance: provenance({ backend: tf.getBackend() as "wasm", chosenBy: "benchmark: every backend in turn", tfjsVersion: tf.version.tfjs }),
    seconds: (performance.now() - start) / 1000,
  };
}

/** Rows whose error disagrees with the float64 kernel's beyond MSE_TOLERANCE. */
export function disagreements(report: BenchReport): PathRow[] {
  return report.rows.filter((r) => r.mseRelDiff !== null && r.mseRelDiff > MSE_TOLERANCE);
}
