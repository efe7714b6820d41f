/**
 * The named benchmarks shipped in data/mdp/, written from their published definitions (nothing
 * is downloaded): FrozenLake 4×4 and 8×8, CliffWalking, Taxi, RiverSwim. Episodic tasks become
 * continuing ones by SPEC §1's restart transform (lib/mdp/restart.ts), then every row is mixed
 * with U(S) at the benchmark's ε, so every policy's chain is ergodic. Each benchmark is written
 * twice: `<name>.json` with its natural encoding (coordinates and action, lib/mdp/benchmarks/
 * features.ts) and `<name>-onehot.json` with `"features": {"generator": "one-hot"}` (Taxi's
 * stored one-hot vectors would be 3000 × 3000 numbers). `npm run testbeds` regenerates them;
 * a test checks they match bit for bit.
 */
import { join } from "node:path";
import { writeMdp } from "../format";
import { oneHotFeatures } from "../generators";
import type { FiniteMdp } from "../mdp";
import { continuingTable, mixUniform } from "../restart";
import { cliffWalkingTable, CLIFF_COLS } from "./cliffwalking";
import { centred, coordinateFeatures } from "./features";
import { FROZENLAKE_MAPS, frozenLakeTable } from "./frozenlake";
import { riverSwim, RIVERSWIM_STATES } from "./riverswim";
import { taxiDecode, taxiTable } from "./taxi";

export interface Benchmark {
  name: string;
  /** What the file's `source.benchmark` says. */
  source: string;
  description: string;
  gamma: number;
  /** ε of P_ε = (1 − ε)P + εU(S), chosen where π* no longer changes as ε → 0 (notebook 06, test/benchmarks.test.ts). */
  restart: number;
  /** The continuing chain before the mixing, and r(s, a). */
  table(): { states: number; actions: number; transitions: Float64Array; rewards: Float64Array };
  /** The natural encoding's coordinates of a state (before the action one-hot and the constant). */
  coordinates(s: number): number[];
}

const fromEpisodic = (t: ReturnType<typeof frozenLakeTable>) => ({ states: t.states, actions: t.actions, ...continuingTable(t) });
const grid = (ncol: number, nrow: number) => (s: number) => [centred(Math.floor(s / ncol), nrow), centred(s % ncol, ncol)];

const RESTART_NOTE = "Episodic table made continuing by SPEC §1's restart transform (an episode's end sends the chain to ρ0), then P_ε = (1 − ε)P + εU(S); r(s, a) is the expected immediate reward.";

