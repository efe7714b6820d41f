/**
 * The two-layer ReLU network NN(α; m) of SPEC §2 (Liu et al., NeurIPS 2019, eq. (3.2)):
 *
 *   u_α(x) = (1/√m) Σ_{i=1..m} b_i · relu(α_iᵀ x),   b_i ∼ Unif{−1,+1},  α_i(0) ∼ N(0, I_d/d),
 *
 * only α is trained. This module is the plain Float64Array reference implementation,
 * batched over R independent replicas; `network-tf.ts` is the tensor path and must agree
 * with it (test/network.test.ts).
 *
 * Layouts (row-major): α, α(0) ∈ [R, m, d]; b ∈ [R, m]; inputs X ∈ [n, d]; values [R, n].
 */
import { Rng } from "./random";

/** Shape of a batch of networks: R replicas of width m on inputs in R^d. */
export interface NetworkShape {
  /** R: independent initialisations. */
  replicas: number;
  /** m: hidden units. */
  width: number;
  /** d: input dimension. */
  dim: number;
}

/** One draw of (α(0), b) per replica: the shared initialisation of a whole run (SPEC §2). */
export interface NetworkInit extends NetworkShape {
  /** α(0) ∈ [R, m, d]. */
  alpha0: Float64Array;
  /** b ∈ [R, m], entries ±1. */
  b: Float64Array;
  /** How it was drawn (default "paper"). */
  scheme?: InitScheme;
}

