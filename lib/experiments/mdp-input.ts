/**
 * MDP files named in experiment configs: paths are relative to the repository root (so a
 * config means the same from the CLI and from a notebook, whose working directory is
 * notebooks/), and the file's content hash goes into the result key, so editing an MDP
 * file invalidates cached results.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { loadMdp } from "../mdp/format";
import type { FiniteMdp } from "../mdp/mdp";
import { userPath } from "../paths";

export interface MdpInput {
  mdp: FiniteMdp;
  /** Absolute path. */
  path: string;
  /** sha256 of the file's bytes (first 16 hex digits). */
  sha256: string;
}

export function resolveMdpPath(path: string): string {
  return userPath(path);
}

/** Load and validate the MDP file a config names (MdpFormatError on bad input). */
export function loadMdpInput(path: string): MdpInput {
  const abs = resolveMdpPath(path);
  const mdp = loadMdp(abs);
  return { mdp, path: abs, sha256: createHash("sha256").update(readFileSync(abs)).digest("hex").slice(0, 16) };
}
