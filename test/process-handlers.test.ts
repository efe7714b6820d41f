/**
 * The wasm backend's Emscripten runtime rethrows every uncaught exception and unhandled
 * rejection, which kills a tslab kernel on an error tslab itself would print and survive
 * (lib/util/process-handlers.ts). The notebook's run header removes those handlers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/util/paths";

/** A process with tslab's two handlers loads the wasm backend (bare, or through the run header), then meets a stray throw and a stray rejection. */
const SCRIPT = (header: boolean) => `
process.on("uncaughtException", (e) => console.log("PRINTED " + e.message));
process.on("unhandledRejection", (e) => console.log("PRINTED " + e.message));
(async () => {
  ${header
    ? `await require(${JSON.stringify(join(REPO_ROOT, "lib", "report", "run-header.ts"))}).runHeader({ scale: "smoke", seeds: { seed: 1 } });`
    : `await require(${JSON.stringify(join(REPO_ROOT, "lib", "backend.ts"))}).initBackend({ quiet: true });`}
  setTimeout(() => { throw new Error("stray throw"); }, 10);
  setTimeout(() => Promise.reject(new Error("stray rejection")), 20);
  setTimeout(() => console.log("ALIVE"), 200);
})();`;

test("with the wasm backend loaded, a stray error kills a process that has tslab's handlers; after the run header it is printed and the kernel lives", () => {
  const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
  const run = (header: boolean) => spawnSync(tsx, ["-e", SCRIPT(header)], { cwd: REPO_ROOT, timeout: 60_000, env: { ...process.env, NPPO_BACKEND: "wasm" } });
  const bare = run(false);
  assert.notEqual(bare.status, 0, "the wasm backend's handlers still end the process: the condition this module works around is there");
  assert.doesNotMatch(bare.stdout.toString(), /ALIVE/);
  const kernel = run(true);
  assert.equal(kernel.status, 0, kernel.stderr.toString());
  assert.deepEqual(kernel.stdout.toString().trim().split("\n"), ["PRINTED stray throw", "PRINTED stray rejection", "ALIVE"]);
});
