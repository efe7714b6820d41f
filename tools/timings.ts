/**
 * How long each notebook took at each scale on the last run (data/timings.json), for the
 * overall ETA that `npm run reproduce` prints; unknown notebooks count as unknown, not zero.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../lib/util/atomic-write";
import { REPO_ROOT } from "../lib/util/paths";

const FILE = join(REPO_ROOT, "data", "timings.json");
type Timings = Record<string, Record<string, number>>;

function read(): Timings {
  return existsSync(FILE) ? (JSON.parse(readFileSync(FILE, "utf8")) as Timings) : {};
}

export function recordTiming(notebook: string, scale: string, seconds: number): void {
  const t = read();
  t[scale] = { ...(t[scale] ?? {}), [notebook]: Math.round(seconds) };
  writeFileAtomic(FILE, JSON.stringify(t, null, 1) + "\n");
}

/** "overall ETA ≈ 12 min (last run's times, 2 at a time)" for the notebooks still to run. */
export function etaLine(remaining: string[], scale: string, jobs: number): string {
  const t = read()[scale] ?? {};
  const known = remaining.filter((n) => n in t);
  const seconds = known.reduce((s, n) => s + t[n], 0) / Math.max(1, Math.min(jobs, remaining.length));
  const unknown = remaining.length - known.length;
  if (known.length === 0) return "overall ETA unknown (no earlier run at this scale)";
  const text = seconds < 90 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} min`;
  return `overall ETA ≈ ${text} from the last run's times${unknown > 0 ? ` (+ ${unknown} notebook${unknown > 1 ? "s" : ""} never timed)` : ""}`;
}
