/**
 * The named testbeds shipped in data/mdp/, each a Garnet spec plus its MDP seed, so every
 * file can be regenerated bit for bit (`npm run testbeds`; a test checks the files match).
 */
import { join } from "node:path";
import { REPO_ROOT } from "../util/paths";
import { mdpStream } from "../random";
import { writeBenchmarks } from "./benchmarks/catalog";
import { writeMdp } from "./format";
import { coverageTrap, CoverageTrapSpec, garnet, GarnetSpec } from "./generators";
import type { FiniteMdp } from "./mdp";

export const MDP_DIR = join(REPO_ROOT, "data", "mdp");

/**
 * A named testbed: generator spec and MDP seed. `streamName` (default: the testbed's name)
 * names the random stream the MDP is drawn from, so two testbeds that share it and their
 * Garnet parameters have the same dynamics and rewards and differ only in their features.
 */
export type Testbed = ({ kind: "garnet"; spec: GarnetSpec } | { kind: "coverage-trap"; spec: CoverageTrapSpec }) & { mdpSeed: number; streamName?: string };

export const TESTBEDS: Testbed[] = [
  {
    kind: "garnet",
    mdpSeed: 1,
    spec: {
      name: "garnet-s4-a3",
      description: "Small Garnet for CI: 4 states, 3 actions, branching 2, 10% uniform mixing, random unit features in R^6.",
      states: 4, actions: 3, branching: 2, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.1, features: { kind: "random", dim: 6 },
    },
  },
  {
    kind: "garnet",
    mdpSeed: 2,
    spec: {
      name: "garnet-s10-a4",
      description: "The notebooks' default: 10 states, 4 actions, branching 3, 5% uniform mixing, random unit features in R^8.",
      states: 10, actions: 4, branching: 3, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.05, features: { kind: "random", dim: 8 },
    },
  },
  {
    kind: "garnet",
    mdpSeed: 3,
    spec: {
      name: "garnet-s50-a5",
      description: "The largest shipped testbed: 50 states, 5 actions, branching 5, 2% uniform mixing, γ = 0.95, random unit features in R^16.",
      states: 50, actions: 5, branching: 5, rewardRange: [-1, 1], gamma: 0.95, mixing: 0.02, features: { kind: "random", dim: 16 },
    },
  },
  {
    kind: "garnet",
    mdpSeed: 2,
    streamName: "garnet-s10-a4",
    spec: {
      name: "garnet-s10-a4-onehot",
      description: "garnet-s10-a4's dynamics and rewards with one-hot features (d = |S||A| = 40): the NTK Gram is I/2, so the solvers' conditioning is set by the sampling distribution alone (SPEC §9).",
      states: 10, actions: 4, branching: 3, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.05, features: { kind: "one-hot" },
    },
  },
  {
    kind: "garnet",
    mdpSeed: 2,
    streamName: "garnet-s10-a4",
    spec: {
      name: "garnet-s10-a4-d64",
      description: "garnet-s10-a4's dynamics and rewards with random unit features in R^64 (d ≥ |S||A| = 40): between the ill-conditioned d = 8 and one-hot features.",
      states: 10, actions: 4, branching: 3, rewardRange: [-1, 1], gamma: 0.9, mixing: 0.05, features: { kind: "random", dim: 64 },
    },
  },
  {
    kind: "garnet",
    mdpSeed: 5,
    streamName: "garnet-s6-a2",
    spec: {
      name: "garnet-s6-a2-onehot",
      description: "Small and well-conditioned, for neural PPO in the theorem's regime: 6 states, 2 actions, branching 2, 30% uniform mixing, γ = 0.7, one-hot features (d = 12, NTK Gram I/2).",
      states: 6, actions: 2, branching: 2, rewardRange: [-1, 1], gamma: 0.7, mixing: 0.3, features: { kind: "one-hot" },
    },
  },
  {
    kind: "garnet",
    mdpSeed: 5,
    streamName: "garnet-s6-a2",
    spec: {
      name: "garnet-s6-a2-d24",
      description: "garnet-s6-a2-onehot's dynamics and rewards with random unit features in R^24 (d = 2|S||A|): well-conditioned but not tabular (the NTK Gram has off-diagonal entries, so a step at one pair moves the others).",
      states: 6, actions: 2, branching: 2, rewardRange: [-1, 1], gamma: 0.7, mixing: 0.3, features: { kind: "random", dim: 24 },
    },
  },
  {
    kind: "coverage-trap",
    mdpSeed: 4,
    spec: {
      name: "coverage-trap-s8-a3",
      description: "A chain where ν* sits where early policies rarely go (for the error-propagation notebook): 8 states, action 0 moves right and the others left (success 0.9), reward 1 only at the right end, 2% uniform mixing, γ = 0.9, random unit features in R^8. ν*(7) ≈ 0.93 while the uniform policy's ν(7) ≈ 0.016.",
      states: 8, actions: 3, success: 0.9, gamma: 0.9, mixing: 0.02, dim: 8,
    },
  },
];

export function buildTestbed(t: Testbed): FiniteMdp {
  const rng = mdpStream(t.mdpSeed).split(t.streamName ?? t.spec.name);
  return t.kind === "garnet" ? garnet(rng, t.spec) : coverageTrap(rng, t.spec);
}

/** Write every named testbed, and the named benchmarks (lib/mdp/benchmarks), to `dir` (default data/mdp/); returns the paths. */
export function writeTestbeds(dir: string = MDP_DIR): string[] {
  const garnets = TESTBEDS.map((t) => {
    const path = join(dir, `${t.spec.name}.json`);
    writeMdp(path, buildTestbed(t));
    return path;
  });
  return [...garnets, ...writeBenchmarks(dir)];
}
