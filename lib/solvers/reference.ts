/**
 * The plain Float64 reference loop of Algorithms 2 and 3 (problem.ts, SPEC §3), written with
 * the library's named primitives and nothing else: `forward` and `gradient` of NN(α; m)
 * (network.ts), `semiGradientStep` and `PathAverage` (primitives.ts), `distanceFromInit` and
 * `projectBall` (projection.ts). No algebraic shortcuts: the fast kernels must agree with it.
 */
import { forward, gradient, replicaInit } from "../network";
import { distanceFromInit, projectBall } from "../projection";
import { PathAverage, semiGradientStep } from "./primitives";
import { checkProblem, DivergenceError, problemEta, PROJECTION_TOLERANCE, SolverProblem, SolverResult } from "./problem";

export function solveReference(p: SolverProblem): SolverResult {
  checkProblem(p);
  const { replicas: R, width: m, dim: d } = p.init;
  const T = p.steps;
  const eta = problemEta(p);
  const md = m * d;
  const X = p.features;
  const N = X.length / d;
  const x = (j: number) => X.subarray(j * d, (j + 1) * d);
  const thetaBar = new Float64Array(R * md);
  const lastTheta = new Float64Array(R * md);
  const projections = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    const net = replicaInit(p.init, r);
    const radius = p.radius[r];
    const average = new PathAverage(md);
    let theta = Float64Array.from(net.alpha0);
    for (let t = 0; t < T; t++) {
      average.add(theta);
      if (t === T - 1) break; // θ(T) is not part of the average
      const j = p.pairs[r][t];
      const u = forward(net, theta, x(j))[0];
      const y = p.target.kind === "regression" ? p.target.values[r * N + j] : (1 - p.target.gamma) * p.target.rewards[j] + p.target.gamma * forward(net, theta, x(p.target.next[r][t]))[0];
      const residual = u - y;
      if (!Number.isFinite(residual)) throw new DivergenceError(`non-finite residual at step ${t}, replica ${r}`);
      theta = semiGradientStep(theta, gradient(net, theta, x(j)), residual, eta);
      if (distanceFromInit(theta, net.alpha0, 1)[0] > radius * (1 + PROJECTION_TOLERANCE)) {
        projections[r]++;
        theta = projectBall(theta, net.alpha0, 1, radius);
      }
    }
    thetaBar.set(average.mean(), r * md);
    lastTheta.set(theta, r * md);
  }
  return { thetaBar, lastTheta, projections };
}
