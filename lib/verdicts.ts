/**
 * Verdicts that could have failed (SPEC §9 "Bounds that can fail"). A bound O(g(x)) has an
 * unknown constant; a constant fitted on all the data ("the smallest c above every point")
 * makes "the data lie below c·g" true by construction. Here every verdict is computed from
 * data its constant was not fitted on, or from a slope with a confidence interval:
 *
 *  - `heldOutRateCheck`: fit c on the smaller half of the x range (the envelope of that half),
 *    then test the larger half: the rate holds there if every held-out point stays below
 *    c·g(x) (+ a stated floor) within its own 95% band (Student's t for its replicas). Data falling slower than g cross it and fail.
 *  - `heldOutAfterTransient`: the same, on the points past a transient only (x_min ≥ 1, SPEC §9):
 *    inside a transient the check records where error/g peaks relative to the cut, not the rate,
 *    so with too few points past it the answer is "no verdict".
 *  - `widthTermsCheck`: a width term on the excess error over the widest network m_max, tested
 *    against that term's own excess c·(g(m) − g(m_max)), with a verdict only where every fitted
 *    width's excess is significant, and judged at every held-out width.
 *  - `slopeVerdict`: a least-squares log-log slope with its 95% CI against the theory's
 *    exponent: steeper, consistent or shallower.
 *  - `ratioTrend`: the slope (with CI) of a normalised ratio such as error·√T/R² in log x; a
 *    bound that holds keeps it from rising without limit.
 */
import { fitEnvelopeConstant, fitPowerLaw, PowerLawFit, tQuantile975 } from "./stats";

/**
 * The two-sided 95% quantile for a mean over `n` replicas: Student's t with n − 1 degrees of
 * freedom (t₃ = 3.18 at 4 replicas), 1.96 where n is not given or not above 1.
 */
export function bandQuantile(n?: number): number {
  return n !== undefined && Number.isInteger(n) && n > 1 ? tQuantile975(n - 1) : 1.96;
}

/** Per-point replica counts: one count for every point, or one per point. */
function countAt(n: number | number[] | undefined, i: number): number | undefined {
  return Array.isArray(n) ? n[i] : n;
}

export interface HeldOutCheck {
  /** c fitted on the fit half: the smallest c with mean ≤ c·g(x) there. */
  constant: number;
  /** The x values the constant was fitted on, and those it was tested on. */
  fitX: number[];
  testX: number[];
  /** Per held-out point: (mean − q·standard error) / (c·g(x)), q = t₀.₉₇₅(n − 1) for its n replicas (1.96 without n); above 1 the point is significantly above the line. */
  ratios: number[];
  /** The largest held-out ratio. */
  worstRatio: number;
  holds: boolean;
}

/**
 * Fit the constant of an upper bound c·g(x) + floor on the points with the smaller half of the x
 * values (at least one), and test it on the rest. `mean` and `standardError` per x (sorted or
 * not). `floor` (default 0) is a term of the bound whose constant was fixed elsewhere (e.g. the
 * width terms, fitted on other widths); c is fitted on mean − floor. `n`: the replicas behind each
 * mean (one count or one per point), so a band over few replicas uses Student's t, not 1.96.
 */
export function heldOutRateCheck(x: number[], mean: number[], standardError: number[], g: (x: number) => number, floor = 0, n?: number | number[]): HeldOutCheck {
  if (x.length !== mean.length || x.length !== standardError.length) throw new RangeError("x, mean and standardError must have equal length");
  const distinct = [...new Set(x)].sort((a, b) => a - b);
  if (distinct.length < 2) throw new RangeError(`a held-out check needs at least 2 distinct x values, got ${distinct.length}`);
  const cut = distinct[Math.floor(distinct.length / 2) - 1];
  const fit = x.map((v, i) => i).filter((i) => x[i] <= cut);
  const test = x.map((v, i) => i).filter((i) => x[i] > cut);
  const constant = Math.max(0, fitEnvelopeConstant(fit.map((i) => x[i]), fit.map((i) => mean[i] - floor), g));
  const ratios = test.map((i) => (mean[i] - bandQuantile(countAt(n, i)) * standardError[i]) / (constant * g(x[i]) + floor));
  const worstRatio = Math.max(...ratios);
  return { constant, fitX: fit.map((i) => x[i]), testX: test.map((i) => x[i]), ratios, worstRatio, holds: worstRatio <= 1 };
}

export type SlopeComparison = "steeper" | "consistent" | "shallower";

/** Compare a fitted slope (95% CI) with the theory's exponent. */
export function slopeVerdict(fit: PowerLawFit, exponent: number): SlopeComparison {
  if (fit.slope + fit.slopeCi95 < exponent) return "steeper";
  if (fit.slope - fit.slopeCi95 > exponent) return "shallower";
  return "consistent";
}

export interface RatioTrend {
  fit: PowerLawFit;
  /** "falling", "flat" (CI contains 0) or "rising". */
  trend: "falling" | "flat" | "rising";
}

/** The log-log slope of a positive ratio in x, with its 95% CI (e.g. error·√T/R² against T). */
export function ratioTrend(x: number[], ratio: number[]): RatioTrend {
  const fit = fitPowerLaw(x, ratio);
  const trend = fit.slope + fit.slopeCi95 < 0 ? "falling" : fit.slope - fit.slopeCi95 > 0 ? "rising" : "flat";
  return { fit, trend };
}

