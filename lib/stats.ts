/**
 * Small statistics used to compare measurements with rates (SPEC §7): means with standard
 * errors over replicas, and least-squares log-log slopes with 95% confidence intervals.
 */
import { Rng } from "./random";

/** Mean and standard error of the mean (sample s.d./√n; 0 when n = 1). */
export function meanAndStandardError(values: ArrayLike<number>): { mean: number; standardError: number; n: number } {
  const n = values.length;
  if (n === 0) throw new RangeError("values must be non-empty");
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  if (n === 1) return { mean, standardError: 0, n };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, standardError: Math.sqrt(ss / (n - 1) / n), n };
}

/** Mean of the values (non-empty). */
export function mean(values: ArrayLike<number>): number {
  return meanAndStandardError(values).mean;
}

/** Standard error of the mean: sample s.d./√n (0 when n = 1). */
export function standardError(values: ArrayLike<number>): number {
  return meanAndStandardError(values).standardError;
}

/** Two-sided 97.5% quantile of Student's t with `dof` degrees of freedom (table, then normal). */
export function tQuantile975(dof: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  if (!Number.isInteger(dof) || dof < 1) throw new RangeError(`dof must be a positive integer, got ${dof}`);
  return dof <= table.length ? table[dof - 1] : 1.96 + 2.5 / dof;
}

/**
 * P(|t| ≤ x) for Student's t with an integer number `dof` of degrees of freedom, in closed form
 * (Abramowitz & Stegun 26.7.3–4, θ = atan(x/√dof)).
 */
export function tCentralProbability(x: number, dof: number): number {
  if (!Number.isInteger(dof) || dof < 1) throw new RangeError(`dof must be a positive integer, got ${dof}`);
  const theta = Math.atan(Math.abs(x) / Math.sqrt(dof));
  const c2 = Math.cos(theta) ** 2;
  if (dof % 2 === 1) {
    if (dof === 1) return (2 * theta) / Math.PI;
    let term = 1;
    let sum = 1;
    for (let k = 1; k <= (dof - 3) / 2; k++) {
      term *= (c2 * (2 * k)) / (2 * k + 1);
      sum += term;
    }
    return (2 / Math.PI) * (theta + Math.sin(theta) * Math.cos(theta) * sum);
  }
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= (dof - 2) / 2; k++) {
    term *= (c2 * (2 * k - 1)) / (2 * k);
    sum += term;
  }
  return Math.sin(theta) * sum;
}

/**
 * The two-sided quantile of Student's t: the x with P(|t| ≤ x) = `coverage` (0.95 gives
 * `tQuantile975`), for any coverage in (0, 1), e.g. 1 − 0.05/k for a Bonferroni band over k
 * comparisons. Bisection on `tCentralProbability` to 1e-10.
 */
export function tQuantileTwoSided(coverage: number, dof: number): number {
  if (!(coverage > 0 && coverage < 1)) throw new RangeError(`coverage must lie in (0, 1), got ${coverage}`);
  let lo = 0;
  let hi = 1;
  while (tCentralProbability(hi, dof) < coverage) hi *= 2;
  while (hi - lo > 1e-10 * Math.max(1, hi)) {
    const mid = (lo + hi) / 2;
    if (tCentralProbability(mid, dof) < coverage) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A fitted power law y ≈ c·x^slope, with the slope's 95% CI. */
export interface PowerLawFit {
  slope: number;
  /** Half-width of the 95% confidence interval of the slope (t-based; NaN with < 3 points). */
  slopeCi95: number;
  /** c = exp(intercept). */
  constant: number;
  points: number;
}

/**
 * Least-squares fit of log y = log c + slope·log x. Points with y ≤ 0 are rejected (a
 * log-log slope is undefined there), not dropped silently.
 */
export function fitPowerLaw(x: ArrayLike<number>, y: ArrayLike<number>): PowerLawFit {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`x and y must have equal length, got ${n} and ${y.length}`);
  if (n < 2) throw new RangeError(`a power-law fit needs at least 2 points, got ${n}`);
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!(x[i] > 0) || !(y[i] > 0)) throw new RangeError(`power-law fit needs positive values, got x=${x[i]}, y=${y[i]} at index ${i}`);
    lx.push(Math.log(x[i]));
    ly.push(Math.log(y[i]));
  }
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i] - mx) ** 2;
    sxy += (lx[i] - mx) * (ly[i] - my);
  }
  if (sxx === 0) throw new RangeError("power-law fit needs at least two distinct x values");
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (ly[i] - intercept - slope * lx[i]) ** 2;
  const slopeCi95 = n > 2 ? tQuantile975(n - 2) * Math.sqrt(rss / (n - 2) / sxx) : NaN;
  return { slope, slopeCi95, constant: Math.exp(intercept), points: n };
}

/**
 * The constant c of a reference curve c·g(x) fitted to data in log space with the shape g
 * fixed: log c = mean(log y − log g(x)). This is how every "rate curve with its constant
 * fitted" is drawn (SPEC §7).
 */
export function fitConstant(x: ArrayLike<number>, y: ArrayLike<number>, shape: (x: number) => number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const g = shape(x[i]);
    if (!(y[i] > 0) || !(g > 0)) throw new RangeError(`fitConstant needs positive values, got y=${y[i]}, g=${g} at index ${i}`);
    s += Math.log(y[i]) - Math.log(g);
  }
  return Math.exp(s / x.length);
}

/** One group of `summarise`: the grouping values, then mean, standard error and count. */
export type Summary = Record<string, number | string> & { mean: number; standardError: number; n: number };

/**
 * Mean ± standard error of `value` over rows sharing the values of `by` (e.g. over
 * replicas at each width), groups in order of first appearance.
 */
