import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../lib/util/paths";
import { COMMITTED_FIGURES_DIR, figuresDir, SCRATCH_FIGURES_DIR, writeTarget } from "../lib/report/output-files";
import { runNotebook } from "../tools/notebook-runner";

const FIXTURE = join(__dirname, "fixtures", "writes-figure.ipynb");
const SCRATCH_FILES = ["nppo-test-fixture.png", "nppo-test-fixture.svg", "nppo-test-fixture.provenance.json", join("findings", "nppo-test-fixture.json")].map((f) => join(SCRATCH_FIGURES_DIR, f));
const chromium = existsSync(process.env.NPPO_CHROMIUM || "/usr/bin/chromium");

/** Every file under `dir` with a hash of its content: what a run must leave as it was. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

const gitStatus = (...paths: string[]) => execFileSync("git", ["status", "--porcelain", "--", ...paths], { cwd: REPO_ROOT }).toString();
const removeScratch = () => SCRATCH_FILES.forEach((f) => rmSync(f, { force: true }));

test("NPPO_WRITE_FILES: scratch by default, committed or none on request, anything else rejected by name", () => {
  assert.equal(writeTarget(undefined), "scratch");
  assert.equal(writeTarget(""), "scratch");
  assert.equal(figuresDir("scratch"), SCRATCH_FIGURES_DIR);
  assert.equal(figuresDir("committed"), COMMITTED_FIGURES_DIR);
  assert.equal(figuresDir("none"), null);
  assert.throws(() => writeTarget("0"), /NPPO_WRITE_FILES must be one of scratch, committed, none, got "0"/);
  // git check-ignore exits 1 (and execFileSync throws) for a path git would track.
  execFileSync("git", ["check-ignore", "-q", "scratch/figures/x.png"], { cwd: REPO_ROOT });
});

test("a notebook run outside npm run reproduce (as in Jupyter or nbclient) writes its figure and findings to scratch/, never to figures/", { skip: !chromium && "no Chromium: no figure files are written at all" }, async () => {
  const before = snapshot(COMMITTED_FIGURES_DIR);
  const status = gitStatus("figures");
  removeScratch();
  try {
    const run = await runNotebook(FIXTURE, { write: false, env: { NPPO_WRITE_FILES: "", NPPO_EXPORT_URL: "" } });
    assert.equal(run.ok, true, run.failure?.error);
    assert.deepEqual(snapshot(COMMITTED_FIGURES_DIR), before);
    assert.equal(gitStatus("figures"), status);
    for (const f of SCRATCH_FILES) assert.ok(existsSync(f), `${f} written`);
  } finally {
    removeScratch();
  }
});

test("npm run reproduce at smoke scale leaves the notebook, figures/ and the findings as they were", { skip: !chromium && "no Chromium" }, () => {
  const before = snapshot(COMMITTED_FIGURES_DIR);
  const notebook = readFileSync(FIXTURE, "utf8");
  const timings = readFileSync(join(REPO_ROOT, "data", "timings.json"), "utf8");
  removeScratch();
  try {
    const r = spawnSync(join(REPO_ROOT, "node_modules", ".bin", "tsx"), [join(REPO_ROOT, "scripts", "reproduce.ts"), "--scale", "smoke", FIXTURE], { cwd: REPO_ROOT, env: { ...process.env, NPPO_WRITE_FILES: "committed" } });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.match(r.stderr.toString(), /notebooks are left as they are; figures and findings go to scratch\/figures\//);
    assert.deepEqual(snapshot(COMMITTED_FIGURES_DIR), before);
    assert.equal(readFileSync(FIXTURE, "utf8"), notebook);
    assert.equal(readFileSync(join(REPO_ROOT, "data", "timings.json"), "utf8"), timings);
    for (const f of SCRATCH_FILES) assert.ok(existsSync(f), `${f} written`);
  } finally {
    removeScratch();
  }
});
