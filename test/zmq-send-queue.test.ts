import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/util/paths";

/** Publish 700 messages in one tick on a fresh socket, as tslab does during a long cell. */
const SCRIPT = (patched: boolean) => `
const zmq = require("zeromq");
${patched ? 'require(' + JSON.stringify(join(REPO_ROOT, "lib", "util", "zmq-send-queue.ts")) + ').installSendQueue();' : ""}
(async () => {
  const pub = new zmq.Publisher(); await pub.bind("tcp://127.0.0.1:0");
  const sub = new zmq.Subscriber(); sub.connect(pub.lastEndpoint); sub.subscribe();
  await new Promise((r) => setTimeout(r, 300));
  try { for (let i = 0; i < 700; i++) pub.send(String(i)); } catch (e) { console.log("THREW " + e.code); process.exit(0); }
  const got = [];
  for await (const [m] of sub) { got.push(Number(m.toString())); if (got.length === 700) break; }
  console.log("IN ORDER " + got.every((v, i) => v === i));
  pub.close(); sub.close();
})();`;

test("zeromq.js throws EBUSY past 512 synchronous sends; the send queue delivers all 700, in order", () => {
  const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
  const run = (patched: boolean) => spawnSync(tsx, ["-e", SCRIPT(patched)], { cwd: REPO_ROOT, timeout: 30_000 }).stdout.toString().trim();
  assert.equal(run(false), "THREW EBUSY", "the limit this module works around is still there");
  assert.equal(run(true), "IN ORDER true");
});
