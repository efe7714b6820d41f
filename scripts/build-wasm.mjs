// Builds wasm/build/kernel.wasm from wasm/kernel.ts with the pinned AssemblyScript compiler
// (run by `npm install`/`npm ci` as postinstall; no binary is committed).
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const asc = join(dirname(require.resolve("assemblyscript/package.json")), "bin", "asc.js");
mkdirSync(join(root, "wasm", "build"), { recursive: true });
execFileSync(process.execPath, [asc, join(root, "wasm", "kernel.ts"), "-O3", "--runtime", "stub", "--enable", "simd", "--noAssert", "--initialMemory", "2", "-o", join(root, "wasm", "build", "kernel.wasm")], { stdio: "inherit" });
process.stdout.write("built wasm/build/kernel.wasm\n");
