/**
 * The MDP file format (JSON), its validating loader and its writer:
 *
 *   { "name": string, "gamma": number in (0, 1),
 *     "transitions": [s][a][s'] probabilities (each row non-negative, summing to 1 ± 1e-9),
 *     "rewards": [s][a] finite numbers,
 *     "features": [s][a][d] unit vectors (‖x‖₂ = 1 ± 1e-9), d ≥ 3   (optional),
 *                 or {"generator": "one-hot"} (x(s, a) = e_{s·A+a}, generated on load),
 *     "description": string                                          (optional),
 *     "source": {"benchmark": string, "restart": ε in [0, 1)}        (optional) }
 *
 * A row transitions[s][a] may also be sparse, {"sparse": [[s', p], …]} (the states not listed
 * have probability 0), which keeps Taxi's 500 × 6 × 500 table small. With `source`, the
 * file's transitions are the continuing chain P before the restart's uniform mixing, and the
 * loaded MDP has P_ε = (1 − ε)·P + ε·U(S) (SPEC §1, lib/mdp/restart.ts).
 *
 * Every rule violated is reported (up to MAX_REPORTED_ISSUES, one line each) in one
 * MdpFormatError naming the field, the index and the rule; nothing half-loaded is ever
 * returned.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../util/atomic-write";
import { userPath } from "../util/paths";
import { FEATURE_GENERATORS, type FeatureGenerator, type FiniteMdp, type MdpSource } from "./mdp";
import { oneHotFeatures } from "./generators";
import { mixUniform } from "./restart";

export const ROW_SUM_TOLERANCE = 1e-9;
export const UNIT_NORM_TOLERANCE = 1e-9;
const FIELDS = ["name", "description", "source", "gamma", "transitions", "rewards", "features"];

/** How many violated rules a message lists; the rest are counted. */
export const MAX_REPORTED_ISSUES = 20;

export class MdpFormatError extends Error {
  /** Every violated rule found (at most MAX_REPORTED_ISSUES), one message each. */
  readonly issues: string[];

  constructor(issues: string | string[], more = 0) {
    const list = typeof issues === "string" ? [issues] : issues;
    const source = /^[^:]*/.exec(list[0])![0];
    super([...list, ...(more > 0 ? [`${source}: … and ${more} more (the first ${list.length} are listed)`] : [])].join("\n"));
    this.name = "MdpFormatError";
    this.issues = list;
  }

  /** How a notebook shows it (tslab prints errors with util.inspect): the message alone, no stack into compiled paths. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${this.name}: ${this.message}`;
  }
}

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : Array.isArray(v) ? "an array" : v === null ? "null" : typeof v === "object" ? "an object" : String(v));

/**
 * The violations found in one file, in the order met. A check whose input already broke a
 * rule (a row of the wrong length, a non-array) is not repeated on its contents, so each
 * mistake is reported once.
 */
class Issues {
  readonly list: string[] = [];
  private more = 0;

  constructor(private readonly source: string) {}

  add(field: string, rule: string): void {
    if (this.list.length < MAX_REPORTED_ISSUES) this.list.push(`${this.source}: ${field} ${rule}`);
    else this.more++;
  }

  /** `v` as an array (of `length`, non-empty), or null after recording why not. */
  array(v: unknown, field: string, length?: number, like?: string): unknown[] | null {
    if (!Array.isArray(v)) return this.add(field, `must be an array, got ${show(v)}`), null;
    if (length !== undefined && v.length !== length) return this.add(field, `must have length ${length}${like ? ` (${like})` : ""}, got ${v.length}`), null;
    if (v.length === 0) return this.add(field, "must not be empty"), null;
    return v;
  }

  /** `v` as a finite number, or null after recording why not. */
  finite(v: unknown, field: string): number | null {
    if (typeof v === "number" && Number.isFinite(v)) return v;
    this.add(field, `must be a finite number, got ${show(v)}`);
    return null;
  }

