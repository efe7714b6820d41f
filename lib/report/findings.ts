/**
 * What each notebook found, in a form the reproduction can collect: the verdict cells call
 * `recordFindings`, which writes figures/findings/<notebook>.json, and `writeReport` turns all
 * of them into figures/REPORT.md (per statement: the measured exponent or quantity with its CI
 * beside the theory's, the verdict of each test that could have failed, links to the figure and the notebook).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../experiments/results-io";
import { REPO_ROOT } from "../experiments/provenance";

export const FINDINGS_DIR = join(REPO_ROOT, "figures", "findings");

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

/** Record the findings of `notebook` (its file name without .ipynb); not under NPPO_WRITE_FILES=0. */
export function recordFindings(notebook: string, findings: Finding[]): void {
  if (process.env.NPPO_WRITE_FILES === "0") return;
  writeFileAtomic(join(FINDINGS_DIR, `${notebook}.json`), JSON.stringify({ notebook, findings }, null, 1) + "\n");
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Assemble figures/REPORT.md from every recorded notebook; returns its text. */
export function writeReport(header: string): string {
  const files = existsSync(FINDINGS_DIR) ? readdirSync(FINDINGS_DIR).filter((f) => f.endsWith(".json")).sort() : [];
  const lines = ["# Report: the paper's statements, measured", "", header, ""];
  for (const f of files) {
    const { notebook, findings } = JSON.parse(readFileSync(join(FINDINGS_DIR, f), "utf8")) as { notebook: string; findings: Finding[] };
    lines.push(`## [${notebook}](../notebooks/${notebook}.ipynb)`, "", "| statement | measured | theory | verdict | figure |", "|---|---|---|---|---|");
    for (const x of findings) lines.push(`| ${cell(x.statement)} | ${cell(x.measured)} | ${cell(x.theory)} | ${x.verdict === undefined ? "—" : cell(x.verdict)} | ${x.figure ? `[${x.figure}](${x.figure}.png)` : ""} |`);
    lines.push("");
  }
  const text = lines.join("\n");
  writeFileAtomic(join(REPO_ROOT, "figures", "REPORT.md"), text);
  return text;
}
