// npm run bench:oracle [-- --out bench/oracle-last-run.json]: time and peak memory of the exact
// oracle at Taxi's size (lib/bench/oracle.ts), each step in a fresh process; dense solvers at
// smaller n with their cost extrapolated to n = 3000 as n³. Prints a Markdown table (README).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { oracleSteps } from "../lib/bench/oracle";
import { REPO_ROOT } from "../lib/util/paths";
import { writeFileAtomic } from "../lib/util/atomic-write";

const child = process.argv.indexOf("--step");
if (child >= 0) {
  const step = oracleSteps()[Number(process.argv[child + 1])];
  const before = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const value = step.run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ seconds, peakMiB: process.resourceUsage().maxRSS / 1024, baselineMiB: before / 2 ** 20, value }) + "\n");
} else {
  const out = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1] : join(REPO_ROOT, "bench", "oracle-last-run.json");
  const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
  const rows = oracleSteps().map((s, i) => {
    const r = JSON.parse(execFileSync(tsx, [__filename, "--step", String(i)], { encoding: "utf8", maxBuffer: 1 << 20 }));
    const at3000 = s.n === 3000 ? r.seconds : r.seconds * (3000 / s.n) ** 3;
    process.stderr.write(`${s.name}, n = ${s.n}: ${r.seconds.toFixed(2)} s, peak ${r.peakMiB.toFixed(0)} MiB\n`);
    return { step: s.name, n: s.n, seconds: r.seconds, peakMiB: r.peakMiB, secondsAt3000: at3000, extrapolated: s.n !== 3000, value: r.value };
  });
  writeFileAtomic(out, JSON.stringify({ rows }, null, 1) + "\n");
  process.stdout.write("| step | n | time | peak RSS | at n = 3000 |\n|---|---|---|---|---|\n");
  for (const r of rows) process.stdout.write(`| ${r.step} | ${r.n} | ${r.seconds.toFixed(2)} s | ${r.peakMiB.toFixed(0)} MiB | ${r.extrapolated ? `≈ ${r.secondsAt3000 >= 600 ? `${(r.secondsAt3000 / 60).toFixed(0)} min` : `${r.secondsAt3000.toFixed(0)} s`} (n³)` : "measured"} |\n`);
}
