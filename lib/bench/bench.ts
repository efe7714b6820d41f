/**
 * `npm run bench` (bench/README.md): the step kernels side by side on the workload of
 * workload.ts. For each algorithm, width and path: steps/s (one step = one step of every
 * replica) as the median over timed chunks after a warm-up, the spread (min–max over
 * chunks), ns per replica·unit·dim, the percentage of the C yardstick's steps/s on as many
 * threads, and the exact error of the averaged iterate, which must agree across paths to
 * float32 tolerance (a fast wrong kernel is a bug). Paths whose full run would exceed the
 * time cap are timed on a few chunks and their error is left out.
 *
 *  - kernel paths (the native and WebAssembly kernels, behind runSolver / runSolverParallel,
 *    and the C yardstick, bench/yardstick.c): a chunk is one solver call of T/4 steps, all
 *    replicas (replica-blocked: each replica runs its steps with its state in cache), repeated
 *    4 times; then one call with the full T for the error;
 *  - lockstep paths (TensorFlow.js backends, PyTorch): one run of T steps in chunks of 200,
 *    the first 5 steps untimed as warm-up; when the full run would exceed the time cap, 3 chunks
 *    of about cap/10 seconds each.
 */
import * as tf from "@tensorflow/tfjs";
import { availableParallelism } from "node:os";
import { tryBackend } from "../backend";
import { provenance } from "../experiments/provenance";
import type { SolverProblem, SolverResult } from "../solvers/problem";
import { nativeKernel, nativeUnavailableReason } from "../solvers/native-kernel";
import { KernelName, resolveKernel, runSolver, runSolverParallel, SolverPool } from "../solvers/solvers";
import { TfjsSolver } from "../solvers/tfjs-kernel";
import { findTorchPython, runTorch } from "./torch-path";
import { ALGORITHMS, BenchAlgorithm, benchCase, BenchCase, benchMse, BenchSettings } from "./workload";
import { compileYardstick, runYardstick } from "./yardstick-path";

/**
 * Agreement tolerance on the error, relative to the WebAssembly kernel's (the portable one,
 * held equal to the float64 reference loop by test/solvers.test.ts): float32 rounding moves
 * θ̄ by ~1e-6 and the error by less than 1e-4 of itself; 1e-3 leaves room for lockstep float32
 * sums over T steps while catching any algorithmic difference (a missed projection or an
 * off-by-one in the average moves it by percents).
 */
export const MSE_TOLERANCE = 1e-3;
/** The path whose error the others are checked against. */
export const ANCHOR_PATH = "wasm-simd-f32 (1 thread)";
export const YARDSTICK_PATH = "C yardstick";
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
  /** 100 × steps/s ÷ the C yardstick's on as many threads (null without a compiler). */
  percentOfYardstick: number | null;
  mse: number | null;
  /** |mse − mse(anchor)| / mse(anchor), null when either is missing. */
  mseRelDiff: number | null;
  note: string;
}

