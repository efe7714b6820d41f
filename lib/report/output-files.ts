/**
 * Where a notebook's figure files (PNG, SVG) and findings go. The committed figures/ and
 * findings are the paper-scale record, so only `npm run reproduce` at paper scale writes them:
 * it starts its kernels with NPPO_WRITE_FILES=committed. Every other run (Jupyter, nbclient,
 * another scale, an MDP of one's own) writes to the git-ignored scratch/figures/ instead, or
 * nothing with NPPO_WRITE_FILES=none; its figures still show inline.
 */
import { join } from "node:path";
import { REPO_ROOT } from "../util/paths";
import { ConfigError } from "../experiments/validate";

export const WRITE_FILES_ENV = "NPPO_WRITE_FILES";
export const WRITE_TARGETS = ["scratch", "committed", "none"] as const;
export type WriteTarget = (typeof WRITE_TARGETS)[number];

/** The committed figures folder (written only under NPPO_WRITE_FILES=committed). */
export const COMMITTED_FIGURES_DIR = join(REPO_ROOT, "figures");
/** The git-ignored folder every other run writes its figures and findings to. */
export const SCRATCH_FIGURES_DIR = join(REPO_ROOT, "scratch", "figures");

/** NPPO_WRITE_FILES: "scratch" (the default), "committed" or "none"; anything else is an error naming the variable. */
export function writeTarget(value: string | undefined = process.env[WRITE_FILES_ENV]): WriteTarget {
  if (value === undefined || value === "") return "scratch";
  if ((WRITE_TARGETS as readonly string[]).includes(value)) return value as WriteTarget;
  throw new ConfigError(`${WRITE_FILES_ENV} must be one of ${WRITE_TARGETS.join(", ")}, got ${JSON.stringify(value)}`);
}

/** The folder this process writes figure files to (findings in its findings/), or null: none. */
export function figuresDir(target: WriteTarget = writeTarget()): string | null {
  return target === "committed" ? COMMITTED_FIGURES_DIR : target === "scratch" ? SCRATCH_FIGURES_DIR : null;
}
