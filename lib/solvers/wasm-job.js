// One call of a function of the WebAssembly kernel (wasm/kernel.ts) on a memory image: used
// by lib/solvers/wasm-kernel.ts on the main thread and, as the body of a worker thread, by
// lib/solvers/wasm-pool.ts. Plain CommonJS so that worker threads load it without a
// TypeScript loader. A job is { fn, bytes, images: [{ at, data }], args, outputs: [{ at, count }] }
// (byte offsets; outputs are float64); the result is { ret, outs: Float64Array[] }.
"use strict";
const { isMainThread, parentPort } = require("node:worker_threads");

function instantiate(module) {
  return new WebAssembly.Instance(module, { env: { abort: () => { throw new Error("wasm kernel aborted"); } } }).exports;
}

function runJob(exports, job) {
  const have = exports.memory.buffer.byteLength;
  if (job.bytes > have) exports.memory.grow(Math.ceil((job.bytes - have) / 65536));
  const buffer = exports.memory.buffer;
  for (const { at, data } of job.images) new Uint8Array(buffer, at, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const ret = exports[job.fn](...job.args);
  const outs = job.outputs.map(({ at, count }) => new Float64Array(exports.memory.buffer, at, count).slice());
  return { ret, outs };
}

if (!isMainThread && parentPort) {
  let exports = null;
  parentPort.on("message", (msg) => {
    try {
      if (msg.module) {
        exports = instantiate(msg.module);
        return;
      }
      const result = runJob(exports, msg.job);
      parentPort.postMessage({ id: msg.id, ret: result.ret, outs: result.outs }, result.outs.map((o) => o.buffer));
    } catch (e) {
      parentPort.postMessage({ id: msg.id, error: e && e.stack ? e.stack : String(e) });
    }
  });
}

module.exports = { instantiate, runJob };