  /**
   * The array at `field` (of `length`) as numbers, or null after recording every entry that is
   * not a finite number (then no rule about the whole vector is checked).
   */
  numbers(v: unknown, field: string, length: number, like: string): number[] | null {
    const xs = this.array(v, field, length, like);
    if (!xs) return null;
    const out = xs.map((x, i) => this.finite(x, `${field}[${i}]`));
    return out.every((x): x is number => x !== null) ? out : null;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new MdpFormatError(this.list, this.more);
  }
}

/**
 * Validate parsed JSON as an MDP. `source` names the file in messages. Every violated rule is
 * reported (up to MAX_REPORTED_ISSUES), one line each, in one MdpFormatError.
 */
export function parseMdp(value: unknown, source = "mdp"): FiniteMdp {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new MdpFormatError(`${source}: the file must hold a JSON object, got ${show(value)}`);
  const o = value as Record<string, unknown>;
  const issues = new Issues(source);
  for (const k of Object.keys(o)) if (!FIELDS.includes(k)) issues.add(`unknown field "${k}"`, `(allowed: ${FIELDS.join(", ")})`);
  if (typeof o.name !== "string" || o.name.length === 0) issues.add("name", `must be a non-empty string, got ${show(o.name)}`);
  if (o.description !== undefined && typeof o.description !== "string") issues.add("description", `must be a string, got ${show(o.description)}`);
  let origin: MdpSource | undefined;
  if (o.source !== undefined) {
    if (o.source === null || typeof o.source !== "object" || Array.isArray(o.source)) issues.add("source", `must be an object {"benchmark": string, "restart": number}, got ${show(o.source)}`);
    else {
      const so = o.source as Record<string, unknown>;
      for (const k of Object.keys(so)) if (!["benchmark", "restart"].includes(k)) issues.add(`source has unknown field "${k}"`, "(allowed: benchmark, restart)");
      if (typeof so.benchmark !== "string" || so.benchmark.length === 0) issues.add("source.benchmark", `must be a non-empty string, got ${show(so.benchmark)}`);
      const eps = issues.finite(so.restart, "source.restart");
      if (eps !== null && !(eps >= 0 && eps < 1)) issues.add("source.restart", `must be in [0, 1), got ${eps}`);
      if (typeof so.benchmark === "string" && eps !== null && eps >= 0 && eps < 1) origin = { benchmark: so.benchmark, restart: eps };
    }
  }
  const gamma = issues.finite(o.gamma, "gamma");
  if (gamma !== null && !(gamma > 0 && gamma < 1)) issues.add("gamma", `must be in (0, 1), got ${gamma}`);

  // The shape comes from transitions: |S| rows, |A| from its first row.
  const T = issues.array(o.transitions, "transitions");
  const S = T ? T.length : 0;
  const first = T ? issues.array(T[0], "transitions[0]") : null;
  const A = first ? first.length : 0;
  const transitions = new Float64Array(S * A * S);
  if (first) {
    T!.forEach((row, s) => {
      const acts = s === 0 ? first : issues.array(row, `transitions[${s}]`, A, "the number of actions of transitions[0]");
      acts?.forEach((dist, a) => {
        const probs = isSparseRow(dist) ? sparseRow(issues, dist, `transitions[${s}][${a}]`, S) : issues.numbers(dist, `transitions[${s}][${a}]`, S, "the number of states");
        if (!probs) return;
        probs.forEach((x, s2) => {
          if (x < 0) issues.add(`transitions[${s}][${a}][${s2}]`, `must be >= 0, got ${x}`);
        });
        transitions.set(probs, (s * A + a) * S);
        const sum = probs.reduce((t, x) => t + x, 0);
        if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) issues.add(`transitions[${s}][${a}]`, `must sum to 1 (±${ROW_SUM_TOLERANCE}), got ${sum}`);
      });
    });
  }

  const rewards = new Float64Array(S * A);
  const Rw = first ? issues.array(o.rewards, "rewards", S, "the number of states in transitions") : issues.array(o.rewards, "rewards");
  if (Rw && first) {
    Rw.forEach((row, s) => {
      issues.array(row, `rewards[${s}]`, A, "the number of actions in transitions")?.forEach((v, a) => {
        rewards[s * A + a] = issues.finite(v, `rewards[${s}][${a}]`) ?? 0;
      });
    });
  }

  let features: Float64Array | undefined;
  let generator: FeatureGenerator | undefined;
  let d = 0;
  if (o.features !== null && typeof o.features === "object" && !Array.isArray(o.features)) {
    const g = (o.features as Record<string, unknown>).generator;
    if (Object.keys(o.features).some((k) => k !== "generator") || !(FEATURE_GENERATORS as readonly unknown[]).includes(g)) issues.add("features", `must be [s][a][d] vectors or {"generator": ${FEATURE_GENERATORS.map((n) => JSON.stringify(n)).join(" | ")}}, got ${JSON.stringify(o.features)}`);
    else if (S * A < 3) issues.add("features", `one-hot features need |S||A| >= 3, got ${S * A}`);
    else {
      generator = g as FeatureGenerator;
      features = oneHotFeatures(S, A);
      d = S * A;
    }
  } else if (o.features !== undefined) {
    const F = first ? issues.array(o.features, "features", S, "the number of states in transitions") : issues.array(o.features, "features");
    const F0 = F && first ? issues.array(F[0], "features[0]", A, "the number of actions in transitions") : null;
    const x00 = F0 ? issues.array(F0[0], "features[0][0]") : null;
    d = x00 ? x00.length : 0;
    if (x00 && d < 3) issues.add("features", `dimension d must be >= 3, got ${d}`);
    else if (x00) {
      features = new Float64Array(S * A * d);
      F!.forEach((row, s) => {
        const acts = s === 0 ? F0 : issues.array(row, `features[${s}]`, A, "the number of actions in transitions");
        acts?.forEach((vec, a) => {
          const xs = issues.numbers(vec, `features[${s}][${a}]`, d, "the dimension of features[0][0]");
          if (!xs) return;
          features!.set(xs, (s * A + a) * d);
          const norm = Math.sqrt(xs.reduce((t, x) => t + x * x, 0));
          if (Math.abs(norm - 1) > UNIT_NORM_TOLERANCE) issues.add(`features[${s}][${a}]`, `must have unit l2 norm (±${UNIT_NORM_TOLERANCE}), got ${norm}`);
        });
      });
    }
  }
  issues.throwIfAny();

