/**
 * Run scale: "smoke" (CI, seconds) or "paper" (the committed figures). Notebooks and the
 * reproduction read it from NPPO_SCALE; anything else is an error naming the variable.
 */
import { ConfigError } from "./validate";

export const SCALE_ENV = "NPPO_SCALE";
export const SCALES = ["smoke", "paper"] as const;
export type Scale = (typeof SCALES)[number];

export function parseScale(value: string | undefined, field = SCALE_ENV): Scale {
  if (value === undefined || value === "") return "paper";
  if ((SCALES as readonly string[]).includes(value)) return value as Scale;
  throw new ConfigError(`${field} must be one of ${SCALES.join(", ")}, got ${JSON.stringify(value)}`);
}

/** The scale this process runs at (default "paper"). */
export function currentScale(): Scale {
  return parseScale(process.env[SCALE_ENV]);
}