export const BENCHMARKS: Benchmark[] = [
  ...(["4x4", "8x8"] as const).map((size) => {
    const n = FROZENLAKE_MAPS[size].length;
    return {
      name: `frozenlake-${size}`,
      source: `Gymnasium FrozenLake-v1, map ${size}, is_slippery=True`,
      description: `FrozenLake ${size} (Gymnasium's map ${FROZENLAKE_MAPS[size].join("/")}), slippery: the intended move and each perpendicular move have probability 1/3; reward 1 on entering G; entering H or G ends the episode; ρ0 = S. Actions 0 LEFT, 1 DOWN, 2 RIGHT, 3 UP; s = row·${n} + col. ${RESTART_NOTE}`,
      gamma: 0.9,
      // 8×8: π* still changes in one state at ε = 0.01, not from 0.005 down (notebook 06).
      restart: size === "4x4" ? 0.01 : 0.005,
      table: () => fromEpisodic(frozenLakeTable(FROZENLAKE_MAPS[size])),
      coordinates: grid(n, n),
    };
  }),
  {
    name: "cliffwalking",
    source: "Gymnasium CliffWalking-v1, default options",
    description: `CliffWalking 4×12 (Sutton & Barto, Example 6.6; Gymnasium's table): start (3,0), goal (3,11), cliff (3,1…10); actions 0 UP, 1 RIGHT, 2 DOWN, 3 LEFT, deterministic; reward −1 per step; stepping into the cliff gives −100 and returns to the start; entering the goal ends the episode; ρ0 = the start. s = row·12 + col. ${RESTART_NOTE} Continuing, the −1 per step is paid whatever the policy, so π* only has to avoid the cliff.`,
    gamma: 0.9,
    restart: 0.01,
    table: () => fromEpisodic(cliffWalkingTable()),
    coordinates: grid(CLIFF_COLS, 4),
  },
  {
    name: "taxi",
    source: "Dietterich 2000; Gymnasium Taxi-v4, default options",
    description: `Taxi (Dietterich 2000), 500 states × 6 actions, the dynamics of Gymnasium's Taxi at default options: s = ((row·5 + col)·5 + passenger)·4 + destination, passenger 4 = in the taxi; actions 0 south, 1 north, 2 east, 3 west, 4 pick-up, 5 drop-off; reward −1 per step, +20 for a drop-off at the destination (ends the episode), −10 for an illegal pick-up or drop-off; ρ0 uniform over the 300 states with the passenger at a location other than the destination. ${RESTART_NOTE} Natural encoding: taxi row and column, the passenger's location (one-hot of 5) and the destination (one-hot of 4).`,
    gamma: 0.9,
    restart: 0.01,
    table: () => fromEpisodic(taxiTable()),
    coordinates: (s) => {
      const { row, col, passenger, destination } = taxiDecode(s);
      return [centred(row, 5), centred(col, 5), ...Array.from({ length: 5 }, (_, i) => (i === passenger ? 1 : 0)), ...Array.from({ length: 4 }, (_, i) => (i === destination ? 1 : 0))];
    },
  },
  {
    name: "riverswim",
    source: "Strehl & Littman 2008; the 6-state variant of Osband, Russo & Van Roy 2013",
    description: "RiverSwim, 6 states in a row (Strehl & Littman 2008), the variant of Osband, Russo & Van Roy (2013), continuing: action 0 LEFT moves one state left (0 stays at 0); action 1 RIGHT, against the current: from 0 stay 0.4 / right 0.6, from 1…4 left 0.05 / stay 0.6 / right 0.35, from 5 left 0.4 / stay 0.6. Rewards r(0, LEFT) = 0.005, r(5, RIGHT) = 1, else 0. Under 'always LEFT' state 0 is absorbing, so every row is mixed with U(S): P_ε = (1 − ε)P + εU(S).",
    gamma: 0.9,
    restart: 0.01,
    table: riverSwim,
    coordinates: (s) => [centred(s, RIVERSWIM_STATES)],
  },
];

export type BenchmarkEncoding = "coordinates" | "one-hot";

/** The benchmark as a FiniteMdp: P_ε at `epsilon` (default: its own restart), with the given features. */
export function buildBenchmark(b: Benchmark, encoding: BenchmarkEncoding = "coordinates", epsilon = b.restart): FiniteMdp {
  const t = b.table();
  const mdp: FiniteMdp = {
    name: encoding === "one-hot" ? `${b.name}-onehot` : b.name,
    description: encoding === "one-hot" ? `${b.description} One-hot features (d = |S||A| = ${t.states * t.actions}), generated on load.` : `${b.description} Features: the natural encoding normalise([coordinates, action one-hot, 1]).`,
    gamma: b.gamma,
    states: t.states,
    actions: t.actions,
    transitions: mixUniform(t.transitions, t.states, epsilon),
    rewards: t.rewards,
    source: { benchmark: b.source, restart: epsilon },
  };
  if (epsilon > 0) mdp.baseTransitions = t.transitions;
  if (encoding === "one-hot") {
    mdp.features = oneHotFeatures(t.states, t.actions);
    mdp.dim = t.states * t.actions;
    mdp.featureGenerator = "one-hot";
  } else {
    const f = coordinateFeatures(t.states, t.actions, b.coordinates);
    mdp.features = f.features;
    mdp.dim = f.dim;
  }
  return mdp;
}

export function benchmarkByName(name: string): Benchmark {
  const b = BENCHMARKS.find((x) => x.name === name);
  if (!b) throw new RangeError(`no benchmark named ${JSON.stringify(name)} (known: ${BENCHMARKS.map((x) => x.name).join(", ")})`);
  return b;
}

/** Write every benchmark, in both encodings, to `dir`; returns the paths. */
export function writeBenchmarks(dir: string): string[] {
  return BENCHMARKS.flatMap((b) =>
    (["coordinates", "one-hot"] as const).map((enc) => {
      const mdp = buildBenchmark(b, enc);
      const path = join(dir, `${mdp.name}.json`);
      writeMdp(path, mdp, { sparse: true });
      return path;
    }),
  );
}
