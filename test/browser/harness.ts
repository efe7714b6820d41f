/**
 * What the two browser tests share: a pass/fail tally, waiting for a Jupyter server, stopping
 * it with its kernels, the rule for requests that stay on this machine, and the exit code.
 */

/** Print ok/FAILED per check and count them. */
export function tally(): { check(ok: boolean, what: string): void; summary(): string; failed(): number } {
  let passed = 0;
  let failed = 0;
  return {
    check(ok, what) {
      if (ok) passed++;
      else failed++;
      process.stdout.write(`${ok ? "ok" : "FAILED"} ${what}\n`);
    },
    summary: () => `${passed} passed, ${failed} failed`,
    failed: () => failed,
  };
}

/** Poll `url` every 0.5 s until it answers 200, at most `seconds`; `log` adds the server's output to the error. */
export async function waitForServer(url: string, seconds: number, log: () => string = () => ""): Promise<void> {
  for (let i = 0; i < seconds * 2; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Jupyter did not come up at ${url}${log() ? `:\n${log().slice(-2000)}` : ""}`);
}

/** SIGTERM the server's process group (its kernels included), SIGKILL what is left after 5 s. */
export async function stopServer(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(-pid, "SIGKILL");
}

/** A request the page may make: to the local server, or inline (data:, blob:, about:). */
export function staysLocal(url: string): boolean {
  return /^(https?|wss?):\/\/127\.0\.0\.1:/.test(url) || url.startsWith("data:") || url.startsWith("blob:") || url.startsWith("about:");
}

/** Run a test's main and exit with its code (1 on an exception). */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`browser test error: ${e instanceof Error ? e.stack : e}\n`);
      process.exit(1);
    },
  );
}
