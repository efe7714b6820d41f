/**
 * Which runs may be called "the theorem's regime" (Thm 4.9/Cor 4.10, NeurIPS numbering;
 * SPEC §9 "The theorem's regime, earned"). The label is computed from recorded conditioning,
 * never typed:
 *  - conditioning: each solver's slowest direction reaches x = η·λ·T ≥ 1 at every k and replica
 *    of the run, with η = c·T^{−power} (so x = c·λ·√T for the paper's power ½), λ = Re λ_min of
 *    Alg. 3's TD matrix under σ_k (`tdLambdaMinReK`) and λ_min of Alg. 2's D^{1/2}KD^{1/2} under
 *    σ̃_k (`ntkLambdaMinK`). Below x ≈ 1 a direction keeps most of its initial residual;
 *  - width: along a series of horizons K, m does not shrink and grows somewhere (Cor 4.10's
 *    m = Ω(poly K)); a series at one m is "fixed width".
 */
import { stepSizeEta, StepSize } from "../solvers/problem";

/** x = η·λ·T of the slowest direction, η = c·T^{−power}. */
export function slowestX(lambdaMin: number, T: number, stepSize: StepSize): number {
  return stepSizeEta(stepSize, T) * lambdaMin * T;
}

export const THEOREM_REGIME = "theorem's regime";

/** One run's conditioning along the run: min over k and replicas of both solvers' x. */
export interface RunConditioning {
  K: number;
  m: number;
  xCritic: number;
  xActor: number;
}

/** What one run misses of the conditioning conditions ([] when it meets both). */
export function conditioningShortfalls(run: RunConditioning): string[] {
  const out: string[] = [];
  // NaN (no record) fails the test as it must: an unmeasured condition is not met.
  if (!(run.xCritic >= 1)) out.push("critic unconverged");
  if (!(run.xActor >= 1)) out.push("actor unconverged");
  return out;
}

/**
 * The label of a series of runs over K (one schedule, one arm): "theorem's regime" only if every
 * run meets the conditioning at every k and m(K) is non-decreasing with at least one increase;
 * otherwise the shortfalls, e.g. "critic unconverged, fixed width".
 */
export function seriesRegime(runs: RunConditioning[]): { label: string; shortfalls: string[] } {
  if (runs.length === 0) throw new RangeError("seriesRegime needs at least one run");
  const sorted = [...runs].sort((a, b) => a.K - b.K || a.m - b.m);
  const shortfalls = new Set<string>();
  for (const r of sorted) for (const s of conditioningShortfalls(r)) shortfalls.add(s);
  const ms = sorted.map((r) => r.m);
  if (ms.some((m, i) => i > 0 && m < ms[i - 1])) shortfalls.add("width shrinks with K");
  else if (ms.every((m) => m === ms[0])) shortfalls.add("fixed width");
  const list = [...shortfalls];
  return { label: list.length === 0 ? THEOREM_REGIME : list.join(", "), shortfalls: list };
}
