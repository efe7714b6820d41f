// Builds native/build/kernel.node (the native float32 kernel, native/kernel.c) for this
// machine's CPU, with the C compiler here ($CC, else cc) and the Node-API headers of the Node
// that runs this script; run by `npm install`/`npm ci` as postinstall. Nothing is downloaded.
// It never fails the install: where no compiler, no headers or no build works, it says so in
// one line, records why in native/build/unavailable.txt, and kernel "fast" runs the
// WebAssembly kernel. `--out DIR` builds elsewhere (the fallback test uses it).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outFlag = process.argv.indexOf("--out");
const outDir = outFlag >= 0 ? process.argv[outFlag + 1] : join(root, "native", "build");
const addon = join(outDir, "kernel.node");
const reasonFile = join(outDir, "unavailable.txt");
mkdirSync(outDir, { recursive: true });
rmSync(addon, { force: true });
rmSync(reasonFile, { force: true });

// Where the headers of this Node are: npm's nodedir (npm_config_nodedir in install scripts),
// then <prefix>/include/node beside the node binary (official tarballs, Debian's /usr).
function nodeHeaders() {
  const candidates = [process.env.npm_config_nodedir, join(dirname(process.execPath), "..")].filter(Boolean).map((d) => join(d, "include", "node"));
  return candidates.find((d) => existsSync(join(d, "node_api.h"))) ?? null;
}

function compile(cc, flags) {
  const args = ["-std=gnu11", "-O3", "-march=native", "-ffp-contract=off", ...flags, "-shared", "-fPIC", `-I${headers}`, join(root, "native", "kernel.c"), "-o", addon, "-lm"];
  if (process.platform === "darwin") args.push("-undefined", "dynamic_lookup");
  execFileSync(cc, args, { stdio: ["ignore", "ignore", "pipe"] });
}

function unavailable(why) {
  writeFileSync(reasonFile, `${why}\n`);
  process.stdout.write(`native kernel not built: ${why}; kernel "fast" will run the WebAssembly kernel (wasm-simd-f32)\n`);
}

const cc = process.env.CC || "cc";
const headers = nodeHeaders();
let compilerWorks = true;
try {
  execFileSync(cc, ["--version"], { stdio: "ignore" });
} catch {
  compilerWorks = false;
}
if (!compilerWorks) unavailable(`no C compiler (\`${cc}\` does not run; set CC to use another)`);
else if (headers === null) unavailable(`no Node-API headers (node_api.h) under npm's nodedir or ${join(dirname(process.execPath), "..", "include", "node")}`);
else {
  // OpenMP spreads replicas over threads; a compiler without it (Apple's clang) still builds a one-thread kernel.
  let error = null;
  for (const flags of [["-fopenmp"], []]) {
    try {
      compile(cc, flags);
      error = null;
      break;
    } catch (e) {
      error = e;
    }
  }
  if (error === null) process.stdout.write(`built ${relative(root, addon)} (${cc}, -march=native)\n`);
  else unavailable(`${cc} failed to compile native/kernel.c: ${(error.stderr?.toString() || error.message).trim().split("\n").slice(0, 3).join(" | ")}`);
}
