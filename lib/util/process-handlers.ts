/**
 * Keeps a tslab kernel alive through a stray error once TensorFlow.js's WebAssembly backend is
 * loaded. Its Emscripten runtime adds process handlers that rethrow every uncaught exception
 * and every unhandled rejection, so an error that tslab prints and survives
 * ("UncaughtException: …") ends the kernel instead (exit status 7). In CI, tslab's own
 * TypeScript file watcher threw ("Unexpected pending rebuildTimer") when files changed around
 * the repository while a kernel ran, and a heartbeat send after shutdown ("Socket is closed")
 * took its kernel down the same way.
 *
 * Without tslab's handlers, in a script, Node's defaults end the process on either error, as the
 * removed handlers did, so removing them changes nothing there.
 */

type Listener = (...args: unknown[]) => void;

// Emscripten's two handlers (tfjs-backend-wasm 4.x, both its bundles), without whitespace and semicolons.
const RETHROWING: Record<string, string> = {
  uncaughtException: "function(ex){if(!(exinstanceofExitStatus)){throwex}}",
  unhandledRejection: "function(reason){throwreason}",
};

const squeezed = (f: Listener) => f.toString().replace(/[\s;]/g, "");

/** Remove the process handlers that rethrow (Emscripten's, added when the wasm backend loads); returns how many were removed. */
export function removeRethrowingHandlers(): number {
  // As a plain emitter: process's typed overloads take one event name at a time (tslab's TypeScript rejects the union).
  const emitter: NodeJS.EventEmitter = process;
  let removed = 0;
  for (const [event, source] of Object.entries(RETHROWING)) {
    for (const listener of emitter.listeners(event) as Listener[]) {
      if (squeezed(listener) !== source) continue;
      emitter.removeListener(event, listener);
      removed++;
    }
  }
  return removed;
}
