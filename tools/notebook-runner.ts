/**
 * Executes a notebook in the repo's tslab kernel and writes its outputs, speaking the
 * Jupyter messaging protocol (v5.3) over ZeroMQ directly, so that `npm run reproduce` needs
 * nothing but Node and npm. The kernel is the same one Jupyter starts (see
 * jupyter/kernels/tslab/kernel.json), run with the notebook's folder as working directory.
 * CI also runs every notebook through real Jupyter (scripts/run_notebooks.py).
 */
import { spawn, ChildProcess } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Dealer, Subscriber } from "zeromq";
import { REPO_ROOT } from "../lib/util/paths";
import { writeFileAtomic } from "../lib/util/atomic-write";
import { notebookFingerprint, outputsDigest } from "./staleness";

type Json = Record<string, any>;

interface Message {
  header: Json;
  parent_header: Json;
  metadata: Json;
  content: Json;
}

export interface CellFailure {
  index: number;
  source: string;
  /** The error as the kernel reported it: error output, or stderr (tslab's compile errors). */
  error: string;
}

export interface NotebookRun {
  path: string;
  ok: boolean;
  failure?: CellFailure;
  seconds: number;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const DELIMITER = "<IDS|MSG>";

class KernelClient {
  private readonly shell = new Dealer();
  private readonly iopub = new Subscriber();
  private readonly session = randomUUID();
  private readonly pending = new Map<string, (m: Message) => void>();
  private readonly listeners = new Map<string, (m: Message) => void>();
  private closed = false;
  private exitError: Error | null = null;

  private constructor(private readonly key: string, private readonly proc: ChildProcess, private readonly connDir: string) {}

