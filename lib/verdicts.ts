/**
 * Verdicts that could have failed (SPEC §9 "Bounds that can fail"). A bound O(g(x)) has an
 * unknown constant; a constant fitted on all the data ("the smallest c above every point")
 * makes "the data lie below c·g" true by construction. Here every verdict is computed from
 * data its constant was not fitted on, or from a slope with a confidence interval:
 *
 *  - `heldOutRateCheck`: fit c on the smaller half of the x range (the envelope of that half),
 *    then test the larger half: the rate holds there if every held-out point stays below
 *    c·g(x) within its own 95% band. Data falling slower than g cross the line and fail.
 *  - `slopeVerdict`: a least-squares log-log slope with its 95% CI against the theory's
 *    exponent: steeper, consistent or shallower.
 *  - `ratioTrend`: the slope (with CI) of a normalised ratio such as error·√T/R² in log x; a
 *    bound that holds keeps it from rising without limit.
 */
import { fitEnvelopeConstant, fitPowerLaw, PowerLawFit } from "./stats";

export interface HeldOutCheck {
  /** c fitted on the fit half: the smallest c with mean ≤ c·g(x) there. */
  constant: number;
  /** The x values the constant was fitted on, and those it was tested on. */
  fitX: number[];
  testX: number[];
  /** Per held-out point: (mean − 1.96·standard error) / (c·g(x)); above 1 the point is significantly above the line. */
  ratios: number[];
  /** The largest held-out ratio. */
  worstRatio: number;
  holds: boolean;
}

/**
 * Fit the constant of an upper bound c·g(x) on the points with the smaller half of the x values
 * (at least one), and test it on the rest. `mean` and `standardError` per x (sorted or not).
 */
export function heldOutRateCheck(x: number[], mean: number[], standardError: number[], g: (x: number) => number): HeldOutCheck {
  if (x.length !== mean.length || x.length !== standardError.length) throw new RangeError("x, mean and standardError must have equal length");
  const distinct = [...new Set(x)].sort((a, b) => a - b);
  if (distinct.length < 2) throw new RangeError(`a held-out check needs at least 2 distinct x values, got ${distinct.length}`);
  const cut = distinct[Math.floor(distinct.length / 2) - 1];
  const fit = x.map((v, i) => i).filter((i) => x[i] <= cut);
  const test = x.map((v, i) => i).filter((i) => x[i] > cut);
  const constant = fitEnvelopeConstant(fit.map((i) => x[i]), fit.map((i) => mean[i]), g);
  const ratios = test.map((i) => (mean[i] - 1.96 * standardError[i]) / (constant * g(x[i])));
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
