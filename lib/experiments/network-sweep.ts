/**
 * Experiment `network`: how fast the network approaches its kernel regime as m grows
 * (SPEC §2; notebooks/00-network.ipynb).
 *
 * Settings: `NetworkSweepConfig`. Per width m and replica, with n fixed unit inputs:
 *  - ntkMaxError = max_{p,q} |φ₀(x_p)ᵀφ₀(x_q) − K(x_p, x_q)|, K the arc-cosine kernel;
 *  - linearisationGap = (1/n) Σ_p (u_α(x_p) − u⁰_α(x_p))² for α = α(0) + R·v/‖v‖,
 *    v ∼ N(0, I_{md}) (a uniformly random point of the ball's surface).
 * Computed on the tensor path (network-tf.ts, float32, the chosen backend).
 * With `worstDirection`, the table `worst` holds per (m ≤ maxWidth, replica < replicas) the gap
 * at the worst direction found on the same sphere (lib/linearisation-gap.ts, float64: a lower
 * bound on the sup over the sphere), `linearisationGapWorst`, and at its closed-form start.
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend";
import { worstLinearisationGap } from "../linearisation-gap";
import { arcCosineGram, initNetwork, randomUnitVectors } from "../network";
import { linearisedTf, forwardTf, ntkGramTf, toTensors } from "../network-tf";
import { streams } from "../random";
import { progress } from "../util/progress";
import { CachedResult, runCached } from "./cache";
import type { Row } from "./results-io";
import { ConfigError, checkInteger, checkIntegerArray, checkNumber, checkObject } from "./validate";

export interface NetworkSweepConfig {
  /** Widths m to sweep. Positive integers. */
  widths: number[];
  /** R_init: independent initialisations per width. */
  replicas: number;
  /** d: input dimension, ≥ 3 (SPEC §1). */
  dim: number;
  /** n: number of unit-norm inputs x_p (drawn from the MDP stream). */
  points: number;
  /** R: radius of the ball whose surface α is drawn from. */
  radius: number;
  /** Seed of the inputs ("MDP" stream). */
  mdpSeed: number;
  /** Seed of the initialisations and directions ("algorithm" stream). */
  seed: number;
  /** Optional: also search the worst direction on the sphere, for the first `replicas` replicas of every width ≤ `maxWidth`, with `steps` ascent steps. */
  worstDirection?: { replicas: number; steps: number; maxWidth: number };
}

/** Validate a user-supplied config; throws ConfigError naming the field and the rule. */
export function validateNetworkSweepConfig(value: unknown): NetworkSweepConfig {
  const c = checkObject(value, "config", ["widths", "replicas", "dim", "points", "radius", "mdpSeed", "seed", "worstDirection"]);
  const worst = c.worstDirection === undefined ? undefined : checkObject(c.worstDirection, "worstDirection", ["replicas", "steps", "maxWidth"]);
  return {
    ...(worst ? { worstDirection: { replicas: checkInteger(worst.replicas, "worstDirection.replicas", 1), steps: checkInteger(worst.steps, "worstDirection.steps", 0), maxWidth: checkInteger(worst.maxWidth, "worstDirection.maxWidth", 1) } } : {}),
    widths: checkIntegerArray(c.widths, "widths", 1),
    replicas: checkInteger(c.replicas, "replicas", 1),
    dim: checkInteger(c.dim, "dim", 3),
    points: checkInteger(c.points, "points", 2),
    radius: checkNumber(c.radius, "radius", { gt: 0 }),
    mdpSeed: checkInteger(c.mdpSeed, "mdpSeed", 0),
    seed: checkInteger(c.seed, "seed", 0),
  };
}

function sweepWidth(config: NetworkSweepConfig, m: number, X: Float64Array, K: Float64Array): Row[] {
  const { replicas: R, dim: d, points: n, radius } = config;
  const algorithm = streams(config).algorithm.split(`width:${m}`);
  const init = initNetwork(algorithm.split("init"), { replicas: R, width: m, dim: d });
  const directions = algorithm.split("direction");
  const alpha = new Float32Array(R * m * d);
  for (let r = 0; r < R; r++) {
    const v = directions.split(r).fillNormal(new Float64Array(m * d));
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    for (let j = 0; j < m * d; j++) alpha[r * m * d + j] = init.alpha0[r * m * d + j] + (radius * v[j]) / norm;
  }
  const [gram, gap] = tf.tidy(() => {
    const net = toTensors(init);
    const Xt = tf.tensor2d(Float32Array.from(X), [n, d]);
    const a = tf.tensor3d(alpha, [R, m, d]);
    const diff = forwardTf(net.b, a, Xt).sub(linearisedTf(net, a, Xt));
    return [ntkGramTf(net, Xt).dataSync(), diff.square().mean(1).dataSync()];
  });
  const rows: Row[] = [];
  for (let r = 0; r < R; r++) {
    let maxErr = 0;
    for (let j = 0; j < n * n; j++) maxErr = Math.max(maxErr, Math.abs(gram[r * n * n + j] - K[j]));
    rows.push({ m, replica: r, ntkMaxError: maxErr, linearisationGap: gap[r] });
  }
  return rows;
}

/**
 * Run (or read back) the sweep: rows {m, replica, ntkMaxError, linearisationGap}, cached
 * under `resultsDir` (default data/results).
 */
export async function runNetworkSweep(config: NetworkSweepConfig, resultsDir?: string): Promise<CachedResult> {
  const valid = validateNetworkSweepConfig(config);
  const backend = await initBackend();
  return runCached({ name: "network", module: __filename }, valid, backend, () => {
    const X = randomUnitVectors(streams(valid).mdp.split("inputs"), valid.points, valid.dim);
    const K = arcCosineGram(X, valid.dim);
    const bar = progress("network sweep", valid.widths.length);
    const rows: Row[] = [];
    const worst: Row[] = [];
    for (const m of valid.widths) {
      rows.push(...sweepWidth(valid, m, X, K));
      const w = valid.worstDirection;
      if (w && m <= w.maxWidth) {
        // The same initialisations as the random directions (same stream), the first w.replicas of them.
        const init = initNetwork(streams(valid).algorithm.split(`width:${m}`).split("init"), { replicas: valid.replicas, width: m, dim: valid.dim });
        const found = worstLinearisationGap(init, X, valid.radius, { steps: w.steps, replicas: w.replicas });
        found.gap.forEach((gap, r) => worst.push({ m, replica: r, radius: valid.radius, linearisationGapWorst: gap, linearisationGapWorstStart: found.start[r] }));
      }
      bar.tick();
    }
    bar.done();
    return valid.worstDirection ? { rows, tables: { worst } } : rows;
  }, resultsDir);
}

export { ConfigError };
