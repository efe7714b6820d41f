/**
 * Progress for long work (Standards: "a bar in the terminal, an updating line in a
 * notebook"). In the tslab kernel the line is one display that is updated in place; in a
 * terminal a bar on stderr redrawn with \r; in a log (no TTY) a line every 10%.
 */

import { installSendQueue } from "./zmq-send-queue";

installSendQueue();

export interface Progress {
  /** Count `n` more units of work done. */
  tick(n?: number): void;
  /** Mark the work finished and print the total time. */
  done(): void;
}

type TextDisplay = { text(s: string): void };

function notebookDisplay(): TextDisplay | null {
  if (!process.argv.some((a) => a.includes("tslab"))) return null;
  try {
    const jupyter = require("tslab/dist/jupyter");
    if (jupyter.lastWriteDisplayData == null) return null;
    return require("tslab").newDisplay() as TextDisplay;
  } catch {
    return null;
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s > 2 * 365 * 86400) return `${(s / (365 * 86400)).toPrecision(3)} years`;
  if (s > 2 * 86400) return `${(s / 86400).toFixed(1)} days`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s - 60 * m)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

/** A run estimated above this many seconds says so and names the sweep runner (here and in lib/experiments/estimate.ts). */
export const LONG_RUN_SECONDS = 3600;

export interface ProgressOptions {
  /** What is counted (e.g. "width·steps"), shown after the counts. */
  unit?: string;
  /** The run's estimated seconds, shown as the ETA until the first unit of work is done (lib/experiments/estimate.ts). */
  estimateSeconds?: number;
}

/**
 * Start reporting progress of `total` units of work labelled `label`. The first line is drawn
 * at once, naming the unit and, with `estimateSeconds`, the estimated time, so a run whose first
 * tick is far away (one huge solver call) still says what it is doing and what it will cost.
 */
export function progress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  const start = Date.now();
  let doneUnits = 0;
  let lastDraw = 0;
  let lastDecile = -1;
  const display = notebookDisplay();
  const tty = process.stderr.isTTY === true;
  const line = (final: boolean) => {
    const elapsed = (Date.now() - start) / 1000;
    const frac = total > 0 ? Math.min(1, doneUnits / total) : 1;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : opts.estimateSeconds !== undefined ? Math.max(0, opts.estimateSeconds - elapsed) : NaN;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const timing = final ? `done in ${formatSeconds(elapsed)}` : `${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds(eta)}`;
    const count = (n: number) => (n >= 1e7 ? n.toExponential(2) : String(n));
    const estimated = frac === 0 && opts.estimateSeconds !== undefined && !final ? " (estimated)" : "";
    return `${label} ${bar} ${count(doneUnits)}/${count(total)}${opts.unit ? ` ${opts.unit}` : ""} (${(100 * frac).toFixed(0)}%) ${timing}${estimated}`;
  };
  const draw = (final: boolean) => {
    if (display) display.text(line(final));
    else if (tty) process.stderr.write(`\r${line(final)}${final ? "\n" : ""}`);
    else {
      const decile = Math.floor((10 * doneUnits) / Math.max(1, total));
      if (final || decile > lastDecile) process.stderr.write(`${line(final)}\n`);
      lastDecile = decile;
    }
  };
  draw(false);
  // A long run says so once, in a line that stays (the bar is redrawn in place), and names the way to spread it.
  if (opts.estimateSeconds !== undefined && opts.estimateSeconds > LONG_RUN_SECONDS) {
    const note = `note: ${label} is estimated at ${formatSeconds(opts.estimateSeconds)} on one core of this machine; over an hour: split it into work units with \`npm run sweep -- plan\` and run them in parallel or on a Slurm cluster (README, "When it no longer fits on one machine")`;
    if (display) console.log(note);
    else process.stderr.write(`${note}\n`);
  }
  return {
    tick(n = 1) {
      doneUnits += n;
      const now = Date.now();
      // At most one redraw a second: in a notebook every redraw is an iopub message.
      if (now - lastDraw > 1000) {
        lastDraw = now;
        draw(false);
      }
    },
    done() {
      draw(true);
    },
  };
}