export type Verdict = "holds" | "fails" | "no verdict";

/** A held-out check past a transient: the check itself where there were enough points, and why not otherwise. */
export interface TransientHeldOut {
  verdict: Verdict;
  /** The first x with x_min(x) ≥ 1 (null: none in range). */
  onset: number | null;
  check: HeldOutCheck | null;
  reason: string;
}

/**
 * `heldOutRateCheck` on the points with `xMin(x)` ≥ 1 only (SPEC §9: before, a slope is a
 * transient set by the initial residual's spread over the spectrum): c is fitted from the first
 * such x, on the smaller half of them, and tested on the larger half. Fewer than `minPoints`
 * (default 4: two to fit, two to test) past the transient gives "no verdict".
 */
export function heldOutAfterTransient(x: number[], mean: number[], standardError: number[], g: (x: number) => number, opts: { xMin: (x: number) => number; minPoints?: number; floor?: number; n?: number | number[] }): TransientHeldOut {
  const minPoints = opts.minPoints ?? 4;
  const keep = x.map((v, i) => i).filter((i) => opts.xMin(x[i]) >= 1);
  const distinct = [...new Set(keep.map((i) => x[i]))].sort((a, b) => a - b);
  const onset = distinct.length > 0 ? distinct[0] : null;
  if (distinct.length < minPoints) {
    return { verdict: "no verdict", onset, check: null, reason: `${distinct.length} point${distinct.length === 1 ? "" : "s"} with x_min ≥ 1 (a check needs ${minPoints})` };
  }
  const n = opts.n;
  const check = heldOutRateCheck(keep.map((i) => x[i]), keep.map((i) => mean[i]), keep.map((i) => standardError[i]), g, opts.floor ?? 0, Array.isArray(n) ? keep.map((i) => n[i]) : n);
  return { verdict: check.holds ? "holds" : "fails", onset, check, reason: `c fitted on x = ${check.fitX[0]}…${check.fitX[check.fitX.length - 1]}, tested on ${check.testX[0]}…${check.testX[check.testX.length - 1]}` };
}

/** Where a held-out width sits against the width term: below c·g(m), above it within its band, or significantly above. */
export type WidthPoint = "below" | "above, within its band" | "significantly above";

export interface WidthTermsCheck {
  verdict: Verdict;
  check: HeldOutCheck;
  /** Per held-out width (check.testX), where its mean sits. */
  points: WidthPoint[];
  reason: string;
}

/**
 * A width term c·g(m) of Thms 4.5/4.6 tested on the excess error of each width over the widest
 * network m_max (`excess`, `standardError` per width m, the widest left out). The excess of a pure
 * c·g(m) term over m_max is c·(g(m) − g(m_max)), not c·g(m): comparing with c·g(m) would tilt the
 * test toward "holds" (the line sits above the term's own excess by c·g(m_max)), and a fitted
 * slope of the excess is steeper than g's (for g = m^{-1/2} over m = 32…1024 below m_max = 4096,
 * −0.67). So the shape tested is h(m) = g(m) − g(m_max): c fitted on the smaller half of the
 * widths, every other width judged. A verdict needs the excess significant (above its t band) at
 * every fitted width, else c is fitted on noise; then "fails" if any held-out width is
 * significantly above c·h(m), "no verdict" if one's mean is above it within its band, "holds" if
 * every held-out mean is below it. `n`: the replicas behind each excess (the smaller of the two
 * widths' counts: a conservative t), one count or one per width.
 */
export function widthTermsCheck(ms: number[], excess: number[], standardError: number[], g: (m: number) => number, opts: { widest: number; n?: number | number[] }): WidthTermsCheck {
  if (!(ms.every((m) => m < opts.widest))) throw new RangeError(`every width must be below the widest m_max = ${opts.widest}, got ${ms.join(", ")}`);
  const h = (m: number) => g(m) - g(opts.widest);
  const check = heldOutRateCheck(ms, excess, standardError, h, 0, opts.n);
  const at = (m: number) => ms.indexOf(m);
  const q = (m: number) => bandQuantile(countAt(opts.n, at(m)));
  const noise = check.fitX.filter((m) => !(excess[at(m)] > q(m) * standardError[at(m)]));
  const points: WidthPoint[] = check.testX.map((m) => {
    const i = at(m);
    const line = check.constant * h(m);
    if (excess[i] <= line) return "below";
    return excess[i] - q(m) * standardError[i] > line ? "significantly above" : "above, within its band";
  });
  const label = (sel: WidthPoint) => check.testX.filter((m, k) => points[k] === sel).join(", ");
  if (noise.length > 0) return { verdict: "no verdict", check, points, reason: `excess not significant at fitted m = ${noise.join(", ")}` };
  if (points.includes("significantly above")) return { verdict: "fails", check, points, reason: `significantly above c·(g(m) − g(${opts.widest})) at m = ${label("significantly above")}` };
  if (points.includes("above, within its band")) return { verdict: "no verdict", check, points, reason: `mean above c·(g(m) − g(${opts.widest})) within its band at m = ${label("above, within its band")}` };
  return { verdict: "holds", check, points, reason: `below c·(g(m) − g(${opts.widest})) at every held-out m = ${check.testX.join(", ")}` };
}
