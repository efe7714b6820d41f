// npm run bench [-- --cap-seconds 20 --widths 256,1024 --threads 2 --out bench/last-run.json]
// See bench/README.md. Exits 1 if any path's error disagrees with the WebAssembly kernel's.
import { writeFileAtomic } from "../lib/util/atomic-write";
import { ANCHOR_PATH, disagreements, MSE_TOLERANCE, runBench } from "../lib/bench/bench";
import { BENCH_SETTINGS } from "../lib/bench/workload";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function positive(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) throw new RangeError(`--${name} must be a positive ${integer ? "integer" : "number"}, got ${JSON.stringify(value)}`);
  return v;
}

async function main() {
  const widths = arg("widths")?.split(",").map((w) => positive("widths", w, true)!) ?? BENCH_SETTINGS.widths;
  const out = arg("out") ?? "bench/last-run.json";
  const report = await runBench({ ...BENCH_SETTINGS, widths }, {
    capSeconds: positive("cap-seconds", arg("cap-seconds"), false) ?? 20,
    threads: positive("threads", arg("threads"), true),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  writeFileAtomic(out, JSON.stringify(report, null, 1));
  process.stdout.write(`\npython/torch: ${report.torch}\nC yardstick: ${report.yardstick}\n`);
  for (const r of report.ratios) {
    const torch = r.ratioToTorch === null ? "no PyTorch" : `${r.ratioToTorch.toFixed(2)}× PyTorch`;
    const yardstick = r.percentOfYardstick === null ? "no yardstick" : `${r.percentOfYardstick.toFixed(0)}% of the C yardstick`;
    process.stdout.write(`${r.algorithm} m=${r.width}: ${r.fastKernel}: ${yardstick}, ${torch}\n`);
  }
  const bad = disagreements(report);
  for (const r of bad) process.stdout.write(`DISAGREES: ${r.algorithm} m=${r.width} ${r.path}: MSE ${r.mse} differs from ${ANCHOR_PATH}'s by ${(r.mseRelDiff! * 100).toFixed(3)}% (> ${MSE_TOLERANCE * 100}%)\n`);
  process.stdout.write(`wrote ${out} (${report.seconds.toFixed(0)} s)\n`);
  process.exit(bad.length > 0 ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
  process.exit(2);
});
