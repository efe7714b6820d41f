/**
 * The bench problem as files for the out-of-process paths (bench/torch_reference.py,
 * bench/yardstick.c): in `dir`, float32 alpha0 [R, m, d], b [R, m], features [N, d],
 * radius [R], and targets [R, N] (Alg. 2) or rewards [N] (Alg. 3); int32 pairs and, for
 * Alg. 3, next [R, T]. Both programs read them and write θ̄ back as float64 theta_bar.bin.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SolverProblem } from "../solvers/problem";

export function writeProblemFiles(dir: string, p: SolverProblem): void {
  const { replicas: R } = p.init;
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
  if (p.target.kind === "td") {
    put("next", stack(p.target.next));
    put("rewards", Float32Array.from(p.target.rewards));
  } else put("targets", Float32Array.from(p.target.values));
}

/** θ̄ [R, m, d] as the program wrote it (float64). */
export function readThetaBar(dir: string): Float64Array {
  return new Float64Array(new Uint8Array(readFileSync(join(dir, "theta_bar.bin"))).buffer);
}
