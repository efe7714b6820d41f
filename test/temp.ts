/**
 * Temporary folders for tests, removed when the test file finishes (pass or fail), so that
 * `npm test` leaves nothing in the system temp dir.
 */
import { after } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
after(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the system temp dir named `nppo-<prefix>-…`, deleted after this test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `nppo-${prefix}-`));
  made.push(dir);
  return dir;
}
