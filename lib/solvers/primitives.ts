/**
 * The two pieces of Algorithms 2 and 3 (SPEC §3, NeurIPS numbering) that are not the network
 * (network.ts: `forward`, `gradient`) or the projection (projection.ts: `projectBall`): the
 * semi-gradient step and the path average. The reference loop (reference.ts) is written with
 * these five names only, so a variant solver (another step, another average) is a few lines
 * of the same vocabulary (notebooks/05-adapt.ipynb).
 */

/**
 * θ(t+½) = θ(t) − η·residual·∇_θ u_θ(x) for one replica: θ and ∇ ∈ [m, d] (a new array).
 * Alg. 2: residual = f_θ(x) − target(x); Alg. 3: residual = Q_θ(x) − (1−γ)r − γQ_θ(x')
 * (semi-gradient: no gradient through the TD target).
 */
export function semiGradientStep(theta: Float64Array, grad: Float64Array, residual: number, eta: number): Float64Array {
  if (theta.length !== grad.length) throw new RangeError(`theta (${theta.length}) and grad (${grad.length}) must have equal length`);
  const out = new Float64Array(theta.length);
  const s = eta * residual;
  for (let q = 0; q < theta.length; q++) out[q] = theta[q] - s * grad[q];
  return out;
}

/** θ̄ = (1/T) Σ_{t=0}^{T−1} θ(t): add each iterate once (θ(0) included, θ(T) never added). */
export class PathAverage {
  private readonly sum: Float64Array;
  private count = 0;

  constructor(size: number) {
    this.sum = new Float64Array(size);
  }

  add(theta: Float64Array): void {
    if (theta.length !== this.sum.length) throw new RangeError(`iterate has length ${theta.length}, expected ${this.sum.length}`);
    for (let q = 0; q < theta.length; q++) this.sum[q] += theta[q];
    this.count++;
  }

  /** The mean of the iterates added so far. */
  mean(): Float64Array {
    if (this.count === 0) throw new RangeError("no iterate added yet");
    return this.sum.map((v) => v / this.count);
  }
}