function checkShape({ replicas, width, dim }: NetworkShape): void {
  for (const [name, v] of [["replicas", replicas], ["width", width], ["dim", dim]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
}

/**
 * How (α(0), b) is drawn (SPEC §2, §9):
 *  - "paper": every unit i.i.d., b_i ∼ Unif{−1,+1}, α_i(0) ∼ N(0, I_d/d);
 *  - "antisymmetric": units in adjacent pairs (2i, 2i+1), the second a copy of the first with
 *    b flipped. Each unit keeps the paper's marginal law, and NN(α(0)) ≡ 0 exactly (each pair
 *    adds z and then −z to the running sum). m must be even. The theorems' expectation is over
 *    the paper's law. SPEC §9 calls this a variance-reduction device, but only the marginals
 *    are the paper's: the joint law differs, and so can the mean of a run's outcome
 *    (notebook 04 measures a different mean final gap).
 */
export const INIT_SCHEMES = ["paper", "antisymmetric"] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

/**
 * Draw the initialisation. Replica r uses the child stream `rng.split(r)`: b first, then
 * α(0) (for "antisymmetric": b and α(0) of the first unit of each pair), so replica r is the
 * same whatever the number of replicas.
 */
export function initNetwork(rng: Rng, shape: NetworkShape, scheme: InitScheme = "paper"): NetworkInit {
  checkShape(shape);
  const { replicas: R, width: m, dim: d } = shape;
  if (scheme === "antisymmetric" && m % 2 !== 0) throw new RangeError(`the antisymmetric initialisation needs an even width m (units come in pairs), got m = ${m}`);
  const alpha0 = new Float64Array(R * m * d);
  const b = new Float64Array(R * m);
  const scale = 1 / Math.sqrt(d);
  const step = scheme === "paper" ? 1 : 2;
  for (let r = 0; r < R; r++) {
    const stream = rng.split(r);
    for (let i = 0; i < m; i += step) b[r * m + i] = stream.sign();
    for (let i = 0; i < m; i += step) for (let k = 0; k < d; k++) alpha0[(r * m + i) * d + k] = scale * stream.normal();
    if (scheme === "antisymmetric") {
      for (let i = 1; i < m; i += 2) {
        b[r * m + i] = -b[r * m + i - 1];
        alpha0.copyWithin((r * m + i) * d, (r * m + i - 1) * d, (r * m + i) * d);
      }
    }
  }
  return { ...shape, alpha0, b, scheme };
}

/** Replica r of a batch as a batch of one (views, no copy): for per-replica loops. */
export function replicaInit(init: NetworkInit, r: number): NetworkInit {
  const { width: m, dim: d } = init;
  if (!Number.isInteger(r) || r < 0 || r >= init.replicas) throw new RangeError(`replica must be an integer in [0, ${init.replicas}), got ${r}`);
  return { ...init, replicas: 1, alpha0: init.alpha0.subarray(r * m * d, (r + 1) * m * d), b: init.b.subarray(r * m, (r + 1) * m) };
}

function inputCount(init: NetworkShape, X: Float64Array): number {
  if (X.length % init.dim !== 0) throw new RangeError(`inputs length ${X.length} is not a multiple of dim ${init.dim}`);
  return X.length / init.dim;
}

/** u_α(x) for every replica and input. α ∈ [R, m, d], X ∈ [n, d] → [R, n]. */
export function forward(init: NetworkInit, alpha: Float64Array, X: Float64Array): Float64Array {
  const { replicas: R, width: m, dim: d, b } = init;
  const n = inputCount(init, X);
  const out = new Float64Array(R * n);
  const c = 1 / Math.sqrt(m);
  for (let r = 0; r < R; r++) {
    for (let p = 0; p < n; p++) {
      let sum = 0;
      for (let i = 0; i < m; i++) {
        const base = (r * m + i) * d;
        let dot = 0;
        for (let k = 0; k < d; k++) dot += alpha[base + k] * X[p * d + k];
        if (dot > 0) sum += b[r * m + i] * dot;
      }
      out[r * n + p] = c * sum;
    }
  }
  return out;
}

/**
 * ∇_α u_α(x) for one input x ∈ [d], every replica: [R, m, d] with
 * ∇_{α_i} u = (1/√m) b_i 1{α_iᵀx > 0} x (SPEC §2).
 */
export function gradient(init: NetworkInit, alpha: Float64Array, x: Float64Array): Float64Array {
  const { replicas: R, width: m, dim: d, b } = init;
  if (x.length !== d) throw new RangeError(`x must have length ${d}, got ${x.length}`);
  const out = new Float64Array(R * m * d);
  const c = 1 / Math.sqrt(m);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < m; i++) {
      const base = (r * m + i) * d;
      let dot = 0;
      for (let k = 0; k < d; k++) dot += alpha[base + k] * x[k];
      if (dot > 0) for (let k = 0; k < d; k++) out[base + k] = c * b[r * m + i] * x[k];
    }
  }
  return out;
}

/**
 * The linearisation at α(0) (Def. 4.2, NeurIPS numbering):
 * u⁰_α(x) = (1/√m) Σ_i b_i 1{α_i(0)ᵀx > 0} α_iᵀx = u_{α(0)}(x) + φ₀(x)ᵀ(α − α(0)). [R, n].
 */
export function linearised(init: NetworkInit, alpha: Float64Array, X: Float64Array): Float64Array {
  const { replicas: R, width: m, dim: d, b, alpha0 } = init;
  const n = inputCount(init, X);
  const out = new Float64Array(R * n);
  const c = 1 / Math.sqrt(m);
  for (let r = 0; r < R; r++) {
    for (let p = 0; p < n; p++) {
      let sum = 0;
      for (let i = 0; i < m; i++) {
        const base = (r * m + i) * d;
        let dot0 = 0;
        let dot = 0;
        for (let k = 0; k < d; k++) {
          dot0 += alpha0[base + k] * X[p * d + k];
          dot += alpha[base + k] * X[p * d + k];
        }
        if (dot0 > 0) sum += b[r * m + i] * dot;
      }
      out[r * n + p] = c * sum;
    }
  }
  return out;
}

