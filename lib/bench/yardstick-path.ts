/**
 * The C yardstick of the benchmark (bench/yardstick.c, outside the product code): compiled on
 * the spot with `$CC -O3 -march=native -ffast-math -fopenmp` (CC defaults to cc), then run on
 * the bench problem (problem-files.ts) with OMP_NUM_THREADS threads. Its chunk timings and θ̄
 * come back as the PyTorch path's do. Without a working compiler the benchmark says so and
 * goes on.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../util/paths";
import type { SolverProblem } from "../solvers/problem";
import { readThetaBar, writeProblemFiles } from "./problem-files";

export const YARDSTICK_FLAGS = ["-O3", "-march=native", "-ffast-math", "-fopenmp"];

export interface YardstickRun {
  chunkSeconds: number[];
  chunkSteps: number;
  completed: boolean;
  thetaBar: Float64Array | null;
}

/** The compiled yardstick (`binary`), or null and why not; `close` removes its temporary folder. */
export interface Yardstick {
  binary: string | null;
  /** The compiler command, or why it failed. */
  how: string;
  close(): void;
}

export function compileYardstick(): Yardstick {
  const cc = process.env.CC || "cc";
  const dir = mkdtempSync(join(tmpdir(), "nppo-yardstick-"));
  const close = () => rmSync(dir, { recursive: true, force: true });
  const binary = join(dir, "yardstick");
  try {
    execFileSync(cc, [...YARDSTICK_FLAGS, join(REPO_ROOT, "bench", "yardstick.c"), "-o", binary, "-lm"], { stdio: ["ignore", "ignore", "pipe"] });
    return { binary, how: `${cc} ${YARDSTICK_FLAGS.join(" ")}`, close };
  } catch (e) {
    close();
    const why = (e as { stderr?: Buffer }).stderr?.toString().trim().split("\n")[0] || (e as Error).message;
    return { binary: null, how: `the C yardstick does not compile here (${cc}: ${why})`, close };
  }
}

export function runYardstick(binary: string, p: SolverProblem, opts: { threads: number; capSeconds: number }): YardstickRun {
  const dir = mkdtempSync(join(tmpdir(), "nppo-yardstick-run-"));
  try {
    const { replicas: R, width: m, dim: d } = p.init;
    writeProblemFiles(dir, p);
    const td = p.target.kind === "td";
    const args = [dir, R, m, d, p.features.length / d, p.steps, td ? 1 : 0, p.target.kind === "td" ? p.target.gamma : 0, opts.capSeconds].map(String);
    execFileSync(binary, args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, OMP_NUM_THREADS: String(opts.threads) } });
    const res = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
    return { chunkSeconds: res.chunkSeconds, chunkSteps: res.chunkSteps, completed: res.completed, thetaBar: res.completed ? readThetaBar(dir) : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
