/**
 * What a run costs before it starts (issue 23, §4): the solver work of a config, counted in
 * replica·step·width·dimension units (Algorithms 2 and 3 cost O(m·d) per step and replica),
 * times this machine's rate, measured once per process by a short calibration (one solver
 * call of the benchmark's workload, about a tenth of a second). The estimate covers the
 * solver calls, which dominate every long run; the exact quantities computed per iteration
 * are left out, so short runs cost more than it says.
 */
import { benchCase, BENCH_SETTINGS } from "../bench/workload";
import { loadMdpInput } from "./mdp-input";
import { runSolver } from "../solvers/solvers";
import { LONG_RUN_SECONDS } from "../util/progress";


let rate: number | null = null;

/** Seconds per replica·step·width·dimension of the fast kernel on this machine (calibrated once). */
export function secondsPerWork(): number {
  if (rate !== null) return rate;
  const settings = { ...BENCH_SETTINGS, replicas: 2, steps: 8192 };
  const c = benchCase(settings, "sgd", 128);
  runSolver(benchCase({ ...settings, steps: 256 }, "sgd", 128).problem); // load and warm the kernel outside the timing
  const t0 = process.hrtime.bigint();
  runSolver(c.problem);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rate = seconds / (settings.replicas * settings.steps * 128 * settings.dim);
  return rate;
}

interface Sized {
  mdp: string;
  widths: number[];
  iterations: number | number[];
  replicas: number;
  horizons?: number[];
  variants?: string[];
}

/** Solver work of one validated single-valued config of `improvement`, `evaluation`, `convergence` or `propagation` (0 for the others). */
export function configWork(experiment: string, c: Sized): number {
  if (!["improvement", "evaluation", "convergence", "propagation"].includes(experiment)) return 0;
  const d = loadMdpInput(c.mdp).mdp.dim ?? 0;
  const Ts = Array.isArray(c.iterations) ? c.iterations : [c.iterations];
  const perReplica = c.widths.reduce((s, m) => s + m, 0) * Ts.reduce((s, T) => s + T, 0) * d;
  if (experiment === "improvement" || experiment === "evaluation") return perReplica * c.replicas;
  const neural = (c.variants ?? []).filter((v) => v !== "exact-ppo").length;
  // Two solver calls (Alg. 3, then Alg. 2) per iteration k < K.
  return neural * 2 * (c.horizons ?? []).reduce((s, K) => s + K, 0) * perReplica * c.replicas;
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${seconds.toPrecision(2)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 2 * 86400) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds < 2 * 365 * 86400) return `${(seconds / 86400).toFixed(1)} days`;
  return `${(seconds / (365 * 86400)).toPrecision(3)} years`;
}

/**
 * The line printed before a run: its estimated time on one core of this machine and, above
 * an hour, how to spread it (`npm run sweep`, Slurm: README "When it no longer fits").
 */
export function estimateLine(label: string, work: number): string {
  const seconds = work * secondsPerWork();
  const line = `estimate: ${label} ≈ ${formatDuration(seconds)} on one core of this machine (${work.toExponential(2)} replica·step·width·dim of solver work)`;
  if (seconds <= LONG_RUN_SECONDS) return line;
  return `${line}; over an hour: split it into work units with \`npm run sweep -- plan\` and run them in parallel or on a Slurm cluster (README, "When it no longer fits on one machine")`;
}

/**
 * A notebook's run cell: one estimate line for all the configs it may compute (each as if not
 * cached), e.g. `printEstimate([{ experiment: "improvement", configs: [a, b] }])`.
 */
export function printEstimate(runs: { experiment: string; configs: object[] }[], print: (line: string) => void = console.log): void {
  const work = runs.reduce((s, r) => s + r.configs.reduce((t, c) => t + configWork(r.experiment, c as Sized), 0), 0);
  const label = runs.map((r) => `${r.configs.length} ${r.experiment} run${r.configs.length === 1 ? "" : "s"}`).join(" + ");
  print(`${estimateLine(label, work)}; cached results are read back instead`);
}
