/**
 * Algorithms 2 and 3 written with TensorFlow.js ops on the backend `initBackend` chose,
 * batched over replicas in lockstep (one step of every replica per iteration), float32: the
 * `kernel: "tfjs"` choice of the solvers and the benchmark's tfjs paths. A step is the plain
 * algorithm of SPEC §3 on [R, m, d] tensors — forward by a batched matMul, semi-gradient outer
 * product, projection onto ‖θ − α(0)‖ ≤ R, and θ(t) added to a running sum — with no
 * shortcuts, which is how one would write it in any tensor library (bench/torch_reference.py).
 */
import * as tf from "@tensorflow/tfjs";
import { checkProblem, problemEta, SolverProblem, SolverResult } from "./problem";

export class TfjsSolver {
  readonly steps: number;
  private t = 0;
  private theta: tf.Tensor3D;
  private sum: tf.Tensor3D;
  /** Steps at which the projection was active, per replica: [R]. */
  private projections: tf.Tensor1D;
  private readonly a0: tf.Tensor3D;
  private readonly b: tf.Tensor2D;
  private readonly radius: tf.Tensor1D;
  private readonly R: number;
  private readonly d: number;
  private readonly N: number;
  private readonly eta: number;
  private readonly c: number;

  constructor(private readonly p: SolverProblem) {
    checkProblem(p);
    const { replicas: R, width: m, dim: d } = p.init;
    this.R = R;
    this.d = d;
    this.N = p.features.length / d;
    this.steps = p.steps;
    this.eta = problemEta(p);
    this.c = 1 / Math.sqrt(m);
    this.a0 = tf.tensor3d(Float32Array.from(p.init.alpha0), [R, m, d]);
    this.b = tf.tensor2d(Float32Array.from(p.init.b), [R, m]);
    this.radius = tf.tensor1d(Float32Array.from(p.radius));
    this.theta = this.a0.clone();
    this.sum = tf.zerosLike(this.a0);
    this.projections = tf.zeros([R]);
  }

  /** Rows x_{j_t} of the R replicas at step t: [R, d]. */
  private rows(index: (r: number) => number): tf.Tensor2D {
    const out = new Float32Array(this.R * this.d);
    for (let r = 0; r < this.R; r++) out.set(this.p.features.subarray(index(r) * this.d, (index(r) + 1) * this.d), r * this.d);
    return tf.tensor2d(out, [this.R, this.d]);
  }

  /** Run steps until `until` (≤ T) steps have been added to the average; returns when the work is done. */
  run(until: number): void {
    const { R, d, c, eta } = this;
    const target = this.p.target;
    for (; this.t < Math.min(until, this.steps); this.t++) {
      const t = this.t;
      const last = t === this.steps - 1;
      const [theta, sum, projections] = tf.tidy(() => {
        const sum = this.sum.add(this.theta) as tf.Tensor3D;
        if (last) return [this.theta.clone(), sum, this.projections.clone()];
        const x = this.rows((r) => this.p.pairs[r][t]);
        const pre = tf.matMul(this.theta, x.reshape([R, d, 1])).squeeze([2]) as tf.Tensor2D;
        const u = tf.sum(tf.mul(this.b, tf.relu(pre)), 1).mul(c);
        let y: tf.Tensor1D;
        if (target.kind === "regression") {
          y = tf.tensor1d(Float32Array.from({ length: R }, (_, r) => target.values[r * this.N + this.p.pairs[r][t]]));
        } else {
          const xn = this.rows((r) => target.next[r][t]);
          const v = tf.sum(tf.mul(this.b, tf.relu(tf.matMul(this.theta, xn.reshape([R, d, 1])).squeeze([2]))), 1).mul(c * target.gamma);
          y = tf.tensor1d(Float32Array.from({ length: R }, (_, r) => (1 - target.gamma) * target.rewards[this.p.pairs[r][t]])).add(v) as tf.Tensor1D;
        }
        const g = tf.mul(tf.mul(this.b, tf.step(pre)), u.sub(y).mul(c * eta).reshape([R, 1]));
        const update = tf.matMul(g.reshape([R, -1, 1]), x.reshape([R, 1, d]));
        const diff = this.theta.sub(update).sub(this.a0);
        const norm = tf.sqrt(tf.sum(tf.square(diff), [1, 2]));
        // PROJECTION_TOLERANCE (problem.ts) is far below float32 rounding: the plain test is used.
        const ratio = this.radius.div(norm);
        const factor = tf.minimum(1, ratio).reshape([R, 1, 1]);
        return [this.a0.add(diff.mul(factor)) as tf.Tensor3D, sum, this.projections.add(tf.less(ratio, 1).cast("float32")) as tf.Tensor1D];
      });
      this.theta.dispose();
      this.sum.dispose();
      this.projections.dispose();
      this.theta = theta as tf.Tensor3D;
      this.sum = sum as tf.Tensor3D;
      this.projections = projections as tf.Tensor1D;
    }
    this.sum.dataSync();
  }

  get done(): number {
    return this.t;
  }

  /** θ̄ = sum / T ∈ [R, m, d] (valid once all T steps ran). */
  thetaBar(): Float64Array {
    return Float64Array.from(tf.tidy(() => this.sum.div(this.steps)).dataSync() as Float32Array);
  }

  /** The solver result once all T steps ran. */
  result(): SolverResult {
    return {
      thetaBar: this.thetaBar(),
      lastTheta: Float64Array.from(this.theta.dataSync() as Float32Array),
      projections: Int32Array.from(this.projections.dataSync() as Float32Array),
    };
  }

  dispose(): void {
    for (const x of [this.theta, this.sum, this.projections, this.a0, this.b, this.radius]) x.dispose();
  }
}

/** All T steps with TensorFlow.js (`kernel: "tfjs"`); the backend must be initialised (initBackend). */
export function solveTfjs(p: SolverProblem): SolverResult {
  const s = new TfjsSolver(p);
  try {
    s.run(p.steps);
    return s.result();
  } finally {
    s.dispose();
  }
}
