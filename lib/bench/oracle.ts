/**
 * The exact oracle at Taxi's size (3000 state-action pairs): the steps `npm run bench:oracle`
 * times, each in a fresh process so that its peak memory is its own (scripts/oracle-bench.ts).
 * Dense eigen-solvers (the Jacobi sweep of lib/linalg.ts, ml-matrix's symmetric and
 * non-symmetric decompositions) are timed at smaller n and their n³ cost extrapolated; the
 * shift-invert solvers the companion uses at this size (lib/mdp/slowest-direction.ts) are
 * timed at n = 3000 itself.
 */
import { join } from "node:path";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { REPO_ROOT } from "../util/paths";
import { symmetricEigen } from "../linalg";
import { ntkConditioning, tdLambdaMinRe } from "../mdp/conditioning";
import { auxiliaryDistribution, evaluatePolicy, optimalPolicy, stateActionDistribution, stationaryDistribution, uniformPolicy } from "../mdp/exact";
import { loadMdp } from "../mdp/format";
import { garnet } from "../mdp/generators";
import type { FiniteMdp } from "../mdp/mdp";
import { slowestNtk, slowestTd } from "../mdp/slowest-direction";
import { mdpStream } from "../random";

export const TAXI_FILES = { onehot: join(REPO_ROOT, "data", "mdp", "taxi-onehot.json"), coordinates: join(REPO_ROOT, "data", "mdp", "taxi.json") };

/** A Garnet with |S||A| = n (|A| = 6 as Taxi) and random unit features in R^d, for the dense solvers at smaller n. */
function denseProblem(n: number, dim: number): FiniteMdp {
  return garnet(mdpStream(3).split(`oracle-bench-${n}`), { name: "bench", states: n / 6, actions: 6, branching: 3, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.01, features: { kind: "random", dim } });
}

/** σ_π0 and σ̃_π0 of an MDP. */
function weights(mdp: FiniteMdp): { pi: Float64Array; sigma: Float64Array; aux: Float64Array } {
  const pi = uniformPolicy(mdp);
  const nu = stationaryDistribution(mdp, pi).nu;
  return { pi, sigma: stateActionDistribution(mdp, nu, pi), aux: auxiliaryDistribution(mdp, nu) };
}

/** One timed step: what it computes, at which n, and a number it produced (so nothing is optimised away). */
export interface OracleStep {
  name: string;
  n: number;
  run(): number;
}

export function oracleSteps(): OracleStep[] {
  const taxi = (which: keyof typeof TAXI_FILES) => loadMdp(TAXI_FILES[which]);
  const steps: OracleStep[] = [
    { name: "load taxi-onehot.json (P_ε dense 500×6×500, one-hot features 3000×3000)", n: 3000, run: () => taxi("onehot").transitions.length },
    { name: "Q^π0 (LU of the 500×500 I − γP^π)", n: 3000, run: () => { const m = taxi("onehot"); return evaluatePolicy(m, uniformPolicy(m)).Q[0]; } },
    { name: "ν_π0 (stationary distribution, 500 states)", n: 3000, run: () => { const m = taxi("onehot"); return stationaryDistribution(m, uniformPolicy(m)).nu[0]; } },
    { name: "π* (policy iteration, Q*, ν*)", n: 3000, run: () => optimalPolicy(taxi("onehot")).iterations },
    { name: "λ_min of Alg. 2's H, one-hot (diagonal: min σ̃/2)", n: 3000, run: () => { const m = taxi("onehot"); return slowestNtk(m.features!, m.dim!, weights(m).aux).lambdaMin; } },
    { name: "λ_min of Alg. 2's H, natural encoding d = 18 (3000×3000 Gram, Cholesky + shift-invert Lanczos)", n: 3000, run: () => { const m = taxi("coordinates"); return slowestNtk(m.features!, m.dim!, weights(m).aux).lambdaMin; } },
    { name: "Re λ_min of the TD matrix, one-hot (shift-invert Arnoldi, one 500×500 LU)", n: 3000, run: () => { const m = taxi("onehot"); const w = weights(m); return slowestTd(m, m.features!, m.dim!, w.sigma, w.pi).lambdaMinRe; } },
    { name: "Re λ_min of the TD matrix, natural encoding d = 18 (Cholesky of the Gram + shift-invert Arnoldi)", n: 3000, run: () => { const m = taxi("coordinates"); const w = weights(m); return slowestTd(m, m.features!, m.dim!, w.sigma, w.pi).lambdaMinRe; } },
  ];
  for (const n of [300, 600]) {
    steps.push({ name: "Jacobi eigen-decomposition of a symmetric Gram (lib/linalg.ts symmetricEigen)", n, run: () => { const A = Matrix.rand(n, n); const S = A.add(A.transpose()); return symmetricEigen(Float64Array.from(S.to1DArray()), n).values[0]; } });
  }
  for (const n of [600, 1200]) {
    steps.push({ name: "ml-matrix EigenvalueDecomposition, symmetric (tred2 + tql2)", n, run: () => { const A = Matrix.rand(n, n); return new EigenvalueDecomposition(A.add(A.transpose()), { assumeSymmetric: true }).realEigenvalues[0]; } });
    steps.push({ name: "ml-matrix EigenvalueDecomposition, non-symmetric TD matrix (Hessenberg + QR; conditioning.ts tdLambdaMinRe)", n, run: () => { const m = denseProblem(n, 16); const w = weights(m); return tdLambdaMinRe(m, m.features!, m.dim!, w.sigma, w.pi); } });
    steps.push({ name: "ntkConditioning (arc-cosine Gram + Jacobi), the dense path of the experiments", n: n / 2, run: () => { const m = denseProblem(n / 2, 16); return ntkConditioning(m.features!, m.dim!, weights(m).aux).lambdaMin; } });
  }
  return steps;
}
