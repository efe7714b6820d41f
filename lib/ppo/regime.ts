/**
 * Which runs may be called "the theorem's regime" (Thm 4.9/Cor 4.10, NeurIPS numbering;
 * SPEC §9 "The theorem's regime, earned"). Every label is computed from recorded columns,
 * never typed. Two labels, one inside the other:
 *
 * SOLVERS_PAST_TRANSIENT, "solvers past transient (x ≥ 1), width growing", needs
 *  - conditioning: each solver's slowest direction reaches x = η·λ·T ≥ 1 at every k and replica
 *    of the run, with η = c·T^{−power} (x = c·λ·√T for the paper's power ½), λ = Re λ_min of
 *    Alg. 3's TD matrix under σ_k (`tdLambdaMinReK`) and λ_min of Alg. 2's D^{1/2}KD^{1/2} under
 *    σ̃_k (`ntkLambdaMinK`), both from the infinite-width NTK at π_θk. x ≥ 1 is a threshold, not
 *    convergence: at x = 1 the path average still keeps [(1−e^{−1})/1]² ≈ 0.40 of the slowest
 *    direction's initial residual;
 *  - width: along the series of horizons K, m does not shrink and grows somewhere (Cor 4.10's
 *    m = Ω(poly K)); a series at one m is "fixed width".
 *
 * THEOREM_REGIME, "theorem's regime", needs all of that and also
 *  - the inner errors falling with K at the rate Thm 4.9 needs (`innerRateTest`): its Σ_k ε_k
 *    weights Alg. 2's root-MSE by τ_{k+1}^{-1} = (k+1)/(β√K), so the K^{-1/2} rate needs the
 *    actor's MSE ∝ K^{-3} (root-MSE K^{-3/2}, SPEC §6) and the critic's (weighted by
 *    β_k^{-1} = 1/(β√K)) MSE ∝ K^{-1};
 *  - c ≤ STEP_SIZE_C_TESTED, the largest c at which the step-size test of notebooks 01/02 passed;
 *  - T ≥ 64/(1−γ)² (Thm 4.6) at every K of the series;
 *  - R_f ≥ R_Q (Alg. 1).
 * It still does not certify Cor 4.10's magnitudes of T and m, nor Assumption 4.3 along the run.
 */
import { stepSizeEta, StepSize } from "../solvers/problem";
import { fitPowerLaw } from "../stats";

/** x = η·λ·T of the slowest direction, η = c·T^{−power}. */
export function slowestX(lambdaMin: number, T: number, stepSize: StepSize): number {
  return stepSizeEta(stepSize, T) * lambdaMin * T;
}

export const THEOREM_REGIME = "theorem's regime";
export const SOLVERS_PAST_TRANSIENT = "solvers past transient (x ≥ 1), width growing";

/**
 * The largest step-size constant c of η = c·T^{-1/2} at which the project's step-size test of the
 * collapse held: notebooks 01 (Alg. 2) and 02 (Alg. 3), one-hot arm, m = 1024, c = 1/4, 1, 4, 16,
 * agree against x_min up to c = 4 and fail at c = 16 (README, "Step size"; SPEC §9 "Step size").
 * Above it the solvers' error is no longer a function of x, so x ≥ 1 no longer says what it says
 * at the theorems' c = 1.
 */
export const STEP_SIZE_C_TESTED = 4;

/** The K-slopes of the inner MSEs that Thm 4.9's K^{-1/2} needs (MSE scale: root-MSE K^{-3/2} and K^{-1/2}). */
export const REQUIRED_MSE_SLOPE = { actor: -3, critic: -1 } as const;

/** Fewer horizons than this give no slope interval (two points fit any power law exactly). */
export const MIN_HORIZONS_FOR_RATE = 3;

/** One horizon of a series: min over k and replicas of both solvers' x, and what the stronger label needs. */
export interface RunConditioning {
  K: number;
  m: number;
  xCritic: number;
  xActor: number;
  /** Per replica, max over k < K of Alg. 2's MSE (improveMse) and Alg. 3's (evalMse). Absent: the rate is unmeasured. */
  improveMse?: number[];
  evalMse?: number[];
  /** The step-size constant c, the solvers' T, γ, and both radii. Absent: the condition is unmeasured, so unmet. */
  c?: number;
  T?: number;
  gamma?: number;
  radiusF?: number;
  radiusQ?: number;
}

/** What one run misses of the conditioning conditions ([] when it meets both). */
export function conditioningShortfalls(run: RunConditioning): string[] {
  const out: string[] = [];
  // NaN (no record) fails the test as it must: an unmeasured condition is not met.
  if (!(run.xCritic >= 1)) out.push("critic unconverged");
  if (!(run.xActor >= 1)) out.push("actor unconverged");
  return out;
}

/** The test of one inner MSE's rate in K: least-squares slope of log(mean over replicas) on log K, residual-t 95% interval. */
export interface RateTest {
  slope: number;
  lo: number;
  hi: number;
  required: number;
  /** The whole interval at or below required + RATE_TOLERANCE (so falling, and shown to be near the required rate or steeper). */
  passed: boolean;
}

/**
 * How much shallower than the required slope an interval's upper end may be and still pass: a
 * wide interval (three noisy K) must not pass for want of evidence against it, and an MSE falling
 * exactly at the required rate must not fail half the time on noise.
 */