/** The feature map φ₀(x) = (1/√m)(b_i 1{α_i(0)ᵀx > 0} x)_i: [R, n, m·d]. Memory R·n·m·d. */
export function featureMap(init: NetworkInit, X: Float64Array): Float64Array {
  const { replicas: R, width: m, dim: d, b, alpha0 } = init;
  const n = inputCount(init, X);
  const out = new Float64Array(R * n * m * d);
  const c = 1 / Math.sqrt(m);
  for (let r = 0; r < R; r++) {
    for (let p = 0; p < n; p++) {
      const row = (r * n + p) * m * d;
      for (let i = 0; i < m; i++) {
        const base = (r * m + i) * d;
        let dot0 = 0;
        for (let k = 0; k < d; k++) dot0 += alpha0[base + k] * X[p * d + k];
        if (dot0 > 0) for (let k = 0; k < d; k++) out[row + i * d + k] = c * b[r * m + i] * X[p * d + k];
      }
    }
  }
  return out;
}

/**
 * Empirical NTK Gram matrix G[x, y] = φ₀(x)ᵀφ₀(y) = (xᵀy/m) Σ_i 1{α_i(0)ᵀx > 0} 1{α_i(0)ᵀy > 0}
 * (b_i² = 1), for every replica: [R, n, n].
 */
export function ntkGram(init: NetworkInit, X: Float64Array): Float64Array {
  const { replicas: R, width: m, dim: d, alpha0 } = init;
  const n = inputCount(init, X);
  const active = new Uint8Array(n * m);
  const out = new Float64Array(R * n * n);
  for (let r = 0; r < R; r++) {
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < m; i++) {
        const base = (r * m + i) * d;
        let dot0 = 0;
        for (let k = 0; k < d; k++) dot0 += alpha0[base + k] * X[p * d + k];
        active[p * m + i] = dot0 > 0 ? 1 : 0;
      }
    }
    for (let p = 0; p < n; p++) {
      for (let q = p; q < n; q++) {
        let count = 0;
        for (let i = 0; i < m; i++) count += active[p * m + i] & active[q * m + i];
        let xy = 0;
        for (let k = 0; k < d; k++) xy += X[p * d + k] * X[q * d + k];
        const g = (xy * count) / m;
        out[(r * n + p) * n + q] = g;
        out[(r * n + q) * n + p] = g;
      }
    }
  }
  return out;
}

/**
 * The infinite-width limit of φ₀(x)ᵀφ₀(y) (first-order arc-cosine kernel, SPEC §2):
 * K(x, y) = xᵀy · (π − ∠(x, y)) / (2π).
 */
export function arcCosineKernel(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let k = 0; k < x.length; k++) {
    xy += x[k] * y[k];
    xx += x[k] * x[k];
    yy += y[k] * y[k];
  }
  const cos = Math.max(-1, Math.min(1, xy / Math.sqrt(xx * yy)));
  return (xy * (Math.PI - Math.acos(cos))) / (2 * Math.PI);
}

/** K(x_p, x_q) for all pairs of inputs X ∈ [n, d]: [n, n]. */
export function arcCosineGram(X: Float64Array, dim: number): Float64Array {
  const n = X.length / dim;
  const out = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      out[p * n + q] = arcCosineKernel(X.subarray(p * dim, (p + 1) * dim), X.subarray(q * dim, (q + 1) * dim));
    }
  }
  return out;
}

/** n i.i.d. points uniform on the unit sphere S^{d−1}: [n, d] (SPEC §1: ‖x‖₂ = 1). */
export function randomUnitVectors(rng: Rng, n: number, dim: number): Float64Array {
  const X = new Float64Array(n * dim);
  for (let p = 0; p < n; p++) {
    let norm = 0;
    do {
      norm = 0;
      for (let k = 0; k < dim; k++) {
        const z = rng.normal();
        X[p * dim + k] = z;
        norm += z * z;
      }
    } while (norm === 0);
    norm = Math.sqrt(norm);
    for (let k = 0; k < dim; k++) X[p * dim + k] /= norm;
  }
  return X;
}
