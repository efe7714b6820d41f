/**
 * The PyTorch side of the benchmark: finds a Python that imports torch, writes the bench
 * problem to a temporary folder, runs bench/torch_reference.py on it and reads back its chunk
 * timings and θ̄. Nothing is installed: without torch the benchmark says so and goes on.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../experiments/provenance";
import type { SolverProblem } from "../solvers/problem";

export interface TorchRun {
  torch: string;
  /** "eager" or "torch.jit.script", whichever was faster here. */
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
    const N = p.features.length / d;
    const T = p.steps;
    const put = (name: string, data: Float32Array | Int32Array) => writeFileSync(join(dir, `${name}.bin`), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const stack = (arrays: Int32Array[]) => {
      const out = new Int32Array(R * T);
      arrays.forEach((a, r) => out.set(a, r * T));
      return out;
    };
    put("alpha0", Float32Array.from(p.init.alpha0));
    put("b", Float32Array.from(p.init.b));
    put("features", Float32Array.from(p.features));
    put("pairs", stack(p.pairs));
    put("radius", Float32Array.from(p.radius));
    const td = p.target.kind === "td";
    if (p.target.kind === "td") {
      put("next", stack(p.target.next));
      put("rewards", Float32Array.from(p.target.rewards));
    } else put("targets", Float32Array.from(p.target.values));
    writeFileSync(join(dir, "meta.json"), JSON.stringify({ R, m, d, N, T, td, gamma: p.target.kind === "td" ? p.target.gamma : 0, chunk: opts.chunk, capSeconds: opts.capSeconds }));
    execFileSync(python, [join(REPO_ROOT, "bench", "torch_reference.py"), dir], { stdio: ["ignore", "inherit", "inherit"] });
    const res = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
    const thetaBar = res.completed ? new Float64Array(new Uint8Array(readFileSync(join(dir, "theta_bar.bin"))).buffer) : null;
    return { ...res, thetaBar };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
