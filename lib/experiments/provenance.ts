/**
 * What is recorded next to every result (Standards: "records its config, seeds, versions
 * and backend"): package versions, git commit, Node version, backend.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { BackendInfo } from "../backend";

export interface Provenance {
  package: string;
  gitCommit: string;
  /** True when the working tree had uncommitted changes under lib/. */
  gitDirty: boolean;
  node: string;
  versions: Record<string, string>;
  backend: BackendInfo;
  /** NPPO_SCALE of the run ("paper" when unset). */
  scale: string;
}

import { REPO_ROOT } from "../util/paths";


function installedVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "not installed";
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    return null;
  }
}

export function provenance(backend: BackendInfo): Provenance {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
  return {
    package: `${pkg.name}@${pkg.version}`,
    gitCommit: git(["rev-parse", "HEAD"]) ?? "unknown",
    gitDirty: (git(["status", "--porcelain", "--", "lib"]) ?? "") !== "",
    node: process.version,
    versions: Object.fromEntries(
      ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs-node", "tslab"].map((n) => [n, installedVersion(n)]),
    ),
    backend,
    scale: process.env.NPPO_SCALE || "paper",
  };
}

/** sha256 (16 hex digits) of source files' paths (relative to `root`) and contents, in the order given. */
export function hashSourceFiles(paths: string[], root: string): string {
  const h = createHash("sha256");
  for (const path of paths) h.update(relative(root, path)).update("\0").update(readFileSync(path)).update("\0");
  return h.digest("hex").slice(0, 16);
}
