/**
 * The first output of every notebook: where its numbers come from (git commit, package
 * versions, backend, seeds, scale), so a figure can always be traced to its run. It loads the
 * backend, so it also undoes what the wasm backend does to the kernel's error handling
 * (lib/util/process-handlers.ts).
 */
import { initBackend } from "../backend";
import { provenance } from "../experiments/provenance";
import type { Scale } from "../experiments/scale";
import { removeRethrowingHandlers } from "../util/process-handlers";
import { installSendQueue } from "../util/zmq-send-queue";

installSendQueue();

export async function runHeader(opts: { scale: Scale; seeds: Record<string, number> }): Promise<string> {
  const p = provenance(await initBackend({ quiet: true }));
  removeRethrowingHandlers();
  const lines = [
    `${p.package}, git ${p.gitCommit.slice(0, 12)}${p.gitDirty ? " (lib/ modified)" : ""}`,
    `scale: ${opts.scale}; seeds: ${Object.entries(opts.seeds).map(([k, v]) => `${k}=${v}`).join(", ")}`,
    `backend: ${p.backend.backend} (${p.backend.chosenBy}), tfjs ${p.backend.tfjsVersion}, node ${p.node}`,
    `versions: ${Object.entries(p.versions).map(([k, v]) => `${k} ${v}`).join(", ")}`,
  ];
  return lines.join("\n");
}
