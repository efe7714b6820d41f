/**
 * The worst direction of the linearisation gap on the sphere ‖α − α(0)‖₂ = R (SPEC §2, the lemma
 * behind the width terms of Thms 4.5/4.6, NeurIPS numbering): a search for
 *
 *   max_{‖Δ‖ = R} J(Δ),   J(Δ) = (1/n) Σ_p (u_{α(0)+Δ}(x_p) − u⁰_{α(0)+Δ}(x_p))²,
 *
 * whose value is a LOWER bound on the sup (the search may miss the global maximum). How:
 *  1. Exact single-input maximisers. For one input x, unit i contributes (b_i/√m)·g_i with
 *     g_i = relu(z_i + δ_i) − 1{z_i > 0}(z_i + δ_i) ≥ 0 (z_i = α_i(0)ᵀx, δ_i = Δ_iᵀx), which is
 *     |δ_i| − |z_i| when δ_i flips the unit's sign and 0 otherwise. Among units of one sign of b,
 *     spending the budget on the k easiest to flip, equally (δ_i = −sign(z_i)·R/√k along x), gives
 *     R√k − Σ_{k smallest} |z_i|: the best k is found exactly. Every (input, sign of b) is scored
 *     in closed form; the best one starts the search.
 *  2. Projected gradient ascent of J on the sphere from there (`steps` steps, the step halved
 *     until J increases), ∇_{Δ_i}J = (2/n) Σ_p e_p (b_i/√m)(1{(α_i(0)+Δ_i)ᵀx_p > 0} − 1{z_ip > 0}) x_p.
 * Float64, O(steps·m·d·n) per replica.
 */
import type { NetworkInit } from "./network";

export interface WorstDirection {
  /** J at the best Δ found, per replica: [R]. */
  gap: Float64Array;
  /** J at the closed-form start (step 1 alone), per replica. */
  start: Float64Array;
}

/** J(Δ) and the per-input errors e_p for one replica (z: [m, n] pre-activations at α(0)). */
function objective(m: number, d: number, n: number, b: Float64Array, z: Float64Array, delta: Float64Array, X: Float64Array, bOffset: number): { value: number; errors: Float64Array } {
  const errors = new Float64Array(n);
  const c = 1 / Math.sqrt(m);
  for (let i = 0; i < m; i++) {
    const bi = b[bOffset + i];
    for (let p = 0; p < n; p++) {
      let dp = 0;
      for (let k = 0; k < d; k++) dp += delta[i * d + k] * X[p * d + k];
      const z0 = z[i * n + p];
      const pre = z0 + dp;
      const g = (pre > 0 ? pre : 0) - (z0 > 0 ? pre : 0);
      if (g !== 0) errors[p] += c * bi * g;
    }
  }
  let value = 0;
  for (let p = 0; p < n; p++) value += errors[p] ** 2;
  return { value: value / n, errors };
}

/** Rescale Δ onto the sphere ‖Δ‖ = R. */
function toSphere(delta: Float64Array, radius: number): void {
  let s = 0;
  for (const v of delta) s += v * v;
  const f = radius / Math.sqrt(s);
  for (let j = 0; j < delta.length; j++) delta[j] *= f;
}

/** The closed-form start: the best single (input, sign of b) maximiser, as a direction Δ ∈ [m, d]. */
function singleInputStart(m: number, d: number, n: number, b: Float64Array, z: Float64Array, X: Float64Array, radius: number, bOffset: number): Float64Array {
  let best = { gain: -Infinity, p: 0, units: [] as number[], t: 0 };
  for (let p = 0; p < n; p++) {
    for (const sign of [1, -1]) {
      const units = Array.from({ length: m }, (_, i) => i).filter((i) => b[bOffset + i] === sign).sort((i, j) => Math.abs(z[i * n + p]) - Math.abs(z[j * n + p]));
      let cost = 0;
      for (let k = 1; k <= units.length; k++) {
        const t = radius / Math.sqrt(k);
        const zk = Math.abs(z[units[k - 1] * n + p]);
        if (t < zk) break;
        cost += zk;
        const gain = radius * Math.sqrt(k) - cost;
        if (gain > best.gain) best = { gain, p, units: units.slice(0, k), t };
      }
    }
  }
  const delta = new Float64Array(m * d);
  for (const i of best.units) {
    const s = z[i * n + best.p] > 0 ? -1 : 1;
    for (let k = 0; k < d; k++) delta[i * d + k] = s * best.t * X[best.p * d + k];
  }
  // A unit with z = 0 exactly, or no flippable unit: fall back to any direction on the sphere.
  if (best.units.length === 0) delta[0] = radius;
  toSphere(delta, radius);
  return delta;
}

/**
 * The worst direction's gap on the sphere ‖α − α(0)‖ = `radius`, per replica of `init` (or the
 * first `replicas`), inputs X ∈ [n, d]. See the module header for the method.
 */
export function worstLinearisationGap(init: NetworkInit, X: Float64Array, radius: number, opts: { steps?: number; replicas?: number } = {}): WorstDirection {
  const { width: m, dim: d, alpha0, b } = init;
  const n = X.length / d;
  const R = Math.min(opts.replicas ?? init.replicas, init.replicas);
  const steps = opts.steps ?? 20;
  const gap = new Float64Array(R);
  const start = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    const z = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < n; p++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += alpha0[(r * m + i) * d + k] * X[p * d + k];
        z[i * n + p] = s;
      }
    }
    let delta = singleInputStart(m, d, n, b, z, X, radius, r * m);
    let current = objective(m, d, n, b, z, delta, X, r * m);
    start[r] = current.value;
    let lr = radius;
    for (let step = 0; step < steps && lr > 1e-6 * radius; step++) {
      const grad = new Float64Array(m * d);
      const c = 2 / (n * Math.sqrt(m));
      for (let i = 0; i < m; i++) {
        const bi = b[r * m + i];
        for (let p = 0; p < n; p++) {
          let dp = 0;
          for (let k = 0; k < d; k++) dp += delta[i * d + k] * X[p * d + k];
          const z0 = z[i * n + p];
          const flip = (z0 + dp > 0 ? 1 : 0) - (z0 > 0 ? 1 : 0);
          if (flip !== 0) for (let k = 0; k < d; k++) grad[i * d + k] += c * current.errors[p] * bi * flip * X[p * d + k];
        }
      }
      let gnorm = 0;
      for (const v of grad) gnorm += v * v;
      if (gnorm === 0) break;
      gnorm = Math.sqrt(gnorm);
      for (;;) {
        const trial = Float64Array.from(delta, (v, j) => v + (lr * grad[j]) / gnorm);
        toSphere(trial, radius);
        const next = objective(m, d, n, b, z, trial, X, r * m);
        if (next.value > current.value) {
          delta = trial;
          current = next;
          break;
        }
        lr /= 2;
        if (lr <= 1e-6 * radius) break;
      }
    }
    gap[r] = current.value;
  }
  return { gap, start };
}
