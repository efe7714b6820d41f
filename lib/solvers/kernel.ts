/**
 * The fast kernel of Algorithms 2 and 3 (problem.ts), float64, same samples and same
 * mathematics as the reference loop (reference.ts), with two exact rewritings that remove
 * the full passes over the m·d parameters that the reference makes at every step:
 *
 * 1. Lazy projection. θ(t) = α(0) + κ_t·D_t with a scalar κ. A step changes D only on the
 *    units active at x_j; ‖D‖² is updated from the dot products the forward pass already
 *    computed; the projection multiplies κ by R/‖θ(t+½) − α(0)‖. (‖D‖² is recomputed exactly
 *    every 1024 steps so rounding cannot accumulate.)
 * 2. Lazy path average. With D_t = Σ_{i≤t} u_i and K_t = Σ_{s≤t} κ_s,
 *    Σ_{t<T} κ_t D_t = K_{T−1}·D_{T−1} − Σ_{i<T} K_{i−1}·u_i, so the sum is kept by adding
 *    K_{i−1}·u_i to an accumulator B on the same sparse units. θ̄ = α(0) + (K·D − B)/T.
 *    K·D − B cancels in proportion to 1/κ (D grows as κ shrinks), so once κ < 1e-2 the
 *    displacement is folded back (D ← κD, κ ← 1) with the partial sum banked first: the
 *    cancellation costs at most two digits, and a fold (one pass) happens at most every
 *    ~log(100)/log(1/shrink) steps, only while the projection is active.
 *
 * Per step and replica this costs about 3·m·d multiply-adds for SGD (α(0)ᵀx, Dᵀx, and the
 * update of D and B on active units), against ~4.5·m·d for the reference.
 */
import { checkProblem, DivergenceError, problemEta, PROJECTION_TOLERANCE, SolverProblem, SolverResult } from "./problem";

const RESYNC_EVERY = 1024;

/** `kappaFloor`: fold κ back into D below this (tests vary it to exercise the fold). */
export function solveFast(p: SolverProblem, opts: { kappaFloor?: number } = {}): SolverResult {
  const kappaFloor = opts.kappaFloor ?? 1e-2;
  checkProblem(p);
  const { replicas: R, width: m, dim: d, alpha0, b } = p.init;
  const T = p.steps;
  const N = p.features.length / d;
  const eta = problemEta(p);
  const c = 1 / Math.sqrt(m);
  const md = m * d;
  const X = p.features;
  const thetaBar = new Float64Array(R * md);
  const projections = new Int32Array(R);
  const lastTheta = new Float64Array(R * md);
  const xNorm2 = new Float64Array(N);
  for (let j = 0; j < N; j++) for (let k = 0; k < d; k++) xNorm2[j] += X[j * d + k] ** 2;
  const D = new Float64Array(md);
  const B = new Float64Array(md);
  const banked = new Float64Array(md);
  // Per-unit dot products at the current sample: α_i(0)ᵀx and D_iᵀx.
  const a0x = new Float64Array(m);
  const dx = new Float64Array(m);

  for (let r = 0; r < R; r++) {
    const a0 = alpha0.subarray(r * md, (r + 1) * md);
    const br = b.subarray(r * m, (r + 1) * m);
    const pairs = p.pairs[r];
    const next = p.target.kind === "td" ? p.target.next[r] : null;
    const radius = p.radius[r];
    D.fill(0);
    B.fill(0);
    banked.fill(0);
    // Plain locals, no closures: V8 keeps them in registers (a closure over a mutated κ was 2–3× slower).
    let kappa = 1;
    let K = 0; // K_t = Σ_{s≤t} κ_s since the last fold
    let sq = 0; // ‖D‖²

    for (let t = 0; t < T; t++) {
      K += kappa;
      if (t === T - 1) break; // θ(T) is not part of the average
      const j = pairs[t];
      const xo = j * d;
      // Forward at x_j: per unit α_i(0)ᵀx and D_iᵀx, u = c Σ b_i relu(α_i(0)ᵀx + κ D_iᵀx).
      let u = 0;
      for (let i = 0, io = 0; i < m; i++, io += d) {
        let za = 0;
        let zd = 0;
        for (let k = 0; k < d; k++) {
          const x = X[xo + k];
          za += a0[io + k] * x;
          zd += D[io + k] * x;
        }
        a0x[i] = za;
        dx[i] = zd;
        const z = za + kappa * zd;
        if (z > 0) u += br[i] * z;
      }
      u *= c;
      let y: number;
      if (next === null) y = (p.target as { values: Float64Array }).values[r * N + j];
      else {
        const td = p.target as { rewards: Float64Array; gamma: number };
        const no = next[t] * d;
        let v = 0;
        for (let i = 0, io = 0; i < m; i++, io += d) {
          let z = 0;
          for (let k = 0; k < d; k++) z += (a0[io + k] + kappa * D[io + k]) * X[no + k];
          if (z > 0) v += br[i] * z;
        }
        y = (1 - td.gamma) * td.rewards[j] + td.gamma * c * v;
      }
      const residual = u - y;
      if (!Number.isFinite(residual)) throw new DivergenceError(`non-finite residual at step ${t}, replica ${r}`);
      // θ(t+½) − α(0) = κ(D + u), u_i = −(η·residual·c·b_i/κ)·x on active units.
      const scale = (-eta * residual * c) / kappa;
      const sK = scale * K;
      const xx = xNorm2[j];
      for (let i = 0, io = 0; i < m; i++, io += d) {
        if (a0x[i] + kappa * dx[i] <= 0) continue;
        const bi = br[i];
        const s = scale * bi;
        sq += 2 * s * dx[i] + s * s * xx;
        const sb = sK * bi;
        for (let k = 0; k < d; k++) {
          const x = X[xo + k];
          D[io + k] += s * x;
          B[io + k] += sb * x;
        }
      }
      if ((t + 1) % RESYNC_EVERY === 0) {
        sq = 0;
        for (let q = 0; q < md; q++) sq += D[q] * D[q];
      }
      const dist = kappa * Math.sqrt(sq > 0 ? sq : 0);
      if (dist > radius * (1 + PROJECTION_TOLERANCE)) {
        projections[r]++;
        kappa *= radius / dist;
      }
      if (kappa < kappaFloor) {
        // Bank Σ κ_s D_s so far, then fold κ into D so that κ = 1 again.
        for (let q = 0; q < md; q++) {
          banked[q] += K * D[q] - B[q];
          D[q] *= kappa;
          B[q] = 0;
        }
        sq *= kappa * kappa;
        K = 0;
        kappa = 1;
      }
    }
    const out = thetaBar.subarray(r * md, (r + 1) * md);
    const last = lastTheta.subarray(r * md, (r + 1) * md);
    for (let q = 0; q < md; q++) {
      out[q] = a0[q] + (banked[q] + K * D[q] - B[q]) / T;
      last[q] = a0[q] + kappa * D[q];
    }
  }
  return { thetaBar, lastTheta, projections };
}
