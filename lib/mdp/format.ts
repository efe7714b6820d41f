/**
 * The MDP file format (JSON), its validating loader and its writer:
 *
 *   { "name": string, "gamma": number in (0, 1),
 *     "transitions": [s][a][s'] probabilities (each row non-negative, summing to 1 ± 1e-9),
 *     "rewards": [s][a] finite numbers,
 *     "features": [s][a][d] unit vectors (‖x‖₂ = 1 ± 1e-9), d ≥ 3   (optional),
 *     "description": string                                          (optional) }
 *
 * Every rule violated is reported as an MdpFormatError naming the field, the index and the
 * rule; nothing half-loaded is ever returned.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../experiments/results-io";
import type { FiniteMdp } from "./mdp";

export const ROW_SUM_TOLERANCE = 1e-9;
export const UNIT_NORM_TOLERANCE = 1e-9;
const FIELDS = ["name", "description", "gamma", "transitions", "rewards", "features"];

export class MdpFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MdpFormatError";
  }
}

const fail = (msg: string): never => {
  throw new MdpFormatError(msg);
};
const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : Array.isArray(v) ? "an array" : v === null ? "null" : typeof v === "object" ? "an object" : String(v));

function checkArray(v: unknown, field: string, length?: number, like?: string): unknown[] {
  if (!Array.isArray(v)) return fail(`${field} must be an array, got ${show(v)}`);
  if (length !== undefined && v.length !== length) fail(`${field} must have length ${length}${like ? ` (${like})` : ""}, got ${v.length}`);
  if (v.length === 0) fail(`${field} must not be empty`);
  return v;
}

function checkFinite(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) return fail(`${field} must be a finite number, got ${show(v)}`);
  return v;
}

/** Validate parsed JSON as an MDP. `source` names the file in messages. */
export function parseMdp(value: unknown, source = "mdp"): FiniteMdp {
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(`${source}: the file must hold a JSON object, got ${show(value)}`);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!FIELDS.includes(k)) fail(`${source}: unknown field "${k}" (allowed: ${FIELDS.join(", ")})`);
  const p = (field: string) => `${source}: ${field}`;
  if (typeof o.name !== "string" || o.name.length === 0) fail(`${p("name")} must be a non-empty string, got ${show(o.name)}`);
  if (o.description !== undefined && typeof o.description !== "string") fail(`${p("description")} must be a string, got ${show(o.description)}`);
  const gamma = checkFinite(o.gamma, p("gamma"));
  if (!(gamma > 0 && gamma < 1)) fail(`${p("gamma")} must be in (0, 1), got ${gamma}`);

  const T = checkArray(o.transitions, p("transitions"));
  const S = T.length;
  const A = checkArray(T[0], p("transitions[0]")).length;
  const transitions = new Float64Array(S * A * S);
  T.forEach((row, s) => {
    const acts = checkArray(row, p(`transitions[${s}]`), A, "the number of actions of transitions[0]");
    acts.forEach((dist, a) => {
      const probs = checkArray(dist, p(`transitions[${s}][${a}]`), S, "the number of states");
      let sum = 0;
      probs.forEach((v, s2) => {
        const x = checkFinite(v, p(`transitions[${s}][${a}][${s2}]`));
        if (x < 0) fail(`${p(`transitions[${s}][${a}][${s2}]`)} must be >= 0, got ${x}`);
        transitions[(s * A + a) * S + s2] = x;
        sum += x;
      });
      if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) fail(`${p(`transitions[${s}][${a}]`)} must sum to 1 (±${ROW_SUM_TOLERANCE}), got ${sum}`);
    });
  });

  const Rw = checkArray(o.rewards, p("rewards"), S, "the number of states in transitions");
  const rewards = new Float64Array(S * A);
  Rw.forEach((row, s) => {
    checkArray(row, p(`rewards[${s}]`), A, "the number of actions in transitions").forEach((v, a) => {
      rewards[s * A + a] = checkFinite(v, p(`rewards[${s}][${a}]`));
    });
  });

  const mdp: FiniteMdp = { name: o.name as string, gamma, states: S, actions: A, transitions, rewards };
  if (o.description !== undefined) mdp.description = o.description as string;
  if (o.features !== undefined) {
    const F = checkArray(o.features, p("features"), S, "the number of states in transitions");
    const d = checkArray(checkArray(F[0], p("features[0]"), A, "the number of actions in transitions")[0], p("features[0][0]")).length;
    if (d < 3) fail(`${p("features")} dimension d must be >= 3, got ${d}`);
    const features = new Float64Array(S * A * d);
    F.forEach((row, s) => {
      checkArray(row, p(`features[${s}]`), A, "the number of actions in transitions").forEach((vec, a) => {
        let norm = 0;
        checkArray(vec, p(`features[${s}][${a}]`), d, "the dimension of features[0][0]").forEach((v, k) => {
          const x = checkFinite(v, p(`features[${s}][${a}][${k}]`));
          features[(s * A + a) * d + k] = x;
          norm += x * x;
        });
        if (Math.abs(Math.sqrt(norm) - 1) > UNIT_NORM_TOLERANCE) fail(`${p(`features[${s}][${a}]`)} must have unit l2 norm (±${UNIT_NORM_TOLERANCE}), got ${Math.sqrt(norm)}`);
      });
    });
    mdp.features = features;
    mdp.dim = d;
  }
  return mdp;
}

/** Read and validate an MDP file. */
export function loadMdp(path: string): FiniteMdp {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
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

/** The JSON form of an MDP (nested arrays, as in the file format). */
export function mdpToJson(mdp: FiniteMdp): Record<string, unknown> {
  const { states: S, actions: A } = mdp;
  const out: Record<string, unknown> = { name: mdp.name };
  if (mdp.description !== undefined) out.description = mdp.description;
  out.gamma = mdp.gamma;
  out.transitions = Array.from({ length: S }, (_, s) => Array.from({ length: A }, (_, a) => Array.from(mdp.transitions.subarray((s * A + a) * S, (s * A + a + 1) * S))));
  out.rewards = Array.from({ length: S }, (_, s) => Array.from(mdp.rewards.subarray(s * A, (s + 1) * A)));
  if (mdp.features && mdp.dim) {
    const d = mdp.dim;
    out.features = Array.from({ length: S }, (_, s) => Array.from({ length: A }, (_, a) => Array.from(mdp.features!.subarray((s * A + a) * d, (s * A + a + 1) * d))));
  }
  return out;
}

/** Validate, then write atomically (a file that would not load back is never written). */
export function writeMdp(path: string, mdp: FiniteMdp): void {
  const json = mdpToJson(mdp);
  parseMdp(JSON.parse(JSON.stringify(json)), path);
  writeFileAtomic(path, JSON.stringify(json) + "\n");
}