export interface BenchReport {
  settings: BenchSettings;
  capSeconds: number;
  rows: PathRow[];
  /** Per algorithm and width: the fast kernel on all threads, ÷ PyTorch (absent without torch) and as a percentage of the yardstick. */
  ratios: { algorithm: BenchAlgorithm; width: number; fastKernel: string; ratioToTorch: number | null; percentOfYardstick: number | null }[];
  torch: string;
  /** The compiler command of the yardstick, or why it did not compile. */
  yardstick: string;
  /** Why the native kernel did not run ("" when it did). */
  native: string;
  provenance: unknown;
  seconds: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

type MeasuredRow = Omit<PathRow, "mseRelDiff" | "percentOfYardstick">;

function summarise(c: BenchCase, path: string, threads: number, rates: number[], thetaBar: Float64Array | null, note: string): MeasuredRow {
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
  const threadCounts = [...new Set([1, threads])];
  const fast = resolveKernel("fast");
  const pool = new SolverPool(threads);
  // The native kernel ("fast" where it was built) and the WebAssembly one, each on 1 and all threads.
  const kernels = ((nativeKernel() ? ["fast", "wasm"] : ["wasm"]) as KernelName[]).map((kernel) => ({ kernel, name: resolveKernel(kernel) }));
  if (!nativeKernel()) log(`native-f32: not available (${nativeUnavailableReason()})`);
  const yardstick = compileYardstick();
  if (!yardstick.binary) log(`${YARDSTICK_PATH}: ${yardstick.how}`);
  const torch = findTorchPython();
  const tfjsBackends: string[] = [];
  for (const name of ["tensorflow", "wasm", "cpu"] as const) {
    const why = await tryBackend(name);
    if (why === null) tfjsBackends.push(name);
    else log(`tfjs-${name}: not available (${why})`);
  }
  if (!torch.python) log(`pytorch: ${(torch as { why: string }).why}`);
  const rows: PathRow[] = [];
  const threadLabel = (n: number) => `${n} thread${n > 1 ? "s" : ""}`;
  try {
    for (const algorithm of ALGORITHMS) {
      for (const width of settings.widths) {
        const c = benchCase(settings, algorithm, width);
        const here: MeasuredRow[] = [];
        const add = (row: MeasuredRow) => {
          here.push(row);
          log(`${algorithm} m=${width} ${row.path}: ${row.stepsPerSecond.toFixed(0)} steps/s (${row.spreadMin.toFixed(0)}–${row.spreadMax.toFixed(0)}), ${row.nsPerReplicaUnitDim.toFixed(3)} ns/replica·unit·dim, MSE ${row.mse === null ? "—" : row.mse.toExponential(6)} ${row.note}`);
        };
        for (const { name, kernel } of kernels) {
          for (const n of threadCounts) {
            const k = await timeKernel(c, (p) => (n === 1 ? Promise.resolve(runSolver(p, kernel)) : runSolverParallel(p, pool, kernel)), opts.capSeconds);
            add(summarise(c, `${name} (${threadLabel(n)})`, n, k.rates, k.thetaBar, k.note));
          }
        }
        if (yardstick.binary) {
          for (const n of threadCounts) {
            const r = runYardstick(yardstick.binary, c.problem, { threads: n, capSeconds: opts.capSeconds });
            add(summarise(c, `${YARDSTICK_PATH} (${threadLabel(n)})`, n, r.chunkSeconds.map((s) => r.chunkSteps / s), r.thetaBar, r.completed ? "" : "full run skipped: over cap"));
          }
        }
        for (const name of tfjsBackends) {
          await tryBackend(name as "tensorflow" | "wasm" | "cpu");
          const r = timeTfjs(c, opts.capSeconds);
          add(summarise(c, `tfjs-${name}`, 1, r.rates, r.thetaBar, r.note));
        }
        if (torch.python) {
          const r = runTorch(torch.python, c.problem, { chunk: LOCKSTEP_CHUNK, capSeconds: opts.capSeconds });
          const rates = r.chunkSeconds.map((s, i) => r.chunkSteps[i] / s);
          // One path name at every width: which formulation and thread count won goes in the note.
          const note = `fastest here: ${r.variant}, ${threadLabel(r.threads)}${r.completed ? "" : "; full run skipped: over cap"}`;
          add(summarise(c, `pytorch ${r.torch} float32`, r.threads, rates, r.thetaBar, note));
        }
        const anchor = here.find((r) => r.path === ANCHOR_PATH)?.mse ?? null;
        const yardstickAt = (n: number) => here.find((r) => r.path === `${YARDSTICK_PATH} (${threadLabel(n)})`)?.stepsPerSecond ?? null;
        for (const r of here) {
          const y = yardstickAt(r.threads);
          rows.push({ ...r, percentOfYardstick: y === null ? null : (100 * r.stepsPerSecond) / y, mseRelDiff: anchor !== null && r.mse !== null ? Math.abs(r.mse - anchor) / anchor : null });
        }
      }
    }
  } finally {
    await pool.close();
    yardstick.close();
  }
  const ratios: BenchReport["ratios"] = [];
  for (const algorithm of ALGORITHMS) {
    for (const width of settings.widths) {
      const at = rows.filter((r) => r.algorithm === algorithm && r.width === width);
      const fastRow = at.find((r) => r.path === `${fast} (${threadLabel(threads)})`);
      const torchRow = at.find((r) => r.path.startsWith("pytorch"));
      if (fastRow) ratios.push({ algorithm, width, fastKernel: fastRow.path, ratioToTorch: torchRow ? fastRow.stepsPerSecond / torchRow.stepsPerSecond : null, percentOfYardstick: fastRow.percentOfYardstick });
    }
  }
  return {
    settings, capSeconds: opts.capSeconds, rows, ratios,
    // Casts, not narrowing: tslab's non-strict TypeScript does not narrow on `python: null`.
    torch: torch.python !== null ? `${torch.python} (torch ${(torch as { version: string }).version})` : (torch as { why: string }).why,
    yardstick: yardstick.how,
    native: nativeKernel() ? "" : nativeUnavailableReason(),
    provenance: provenance({ backend: tf.getBackend() as "wasm", chosenBy: "benchmark: every backend in turn", tfjsVersion: tf.version.tfjs }),
    seconds: (performance.now() - start) / 1000,
  };
}

/** Rows whose error disagrees with the anchor's beyond MSE_TOLERANCE. */
export function disagreements(report: BenchReport): PathRow[] {
  return report.rows.filter((r) => r.mseRelDiff !== null && r.mseRelDiff > MSE_TOLERANCE);
}
