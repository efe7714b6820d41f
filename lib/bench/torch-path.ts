/**
 * The PyTorch side of the benchmark: finds a Python that imports torch, writes the bench
 * problem to a temporary folder (problem-files.ts), runs bench/torch_reference.py on it and
 * reads back its chunk timings and θ̄. Nothing is installed: without torch the benchmark says
 * so and goes on.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../util/paths";
import type { SolverProblem } from "../solvers/problem";
import { readThetaBar, writeProblemFiles } from "./problem-files";

export interface TorchRun {
  torch: string;
  /** The fastest formulation here at this width ("eager", "torch.jit.script" or "manual in-place"). */
  variant: string;
  threads: number;
  chunkSeconds: number[];
  chunkSteps: number[];
  completed: boolean;
  thetaBar: Float64Array | null;
}

/** The first of $NPPO_TORCH_PYTHON, .venv/bin/python, /usr/bin/python3, python3 that imports torch. */
export function findTorchPython(): { python: string; version: string } | { python: null; why: string } {
  const candidates = [process.env.NPPO_TORCH_PYTHON, join(REPO_ROOT, ".venv", "bin", "python"), "/usr/bin/python3", "python3"].filter((p): p is string => !!p);
  const why: string[] = [];
  for (const python of candidates) {
    try {
      const version = execFileSync(python, ["-c", "import torch; print(torch.__version__)"], { stdio: ["ignore", "pipe", "pipe"] }).toString().trim();
      return { python, version };
    } catch (e) {
      why.push(`${python}: ${((e as { stderr?: Buffer }).stderr?.toString().trim().split("\n").pop()) || (e as Error).message}`);
    }
  }
  return { python: null, why: `no Python here imports torch (${why.join("; ")}); on Debian: apt-get install python3-torch` };
}

export function runTorch(python: string, p: SolverProblem, opts: { chunk: number; capSeconds: number }): TorchRun {
  const dir = mkdtempSync(join(tmpdir(), "nppo-torch-"));
  try {
    const { replicas: R, width: m, dim: d } = p.init;
    writeProblemFiles(dir, p);
    const gamma = p.target.kind === "td" ? p.target.gamma : 0;
    writeFileSync(join(dir, "meta.json"), JSON.stringify({ R, m, d, N: p.features.length / d, T: p.steps, td: p.target.kind === "td", gamma, chunk: opts.chunk, capSeconds: opts.capSeconds }));
    execFileSync(python, [join(REPO_ROOT, "bench", "torch_reference.py"), dir], { stdio: ["ignore", "inherit", "inherit"] });
    const res = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
    return { ...res, thetaBar: res.completed ? readThetaBar(dir) : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
