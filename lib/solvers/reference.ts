/**
 * The plain Float64 reference loop of Algorithms 2 and 3 (problem.ts): every step is
 * written out as in SPEC §3 — forward, semi-gradient step, projection onto the ball, path
 * sum — with no algebraic shortcuts. The fast kernel (kernel.ts) must agree with it.
 */
import { checkProblem, DivergenceError, PROJECTION_TOLERANCE, SolverProblem, SolverResult } from "./problem";

export function solveReference(p: SolverProblem): SolverResult {
  checkProblem(p);
  const { replicas: R, width: m, dim: d, alpha0, b } = p.init;
  const T = p.steps;
  const eta = 1 / Math.sqrt(T);
  const c = 1 / Math.sqrt(m);
  const md = m * d;
  const thetaBar = new Float64Array(R * md);
  const projections = new Int32Array(R);
  const lastTheta = new Float64Array(R * md);
  const X = p.features;
  const value = (theta: Float64Array, r: number, j: number) => {
    let u = 0;
    for (let i = 0; i < m; i++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += theta[i * d + k] * X[j * d + k];
      if (z > 0) u += b[r * m + i] * z;
    }
    return c * u;
  };
  for (let r = 0; r < R; r++) {
    const a0 = alpha0.subarray(r * md, (r + 1) * md);
    const theta = Float64Array.from(a0);
    const sum = new Float64Array(md);
    const radius = p.radius[r];
    for (let t = 0; t < T; t++) {
      for (let q = 0; q < md; q++) sum[q] += theta[q];
      if (t === T - 1) {
        lastTheta.set(theta, r * md);
        break; // θ(T) is not part of the average
      }
      const j = p.pairs[r][t];
      const u = value(theta, r, j);
      const y = p.target.kind === "regression" ? p.target.values[r * (X.length / d) + j] : (1 - p.target.gamma) * p.target.rewards[j] + p.target.gamma * value(theta, r, p.target.next[r][t]);
      const residual = u - y;
      if (!Number.isFinite(residual)) throw new DivergenceError(`non-finite residual at step ${t}, replica ${r}`);
      // θ(t+½) = θ(t) − η·residual·∇u(x_j), ∇_{θ_i} u = c·b_i·1{θ_iᵀx > 0}·x.
      for (let i = 0; i < m; i++) {
        let z = 0;
        for (let k = 0; k < d; k++) z += theta[i * d + k] * X[j * d + k];
        if (z > 0) for (let k = 0; k < d; k++) theta[i * d + k] -= eta * residual * c * b[r * m + i] * X[j * d + k];
      }
      let dist2 = 0;
      for (let q = 0; q < md; q++) dist2 += (theta[q] - a0[q]) ** 2;
      const dist = Math.sqrt(dist2);
      if (dist > radius * (1 + PROJECTION_TOLERANCE)) {
        projections[r]++;
        for (let q = 0; q < md; q++) theta[q] = a0[q] + ((theta[q] - a0[q]) * radius) / dist;
      }
    }
    for (let q = 0; q < md; q++) thetaBar[r * md + q] = sum[q] / T;
  }
  return { thetaBar, lastTheta, projections };
}
