/**
 * What each notebook found, in a form the reproduction can collect: the verdict cells call
 * `recordFindings`, which writes findings/<notebook>.json where this run's figures go
 * (figures/ only for `npm run reproduce` at paper scale, see output-files.ts), and
 * `writeReport` turns the committed ones into figures/REPORT.md (per statement: the measured
 * exponent or quantity with its CI beside the theory's, the verdict of each test that could
 * have failed, links to the figure and the notebook).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write";
import { COMMITTED_FIGURES_DIR, figuresDir } from "./output-files";
import { currentProvenance } from "./provenance-files";

const FINDINGS_DIR = join(COMMITTED_FIGURES_DIR, "findings");

export interface Finding {
  /** The statement checked, paper numbering included (e.g. "Thm 4.5, NeurIPS"). */
  statement: string;
  /** What was measured, with its uncertainty. */
  measured: string;
  /** What the theory says about it. */
  theory: string;
  /**
   * Held, failed, consistent, … in a few words: only for a test that could have failed (a
   * constant fitted on other data, a slope's CI against an exponent; SPEC §9). A measurement
   * with nothing to test leaves it out, and the report shows "—".
   */
  verdict?: string;
  /** Figure file stem under figures/ (optional). */
  figure?: string;
}

/**
 * Record the findings of `notebook` (its file name without .ipynb) beside this run's figures,
 * with their provenance (result folders used, theory functions replaced in `curves`); nothing
 * under NPPO_WRITE_FILES=none.
 */
export function recordFindings(notebook: string, findings: Finding[], opts: { curves?: Record<string, unknown> } = {}): void {
  const dir = figuresDir();
  if (dir === null) return;
  writeFileAtomic(join(dir, "findings", `${notebook}.json`), JSON.stringify({ notebook, findings, provenance: currentProvenance(opts.curves) }, null, 1) + "\n");
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Assemble figures/REPORT.md from every recorded notebook; returns its text. */
/** What figures/REPORT.md says first. */
export const REPORT_HEADER = "Scale: paper. Every number below was computed by `npm run reproduce` from the notebooks named; their first outputs give the git commit, versions and seeds.";

/** figures/REPORT.md's text, assembled from every committed findings file (pure: reads, writes nothing). */
export function reportText(header: string = REPORT_HEADER): string {
  const files = existsSync(FINDINGS_DIR) ? readdirSync(FINDINGS_DIR).filter((f) => f.endsWith(".json")).sort() : [];
  const lines = ["# Report: the paper's statements, measured", "", header, ""];
  for (const f of files) {
    const { notebook, findings } = JSON.parse(readFileSync(join(FINDINGS_DIR, f), "utf8")) as { notebook: string; findings: Finding[] };
    lines.push(`## [${notebook}](../notebooks/${notebook}.ipynb)`, "", "| statement | measured | theory | verdict | figure |", "|---|---|---|---|---|");
    for (const x of findings) lines.push(`| ${cell(x.statement)} | ${cell(x.measured)} | ${cell(x.theory)} | ${x.verdict === undefined ? "—" : cell(x.verdict)} | ${x.figure ? `[${x.figure}](${x.figure}.png)` : ""} |`);
    lines.push("");
  }
  return lines.join("\n");
}

/** Write figures/REPORT.md from the committed findings; returns its text. */
export function writeReport(header: string = REPORT_HEADER): string {
  const text = reportText(header);
  writeFileAtomic(join(COMMITTED_FIGURES_DIR, "REPORT.md"), text);
  return text;
}
