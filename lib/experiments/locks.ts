/**
 * Locks on result folders being computed (lib/experiments/cache.ts): `<dir>.lock` holds the
 * owner's pid; a live owner is waited for, a dead one's lock taken over, and a lock is removed
 * when its process exits or is killed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

export class ResultsLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResultsLockedError";
  }
}

/** Whether a process is running. A zombie (killed, not yet reaped: common in containers, where
 * signal 0 still reaches it) is not; Linux tells them apart through /proc. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return true;
  }
}

const heldLocks = new Set<string>();
let cleanupInstalled = false;

/**
 * Locks this process holds are removed when it exits normally or on an error (an exit hook),
 * and also when it is killed (SIGINT at the terminal, SIGTERM, SIGKILL): a JavaScript signal
 * handler would run only when a solver call returns, which would make Ctrl-C wait for it, so a
 * small watcher process (detached, one per lock, polling once a second) removes the lock when
 * its owner is gone and exits when the lock is released. The watcher starts before the lock is
 * created, so a kill at any moment after creation is seen (started after it, a Ctrl-C between
 * the two left the lock behind).
 */
function installLockCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", () => {
    for (const path of heldLocks) {
      try {
        if (Number(readFileSync(path, "utf8")) === process.pid) unlinkSync(path);
      } catch {
        // already gone
      }
    }
    heldLocks.clear();
  });
}

// Until the lock holds the owner's pid the watcher waits (the owner is creating it); once it
// has, the lock's removal or a new owner means it was released.
const WATCHER = `const fs = require("fs"); const [path, pid] = process.argv.slice(1); let held = false;
const alive = () => { try { process.kill(Number(pid), 0); const st = fs.readFileSync("/proc/" + pid + "/stat", "utf8"); const c = st[st.lastIndexOf(")") + 2]; return c !== "Z" && c !== "X"; } catch (e) { return e.code === "EPERM"; } };
const tick = () => { let owner = null; try { owner = fs.readFileSync(path, "utf8"); } catch {}
  if (owner === pid) { held = true; if (!alive()) { try { fs.unlinkSync(path); } catch {} process.exit(0); } }
  else if (held || !alive()) process.exit(0);
  setTimeout(tick, 1000); };
tick();`;

/** Start the watcher that removes `path` once this process is gone (see installLockCleanup);
 * its handle, to stop it when the lock is not taken. */
function watchLock(path: string): ChildProcess | undefined {
  try {
    const child = spawn(process.execPath, ["-e", WATCHER, path, String(process.pid)], { detached: true, stdio: "ignore", env: {} });
    child.unref();
    return child;
  } catch {
    // Without a watcher a dead owner's lock is still taken over by the next run, or removed by `npm run clean`.
    return undefined;
  }
}

/** Lock files under `roots` whose process is gone (stale); removed unless `dryRun`. Returns their paths. */
export function removeStaleLocks(roots: string[], dryRun = false): string[] {
  const out: string[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const experiment of readdirSync(root)) {
      const dir = join(root, experiment);
      if (!statSync(dir).isDirectory()) continue;
      for (const f of readdirSync(dir).filter((n) => n.endsWith(".lock"))) {
        const path = join(dir, f);
        const owner = Number(readFileSync(path, "utf8"));
        if (Number.isInteger(owner) && owner > 0 && alive(owner)) continue;
        if (!dryRun) unlinkSync(path);
        out.push(path);
      }
    }
  }
  return out;
}

/**
 * Take `<dir>.lock` (created exclusively, holding our pid). A lock whose process is gone
 * (kill -9) is taken over; a live one is refused with a clear message, so two runs never
 * compute into the same folder at once. Returns the release function.
 */
export function lockResults(dir: string): () => void {
  const path = `${dir}.lock`;
  installLockCleanup();
  mkdirSync(dirname(path), { recursive: true });
  const watcher = watchLock(path);
  try {
    return createLock(dir, path);
  } catch (e) {
    watcher?.kill();
    throw e;
  }
}

/** lockResults' creation of the lock file, or a takeover of a dead owner's. */
function createLock(dir: string, path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldLocks.add(path);
      return () => {
        heldLocks.delete(path);
        if (existsSync(path)) unlinkSync(path);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(readFileSync(path, "utf8"));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new ResultsLockedError(`results ${dir} are being computed by process ${owner}; wait for it, or delete ${path} if that process is not running`);
      }
      unlinkSync(path); // stale: its process is gone
    }
  }
  throw new ResultsLockedError(`could not take ${path}`);
}