  const mdp: FiniteMdp = { name: o.name as string, gamma: gamma as number, states: S, actions: A, transitions, rewards };
  if (o.description !== undefined) mdp.description = o.description as string;
  if (origin) {
    mdp.source = origin;
    if (origin.restart > 0) {
      mdp.baseTransitions = transitions;
      mdp.transitions = mixUniform(transitions, S, origin.restart);
    }
  }
  if (features) {
    mdp.features = features;
    mdp.dim = d;
    if (generator) mdp.featureGenerator = generator;
  }
  return mdp;
}

const isSparseRow = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** A row {"sparse": [[s', p], …]} as a dense vector of length S, or null after recording why not. */
function sparseRow(issues: Issues, v: Record<string, unknown>, field: string, S: number): number[] | null {
  if (Object.keys(v).some((k) => k !== "sparse")) return issues.add(field, `must be an array of ${S} probabilities or {"sparse": [[s', p], …]}, got an object with fields ${Object.keys(v).join(", ")}`), null;
  const pairs = issues.array(v.sparse, `${field}.sparse`);
  if (!pairs) return null;
  const dense = new Array<number>(S).fill(0);
  const seen = new Set<number>();
  let ok = true;
  pairs.forEach((pair, i) => {
    const f = `${field}.sparse[${i}]`;
    if (!Array.isArray(pair) || pair.length !== 2) return issues.add(f, `must be a pair [s', p], got ${show(pair)}`), (ok = false);
    const [t, p] = pair;
    if (typeof t !== "number" || !Number.isInteger(t) || t < 0 || t >= S) return issues.add(`${f}[0]`, `must be a state index in [0, ${S}), got ${show(t)}`), (ok = false);
    if (seen.has(t)) return issues.add(`${f}[0]`, `state ${t} is listed twice`), (ok = false);
    seen.add(t);
    const x = issues.finite(p, `${f}[1]`);
    if (x === null) return (ok = false);
    dense[t] = x;
  });
  return ok ? dense : null;
}

/** Read and validate an MDP file. */
export function loadMdp(path: string): FiniteMdp {
  let text: string;
  try {
    text = readFileSync(userPath(path), "utf8");
  } catch (e) {
    throw new MdpFormatError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MdpFormatError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseMdp(value, path);
}

/**
 * The JSON form of an MDP (nested arrays, as in the file format). With `source.restart` > 0 the
 * file stores P before the mixing (`baseTransitions`), as the loader expects. `sparse` writes a
 * row as {"sparse": [[s', p], …]} when that is shorter (under a quarter of its entries non-zero).
 */
export function mdpToJson(mdp: FiniteMdp, options: { sparse?: boolean } = {}): Record<string, unknown> {
  const { states: S, actions: A } = mdp;
  const out: Record<string, unknown> = { name: mdp.name };
  if (mdp.description !== undefined) out.description = mdp.description;
  if (mdp.source) out.source = { benchmark: mdp.source.benchmark, restart: mdp.source.restart };
  out.gamma = mdp.gamma;
  let P = mdp.transitions;
  if (mdp.source && mdp.source.restart > 0) {
    if (!mdp.baseTransitions) throw new RangeError(`${mdp.name}: source.restart = ${mdp.source.restart} but no baseTransitions to write (a file stores P before the restart's mixing)`);
    P = mdp.baseTransitions;
  }
  const rowJson = (row: Float64Array): unknown => {
    if (!options.sparse) return Array.from(row);
    const nz: [number, number][] = [];
    row.forEach((p, t) => {
      if (p !== 0) nz.push([t, p]);
    });
    return 4 * nz.length < S ? { sparse: nz } : Array.from(row);
  };
  out.transitions = Array.from({ length: S }, (_, s) => Array.from({ length: A }, (_, a) => rowJson(P.subarray((s * A + a) * S, (s * A + a + 1) * S))));
  out.rewards = Array.from({ length: S }, (_, s) => Array.from(mdp.rewards.subarray(s * A, (s + 1) * A)));
  if (mdp.featureGenerator) out.features = { generator: mdp.featureGenerator };
  else if (mdp.features && mdp.dim) {
    const d = mdp.dim;
    out.features = Array.from({ length: S }, (_, s) => Array.from({ length: A }, (_, a) => Array.from(mdp.features!.subarray((s * A + a) * d, (s * A + a + 1) * d))));
  }
  return out;
}

/** Validate, then write atomically (a file that would not load back is never written). */
export function writeMdp(path: string, mdp: FiniteMdp, options: { sparse?: boolean } = {}): void {
  const json = mdpToJson(mdp, options);
  parseMdp(JSON.parse(JSON.stringify(json)), path);
  writeFileAtomic(userPath(path), JSON.stringify(json) + "\n");
}