export function summarise(rows: Record<string, unknown>[], by: string[], value: string): Summary[] {
  const groups = new Map<string, { keys: Record<string, number | string>; values: number[] }>();
  for (const row of rows) {
    const keys: Record<string, number | string> = {};
    for (const b of by) keys[b] = row[b] as number | string;
    const id = JSON.stringify(by.map((b) => keys[b]));
    const v = row[value];
    if (typeof v !== "number") throw new RangeError(`column "${value}" must be numeric, got ${JSON.stringify(v)}`);
    if (!groups.has(id)) groups.set(id, { keys, values: [] });
    groups.get(id)!.values.push(v);
  }
  return [...groups.values()].map(({ keys, values }) => ({ ...keys, ...meanAndStandardError(values) }) as Summary);
}

/**
 * The smallest constant c with y ≤ c·g(x) at every point: how an upper bound with an unknown
 * O(·) constant is drawn (a least-squares fit would cross the data and look violated).
 */
export function fitEnvelopeConstant(x: ArrayLike<number>, y: ArrayLike<number>, shape: (x: number) => number): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const g = shape(x[i]);
    if (!(g > 0) || !Number.isFinite(y[i])) throw new RangeError(`fitEnvelopeConstant needs g > 0 and finite y, got y=${y[i]}, g=${g} at index ${i}`);
    c = Math.max(c, y[i] / g);
  }
  return c;
}

/**
 * A 95% interval for the log-log slope of mean y against x when the same replicas run at every
 * x (shared initialisations, common random numbers): resample replica indices with replacement,
 * the same indices at every x, refit the slope on the resampled means, and take the 2.5% and
 * 97.5% percentiles over `resamples` draws. `values[i][r]` is replica r's y at x[i]; every row
 * must have the same replicas. Deterministic for a given `seed`.
 */
export function bootstrapSlopeInterval(x: number[], values: number[][], opts: { resamples?: number; seed?: number } = {}): { slope: number; lo: number; hi: number } {
  const R = values[0]?.length ?? 0;
  if (values.length !== x.length || values.some((v) => v.length !== R) || R < 2) throw new RangeError("bootstrapSlopeInterval needs one row of at least 2 replicas per x, all of equal length");
  const rng = Rng.fromSeed(opts.seed ?? 1);
  const B = opts.resamples ?? 2000;
  const slopeOf = (pick: number[]) => fitPowerLaw(x, values.map((v) => pick.reduce((s, r) => s + v[r], 0) / pick.length)).slope;
  const slopes: number[] = [];
  for (let b = 0; b < B; b++) slopes.push(slopeOf(Array.from({ length: R }, () => rng.int(R))));
  slopes.sort((a, c) => a - c);
  return { slope: slopeOf(Array.from({ length: R }, (_, r) => r)), lo: slopes[Math.floor(0.025 * B)], hi: slopes[Math.ceil(0.975 * B) - 1] };
}

/** The median: the middle value, or the mean of the two middle values for an even count (NaN when empty). */
export function median(values: ArrayLike<number>): number {
  const s = Array.from(values).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
}

/**
 * A `coverage` interval for the mean of `items` that come in clusters sharing randomness (runs at
 * several K that share one initialisation): Student's t with C − 1 degrees of freedom over the C
 * cluster means, whose mean is returned (equal cluster sizes: the mean of the items). With few
 * clusters it is wider than a percentile bootstrap over clusters, which is too narrow there (8 clusters:
 * its 2.5% tail is the mean of a resample that repeats the smallest clusters).
 * `coverage` above 0.95 serves a multiple-comparison correction (Bonferroni: 1 − 0.05/n).
 */
export function clusterTMeanInterval(items: { cluster: string | number; value: number }[], coverage = 0.95): { mean: number; lo: number; hi: number; clusters: number } {
  const groups = new Map<string | number, number[]>();
  for (const it of items) {
    if (!groups.has(it.cluster)) groups.set(it.cluster, []);
    groups.get(it.cluster)!.push(it.value);
  }
  const means = [...groups.values()].map((v) => mean(v));
  if (means.length < 2) throw new RangeError("clusterTMeanInterval needs at least 2 clusters");
  const m = meanAndStandardError(means);
  const half = tQuantileTwoSided(coverage, means.length - 1) * m.standardError;
  return { mean: m.mean, lo: m.mean - half, hi: m.mean + half, clusters: means.length };
}

/**
 * As `bootstrapSlopeInterval`, for rows whose replicas are independent across x (e.g. a diagonal
 * m = 16K², where replica r at one K and at another K come from different α(0) streams, so pairing
 * them by index would be arbitrary): each x's replicas are resampled on their own. Rows may differ
 * in length (at least 2 each). Deterministic for a given `seed`.
 */
export function independentBootstrapSlopeInterval(x: number[], values: number[][], opts: { resamples?: number; seed?: number } = {}): { slope: number; lo: number; hi: number } {
  if (values.length !== x.length || values.some((v) => v.length < 2)) throw new RangeError("independentBootstrapSlopeInterval needs one row of at least 2 replicas per x");
  const rng = Rng.fromSeed(opts.seed ?? 1);
  const B = opts.resamples ?? 2000;
  const meanOf = (v: number[]) => v.reduce((s, y) => s + y, 0) / v.length;
  const slopes: number[] = [];
  for (let b = 0; b < B; b++) slopes.push(fitPowerLaw(x, values.map((v) => meanOf(Array.from({ length: v.length }, () => v[rng.int(v.length)])))).slope);
  slopes.sort((a, c) => a - c);
  return { slope: fitPowerLaw(x, values.map(meanOf)).slope, lo: slopes[Math.floor(0.025 * B)], hi: slopes[Math.ceil(0.975 * B) - 1] };
}
