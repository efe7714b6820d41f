/**
 * Worker threads that run WebAssembly kernel jobs (wasm-job.js), one job at a time each, so
 * that the replicas of one solver call run in parallel with no synchronisation between steps
 * (each replica's samples are drawn before the call, so replicas are independent).
 */
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { REPO_ROOT } from "../util/paths";

/**
 * Self-contained call of one kernel function on a memory image (run by wasm-job.js; planned
 * by wasm-kernel.ts). Defined here, not there, so that the two modules do not import each other.
 */
export interface WasmJob {
  fn: "solveF32";
  bytes: number;
  images: { at: number; data: Float64Array | Float32Array | Int32Array }[];
  args: number[];
  outputs: { at: number; count: number }[];
}
export interface WasmJobResult {
  ret: number;
  outs: Float64Array[];
}

interface Pending {
  job: WasmJob;
  resolve: (r: WasmJobResult) => void;
  reject: (e: Error) => void;
}

export class WasmPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();

  /** `module`: the compiled kernel (WebAssembly.Module), shared by all threads. */
  constructor(module: object, readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
    for (let i = 0; i < threads; i++) {
      const w = new Worker(join(REPO_ROOT, "lib", "solvers", "wasm-job.js"));
      w.postMessage({ module });
      w.on("message", (msg: { ret?: number; outs?: Float64Array[]; error?: string }) => {
        const p = this.running.get(w)!;
        this.running.delete(w);
        if (msg.error !== undefined) p.reject(new Error(`wasm worker: ${msg.error}`));
        else p.resolve({ ret: msg.ret!, outs: msg.outs! });
        this.idle.push(w);
        this.dispatch();
      });
      w.on("error", (e) => {
        const p = this.running.get(w);
        if (p) p.reject(e);
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(job: WasmJob): Promise<WasmJobResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const p = this.queue.shift()!;
      this.running.set(w, p);
      w.postMessage({ job: p.job });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
