/**
 * Combining sharded runs: each shard computes into its own results store (NPPO_RESULTS_DIR or
 * data/results/ on its machine); merging copies every complete result folder (one with
 * meta.json) into data/results/, so the notebooks then read everything from the cache. Keys
 * are content hashes, so shards never collide; an existing folder is kept.
 */
import { cpSync, existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { recordResultsDir } from "./cache";

/** Copy complete result folders from `stores` into the results store; returns how many were copied. */
export function mergeResults(stores: string[], into: string = recordResultsDir()): number {
  let copied = 0;
  for (const store of stores) {
    if (!existsSync(store)) throw new Error(`--merge: ${store} does not exist`);
    for (const experiment of readdirSync(store)) {
      for (const key of readdirSync(join(store, experiment))) {
        const from = join(store, experiment, key);
        const to = join(into, experiment, key);
        if (!existsSync(join(from, "meta.json")) || existsSync(join(to, "meta.json"))) continue;
        // Copy beside, then rename: an interrupted merge never leaves a half folder under the key.
        const tmp = `${to}.merge-${process.pid}`;
        rmSync(tmp, { recursive: true, force: true });
        cpSync(from, tmp, { recursive: true });
        renameSync(tmp, to);
        copied++;
      }
    }
  }
  return copied;
}
