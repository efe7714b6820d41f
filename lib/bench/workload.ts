/**
 * The benchmark's workload (issue 10; bench/README.md): Alg. 2 (projected SGD) and Alg. 3
 * (projected TD(0), γ = 0.9) on a seeded random MDP with |S| = 64, |A| = 4 (N = 256 unit
 * feature vectors in R^16), R = 32 replicas, one sample per replica per step, T = 2000,
 * projection radius 0.5, path-averaged output. Every path runs the same problem: the same
 * α(0), b, sample streams and targets. The SGD target and the TD fixed point are both
 * Q^π of the uniform policy π, sampled from σ_π, so one exact error measures both:
 * MSE = (1/R) Σ_r Σ_j σ_π(j) (NN(θ̄_r)(x_j) − Q^π(j))², a finite sum in float64.
 */
import { garnet } from "../mdp/generators";
import type { FiniteMdp } from "../mdp/mdp";
import { evaluatePolicy, stateActionDistribution, stationaryDistribution, uniformPolicy } from "../mdp/exact";
import { forward, initNetwork } from "../network";
import { Rng } from "../random";
import { evaluationProblem, improvementProblem } from "../solvers/solvers";
import type { SolverProblem } from "../solvers/problem";

export const ALGORITHMS = ["sgd", "td"] as const;
export type BenchAlgorithm = (typeof ALGORITHMS)[number];

export interface BenchSettings {
  states: number;
  actions: number;
  dim: number;
  replicas: number;
  steps: number;
  radius: number;
  gamma: number;
  widths: number[];
  mdpSeed: number;
  algorithmSeed: number;
}

export const BENCH_SETTINGS: BenchSettings = {
  states: 64, actions: 4, dim: 16, replicas: 32, steps: 2000, radius: 0.5, gamma: 0.9,
  widths: [256, 1024, 4096, 16384], mdpSeed: 10, algorithmSeed: 11,
};

export interface BenchCase {
  algorithm: BenchAlgorithm;
  width: number;
  mdp: FiniteMdp;
  problem: SolverProblem;
  /** Q^π [N] and σ_π [N], for the exact error. */
  q: Float64Array;
  sigma: Float64Array;
}

export function benchMdp(s: BenchSettings): FiniteMdp {
  return garnet(Rng.fromSeed(s.mdpSeed), {
    name: `bench-garnet-s${s.states}-a${s.actions}`, states: s.states, actions: s.actions, branching: 4,
    rewardRange: [0, 1], gamma: s.gamma, mixing: 0.1, features: { kind: "random", dim: s.dim },
  });
}

/** The problem one path solves: algorithm × width, fully determined by the two seeds. */
export function benchCase(s: BenchSettings, algorithm: BenchAlgorithm, width: number): BenchCase {
  const mdp = benchMdp(s);
  const pi = uniformPolicy(mdp);
  const { Q } = evaluatePolicy(mdp, pi);
  const sigma = stateActionDistribution(mdp, stationaryDistribution(mdp, pi).nu, pi);
  const rng = Rng.fromSeed(s.algorithmSeed).split(`${algorithm}/m=${width}`);
  const init = initNetwork(rng.split("init"), { replicas: s.replicas, width, dim: s.dim });
  const rngs = Array.from({ length: s.replicas }, (_, r) => rng.split(`samples/${r}`));
  const radius = new Float64Array(s.replicas).fill(s.radius);
  const problem = algorithm === "sgd"
    ? improvementProblem({ mdp, init, sampling: sigma, targets: Q, steps: s.steps, radius, rngs })
    : evaluationProblem({ mdp, init, policy: pi, sampling: sigma, steps: s.steps, radius, rngs });
  return { algorithm, width, mdp, problem, q: Q, sigma };
}

/** The exact error of averaged parameters θ̄ ∈ [R, m, d] (see the module comment). */
export function benchMse(c: BenchCase, thetaBar: Float64Array): number {
  const values = forward(c.problem.init, thetaBar, c.problem.features);
  const N = c.q.length;
  const R = c.problem.init.replicas;
  let total = 0;
  for (let r = 0; r < R; r++) for (let j = 0; j < N; j++) total += c.sigma[j] * (values[r * N + j] - c.q[j]) ** 2;
  return total / R;
}