export const RATE_TOLERANCE = 0.5;

/**
 * Does an inner MSE fall with K at the rate `required` (a log-log slope)? Fitted to the mean over
 * replicas per K by least squares; the interval is Student's t on the residuals, which widens when
 * a power law misfits. Passes only if the whole interval lies at or below required + RATE_TOLERANCE:
 * the data must show the rate, not merely fail to refute it (a slope of −1.95 [−3.74, −0.16]
 * on three K does not show K^{−3}). Null
 * with fewer than MIN_HORIZONS_FOR_RATE horizons, or where a value is missing or not positive
 * (an unmeasured rate is not met).
 */
export function innerRateTest(Ks: number[], perK: number[][], required: number): RateTest | null {
  if (Ks.length < MIN_HORIZONS_FOR_RATE || perK.length !== Ks.length) return null;
  const means = perK.map((v) => (v.length > 0 && v.every((x) => x > 0 && Number.isFinite(x)) ? v.reduce((s, x) => s + x, 0) / v.length : NaN));
  if (!means.every((v) => v > 0)) return null;
  const fit = fitPowerLaw(Ks, means);
  const lo = fit.slope - fit.slopeCi95, hi = fit.slope + fit.slopeCi95;
  return { slope: fit.slope, lo, hi, required, passed: hi <= required + RATE_TOLERANCE };
}

/** What a series that meets the weaker label misses of the theorem's conditions ([] when none). */
export function theoremShortfalls(sorted: RunConditioning[]): { shortfalls: string[]; actorRate: RateTest | null; criticRate: RateTest | null } {
  const out: string[] = [];
  const Ks = sorted.map((r) => r.K);
  const actorRate = sorted.every((r) => r.improveMse) ? innerRateTest(Ks, sorted.map((r) => r.improveMse!), REQUIRED_MSE_SLOPE.actor) : null;
  const criticRate = sorted.every((r) => r.evalMse) ? innerRateTest(Ks, sorted.map((r) => r.evalMse!), REQUIRED_MSE_SLOPE.critic) : null;
  if (!actorRate || !criticRate) out.push(`inner-error rate untested (fewer than ${MIN_HORIZONS_FOR_RATE} K, or MSE unrecorded)`);
  else {
    if (!actorRate.passed) out.push(`actor MSE not falling like K^${REQUIRED_MSE_SLOPE.actor} (slope ${actorRate.slope.toFixed(2)} [${actorRate.lo.toFixed(2)}, ${actorRate.hi.toFixed(2)}])`);
    if (!criticRate.passed) out.push(`critic MSE not falling like K^${REQUIRED_MSE_SLOPE.critic} (slope ${criticRate.slope.toFixed(2)} [${criticRate.lo.toFixed(2)}, ${criticRate.hi.toFixed(2)}])`);
  }
  const cs = sorted.map((r) => r.c);
  if (!cs.every((c) => c !== undefined && c <= STEP_SIZE_C_TESTED)) out.push(`c above the tested range (c ≤ ${STEP_SIZE_C_TESTED})`);
  if (!sorted.every((r) => r.T !== undefined && r.gamma !== undefined && r.gamma > 0 && r.gamma < 1 && r.T >= 64 / (1 - r.gamma) ** 2)) out.push("T below 64/(1−γ)²");
  if (!sorted.every((r) => r.radiusF !== undefined && r.radiusQ !== undefined && r.radiusF >= r.radiusQ)) out.push("R_f < R_Q");
  return { shortfalls: out, actorRate, criticRate };
}

/**
 * The label of a series of runs over K (one schedule, one arm). The weaker conditions' shortfalls
 * name the series when it misses any ("critic unconverged, fixed width"); a series that meets them
 * is SOLVERS_PAST_TRANSIENT, followed by what it misses of the theorem's conditions; THEOREM_REGIME
 * only if it misses nothing.
 */
export function seriesRegime(runs: RunConditioning[]): { label: string; shortfalls: string[]; actorRate: RateTest | null; criticRate: RateTest | null } {
  if (runs.length === 0) throw new RangeError("seriesRegime needs at least one run");
  const sorted = [...runs].sort((a, b) => a.K - b.K || a.m - b.m);
  const shortfalls = new Set<string>();
  for (const r of sorted) for (const s of conditioningShortfalls(r)) shortfalls.add(s);
  const ms = sorted.map((r) => r.m);
  if (ms.some((m, i) => i > 0 && m < ms[i - 1])) shortfalls.add("width shrinks with K");
  else if (ms.every((m) => m === ms[0])) shortfalls.add("fixed width");
  const strong = theoremShortfalls(sorted);
  const weak = [...shortfalls];
  if (weak.length > 0) return { label: weak.join(", "), shortfalls: [...weak, ...strong.shortfalls], actorRate: strong.actorRate, criticRate: strong.criticRate };
  if (strong.shortfalls.length > 0) return { label: `${SOLVERS_PAST_TRANSIENT}; not the theorem's: ${strong.shortfalls.join(", ")}`, shortfalls: strong.shortfalls, actorRate: strong.actorRate, criticRate: strong.criticRate };
  return { label: THEOREM_REGIME, shortfalls: [], actorRate: strong.actorRate, criticRate: strong.criticRate };
}