  static async start(cwd: string, env: NodeJS.ProcessEnv): Promise<KernelClient> {
    const ports = await Promise.all([0, 1, 2, 3, 4].map(() => freePort()));
    const key = randomBytes(16).toString("hex");
    const connDir = mkdtempSync(join(tmpdir(), "nppo-kernel-"));
    const connFile = join(connDir, "connection.json");
    const [shell_port, iopub_port, stdin_port, control_port, hb_port] = ports;
    writeFileSync(connFile, JSON.stringify({ shell_port, iopub_port, stdin_port, control_port, hb_port, ip: "127.0.0.1", key, transport: "tcp", signature_scheme: "hmac-sha256", kernel_name: "tslab" }));
    const tslab = join(REPO_ROOT, "node_modules", "tslab", "bin", "tslab");
    const proc = spawn(process.execPath, [tslab, "kernel", "--config-path", connFile], { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
    const client = new KernelClient(key, proc, connDir);
    proc.on("exit", (code, signal) => {
      client.exitError = new Error(`kernel exited (code ${code}, signal ${signal})`);
      for (const notify of [...client.pending.values()]) notify({ header: { msg_type: "kernel_died" }, parent_header: {}, metadata: {}, content: {} });
    });
    client.shell.connect(`tcp://127.0.0.1:${shell_port}`);
    client.iopub.connect(`tcp://127.0.0.1:${iopub_port}`);
    client.iopub.subscribe();
    void client.pump(client.shell, (m) => client.pending.get(m.parent_header.msg_id)?.(m));
    void client.pump(client.iopub, (m) => client.listeners.get(m.parent_header.msg_id)?.(m));
    await client.waitReady();
    return client;
  }

  private sign(parts: string[]): string {
    const h = createHmac("sha256", this.key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  }

  private async pump(socket: Dealer | Subscriber, handle: (m: Message) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        const strs = frames.map((f) => f.toString("utf8"));
        const i = strs.indexOf(DELIMITER);
        if (i < 0) continue;
        const [sig, header, parent, metadata, content] = strs.slice(i + 1, i + 6);
        if (sig !== this.sign([header, parent, metadata, content])) continue;
        handle({ header: JSON.parse(header), parent_header: JSON.parse(parent), metadata: JSON.parse(metadata), content: JSON.parse(content) });
      }
    } catch (e) {
      if (!this.closed) throw e;
    }
  }

  private async send(msgType: string, content: Json): Promise<string> {
    const msgId = randomUUID();
    const header = JSON.stringify({ msg_id: msgId, session: this.session, username: "nppo", date: new Date().toISOString(), msg_type: msgType, version: "5.3" });
    const parts = [header, "{}", "{}", JSON.stringify(content)];
    await this.shell.send([DELIMITER, this.sign(parts), ...parts]);
    return msgId;
  }

  /**
   * Wait until the kernel answers and its iopub messages reach us. tslab sends on iopub
   * without awaiting, so two of its sends overlapping crash it ("Socket is busy writing"):
   * requests go one at a time, never piled up while the kernel is still starting.
   */
  private async waitReady(): Promise<void> {
    const ask = (timeoutMs: number, onIopub: boolean) =>
      new Promise<boolean>((resolve) => {
        void this.send("kernel_info_request", {}).then((id) => {
          const done = (ok: boolean) => {
            clearTimeout(t);
            this.pending.delete(id);
            this.listeners.delete(id);
            resolve(ok);
          };
          const t = setTimeout(() => done(false), timeoutMs);
          if (onIopub) this.listeners.set(id, () => done(true));
          else this.pending.set(id, () => done(true));
        });
      });
    // ZeroMQ queues the request until the kernel binds its sockets: one request is enough.
    if (!(await ask(60_000, false))) throw this.exitError ?? new Error("kernel did not answer within 60 s");
    // Subscriptions join late: probe until a status message for our request arrives on iopub.
    for (let i = 0; i < 30; i++) {
      if (this.exitError) throw this.exitError;
      if (await ask(2000, true)) return;
    }
    throw new Error("kernel's iopub messages did not arrive within 60 s");
  }

  /** Execute `code`; outputs in nbformat form, the reply's status and execution count. `onDisplay` sees every display's plain text. */
  async execute(code: string, timeoutMs: number, onDisplay?: (text: string) => void): Promise<{ outputs: Json[]; status: string; executionCount: number | null; stderr: string; error: string }> {
    const outputs: Json[] = [];
    const byDisplayId = new Map<string, Json[]>();
    let stderr = "";
    let error = "";
    let idle = false;
    let reply: Message | null = null;
    const msgId = randomUUID();
    const notify = (c: Json) => {
      if (onDisplay && typeof c.data?.["text/plain"] === "string") onDisplay(c.data["text/plain"]);
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cell timed out after ${timeoutMs / 1000} s`)), timeoutMs);
      const finish = () => {
        if (!(idle && reply)) return;
        clearTimeout(timer);
        this.listeners.delete(msgId);
        this.pending.delete(msgId);
        if (reply.header.msg_type === "kernel_died") return reject(this.exitError ?? new Error("kernel died"));
        resolve({ outputs, status: reply.content.status, executionCount: reply.content.execution_count ?? null, stderr, error });
      };
      this.listeners.set(msgId, (m) => {
        const t = m.header.msg_type;
        const c = m.content;
        if (t === "status" && c.execution_state === "idle") {
          idle = true;
          finish();
        } else if (t === "stream") {
          if (c.name === "stderr") stderr += c.text;
          const last = outputs[outputs.length - 1];
          if (last && last.output_type === "stream" && last.name === c.name) last.text += c.text;
          else outputs.push({ output_type: "stream", name: c.name, text: c.text });
        } else if (t === "display_data" || t === "execute_result") {
          notify(c);
          const out: Json = t === "display_data" ? { output_type: t, data: c.data, metadata: c.metadata ?? {} } : { output_type: t, data: c.data, metadata: c.metadata ?? {}, execution_count: c.execution_count };
          outputs.push(out);
          const id = c.transient?.display_id;
          if (id) byDisplayId.set(id, [...(byDisplayId.get(id) ?? []), out]);
        } else if (t === "update_display_data") {
          notify(c);
          for (const out of byDisplayId.get(c.transient?.display_id) ?? []) {
            out.data = c.data;
            out.metadata = c.metadata ?? {};
          }
        } else if (t === "error") {
          error += `${c.ename}: ${c.evalue}\n${(c.traceback ?? []).join("\n")}`;
          outputs.push({ output_type: "error", ename: c.ename, evalue: c.evalue, traceback: c.traceback ?? [] });
        } else if (t === "clear_output") {
          outputs.length = 0;
        }
      });
      this.pending.set(msgId, (m) => {
        if (m.header.msg_type === "kernel_died") {
          clearTimeout(timer);
          this.listeners.delete(msgId);
          this.pending.delete(msgId);
          return reject(this.exitError ?? new Error("kernel died"));
        }
        reply = m;
        finish();
      });
      // Send with the id the listeners already wait for.
      const header = JSON.stringify({ msg_id: msgId, session: this.session, username: "nppo", date: new Date().toISOString(), msg_type: "execute_request", version: "5.3" });
      const parts = [header, "{}", "{}", JSON.stringify({ code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true })];
      this.shell.send([DELIMITER, this.sign(parts), ...parts]).catch(reject);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.shell.close();
    this.iopub.close();
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once("exit", r));
      this.proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
    }
    rmSync(this.connDir, { recursive: true, force: true });
  }
}

const sourceOf = (cell: Json) => (Array.isArray(cell.source) ? cell.source.join("") : String(cell.source ?? ""));

/** Split a string into nbformat's list-of-lines form (every line keeps its newline). */
function toLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

function normaliseOutput(out: Json): Json {
  if (out.output_type === "stream") return { ...out, text: toLines(out.text) };
  if (out.data) {
    const data: Json = {};
    for (const [k, v] of Object.entries(out.data)) data[k] = typeof v === "string" && (k.startsWith("text/") || k === "image/svg+xml") ? toLines(v) : v;
    return { ...out, data };
  }
  return out;
}

/**
 * Execute every code cell of the notebook at `path` in order, stopping at the first failure,
 * and write the outputs back (atomically) unless `write` is false. `env` is the kernel's
 * environment (e.g. NPPO_SCALE).
 */
export async function runNotebook(path: string, opts: { env?: NodeJS.ProcessEnv; write?: boolean; cellTimeoutMs?: number; onCell?: (index: number, total: number) => void; onDisplay?: (text: string) => void; continueOnError?: boolean } = {}): Promise<NotebookRun> {
  const start = Date.now();
  const nb = JSON.parse(readFileSync(path, "utf8"));
  const kernel = await KernelClient.start(dirname(path), { ...process.env, ...opts.env });
  let failure: CellFailure | undefined;
  try {
    const cells: Json[] = nb.cells;
    let count = 0;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      if (cell.cell_type !== "code") continue;
      const source = sourceOf(cell);
      let result;
      try {
        result = await kernel.execute(source, opts.cellTimeoutMs ?? 30 * 60_000, opts.onDisplay);
      } catch (e) {
        failure = { index: i, source, error: (e as Error).message };
        break;
      }
      cell.outputs = result.outputs.map(normaliseOutput);
      cell.execution_count = result.executionCount ?? ++count;
      count = cell.execution_count;
      opts.onCell?.(i, cells.length);
      // Let the kernel flush its last iopub sends before the next request (see waitReady).
      await new Promise((r) => setTimeout(r, 50));
      if (result.status !== "ok") {
        failure ??= { index: i, source, error: (result.error || result.stderr || "(the kernel reported an error without a message)").trim() };
        // Planning (reproduce --plan) runs every cell: a later one may name another result.
        if (!opts.continueOnError) break;
      }
    }
  } finally {
    await kernel.close();
  }
  if (opts.write !== false) {
    // A failed run leaves the notebook without a fingerprint: it is stale until rerun.
    nb.metadata.nppo = failure === undefined ? { madeFrom: notebookFingerprint(nb.cells), scale: opts.env?.NPPO_SCALE ?? "paper", outputs: outputsDigest(nb.cells) } : { madeFrom: "failed run" };
    writeFileAtomic(path, JSON.stringify(nb, null, 1) + "\n");
  }
  return { path, ok: failure === undefined, failure, seconds: (Date.now() - start) / 1000 };
}
