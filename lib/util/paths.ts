/**
 * One convention for every path a user types (issue 23): relative to the repository root,
 * wherever the code runs. A notebook's kernel runs in notebooks/, a script in the repository
 * root; a config's `mdp`, `writeMdp`/`loadMdp`, `saveFigure` and `readResultsFrame` all read a
 * relative path from the root, so a file written from a notebook is the file a config names.
 * Absolute paths are kept.
 */
import { realpathSync } from "node:fs";
import { isAbsolute, join } from "node:path";

/** The repository root. Resolved through symlinks: notebooks import lib/ through the notebooks/lib symlink, and tslab keeps the symlinked path in __dirname. */
export const REPO_ROOT = join(realpathSync(__dirname), "..", "..");

/** A path as a user typed it, made absolute: relative paths are from the repository root. */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : join(REPO_ROOT, path);
}
