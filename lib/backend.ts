/**
 * The one place that chooses the TensorFlow.js backend (STACK.md):
 * tfjs-node ("tensorflow") if it loads, else WebAssembly ("wasm"), else plain JS ("cpu").
 * The environment variable NPPO_BACKEND = tensorflow | wasm | cpu overrides the choice;
 * an override that cannot be honoured is an error, never a silent fallback, because the
 * backend changes the numerics and is recorded with every result.
 */
import * as tf from "@tensorflow/tfjs";

export const BACKEND_ENV = "NPPO_BACKEND";
export const BACKENDS = ["tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What is recorded next to every result. */
export interface BackendInfo {
  backend: BackendName;
  /** How it was chosen: the override's value, or "auto". */
  chosenBy: string;
  tfjsVersion: string;
}

let chosen: Promise<BackendInfo> | null = null;

/** An NPPO_BACKEND value that is not a backend: bad input, exit status 2 at the command line. */
export class BackendOverrideError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "BackendOverrideError";
  }

  /** How a notebook shows it (tslab prints errors with util.inspect): the message alone, no stack into compiled paths. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${this.name}: ${this.message}`;
  }
}

/** Parse the override; throws naming the variable, the value and the rule. */
export function parseBackendOverride(value: string | undefined): BackendName | null {
  if (value === undefined || value === "") return null;
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new BackendOverrideError(`${BACKEND_ENV} must be one of ${BACKENDS.join(", ")}, got ${JSON.stringify(value)}`);
}

/** Switch tfjs to `name` (loading its package); null on success, else why it failed. The benchmark uses it to time every backend in one process. */
export async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === "tensorflow") require("@tensorflow/tfjs-node");
    if (name === "wasm") require("@tensorflow/tfjs-backend-wasm");
    const ok = await tf.setBackend(name);
    if (!ok) return `tf.setBackend("${name}") returned false`;
    await tf.ready();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.split("\n")[0] : String(e);
  }
}

/**
 * Choose, initialise and report the backend; later calls return the same choice.
 * The first call prints one line to stderr unless `quiet` (a notebook's run header prints the
 * backend itself, and JupyterLab shows any stderr output as a warning).
 */
export function initBackend(opts: { quiet?: boolean } = {}): Promise<BackendInfo> {
  if (chosen) return chosen;
  chosen = (async () => {
    const requested = parseBackendOverride(process.env[BACKEND_ENV]);
    const candidates: BackendName[] = requested ? [requested] : [...BACKENDS];
    const failures: string[] = [];
    for (const name of candidates) {
      const failure = await tryBackend(name);
      if (failure === null) {
        const info: BackendInfo = { backend: name, chosenBy: requested ? `${BACKEND_ENV}=${requested}` : "auto", tfjsVersion: tf.version.tfjs };
        if (!opts.quiet) process.stderr.write(`[neural-ppo-companion] tfjs backend: ${name} (${info.chosenBy}; tfjs ${info.tfjsVersion})\n`);
        return info;
      }
      failures.push(`${name}: ${failure}`);
    }
    chosen = null;
    throw new Error(`no TensorFlow.js backend could be initialised (${failures.join("; ")})`);
  })();
  return chosen;
}
