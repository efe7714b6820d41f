#!/usr/bin/env python3
"""Execute notebooks through real Jupyter (nbclient + the repo's tslab kernelspec).

Usage: JUPYTER_PATH=$PWD/jupyter python3 scripts/run_notebooks.py [--scale smoke|paper]
           [--out DIR] [--expect-failure] [notebook.ipynb ...]

Without notebooks named, runs the companion's own (tools/companion-notebooks.json). The
notebooks in place are never written (executed copies go to --out), and the kernels write
their figure files to scratch/figures/ at most (lib/report/output-files.ts).

Exits 1 when any cell fails, printing the notebook, the cell's index and source, and the
error (tslab writes errors to stderr only, and nbconvert's own message is then empty, so
the cell's stderr and error outputs are printed here). --expect-failure inverts the exit
code: CI uses it on a notebook built to fail, to prove that failures are caught.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import nbclient
import nbformat
from nbclient.exceptions import CellExecutionError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent


def cell_error_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}\n" + "\n".join(out.get("traceback", [])))
    return "".join(parts).strip() or "(the kernel reported an error without a message)"


def run(path: Path, out_dir: Path | None, timeout: int) -> bool:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name="tslab", timeout=timeout, resources={"metadata": {"path": str(path.parent)}})
    start = time.time()
    ok = True
    try:
        client.execute()
    except CellExecutionError:
        ok = False
        failed = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr") for o in c.get("outputs", []))]
        # The failing cell is the last code cell that ran (execution stops there).
        ran = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("execution_count") is not None]
        index, cell = ran[-1] if ran else failed[-1]
        print(f"FAILED {path.relative_to(ROOT)}: cell {index}\n--- source ---\n{cell.source}\n--- error ---\n{cell_error_text(cell)}", file=sys.stderr)
    except DeadKernelError as e:
        ok = False
        print(f"FAILED {path.relative_to(ROOT)}: the kernel died ({e})", file=sys.stderr)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out_dir / path.name)
    print(f"{'ok' if ok else 'FAILED'} {path.relative_to(ROOT)} in {time.time() - start:.1f} s", file=sys.stderr)
    return ok


def companion_notebooks() -> list[Path]:
    """The companion's own notebooks (tools/companion-notebooks.json) that exist, in order."""
    names = json.loads((ROOT / "tools" / "companion-notebooks.json").read_text())["notebooks"]
    missing = [n for n in names if not (ROOT / "notebooks" / n).exists()]
    if missing:
        print(f"listed in tools/companion-notebooks.json, not present, skipped: {', '.join(missing)}", file=sys.stderr)
    return [ROOT / "notebooks" / n for n in names if n not in missing]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--scale", default="smoke", choices=["smoke", "paper"])
    parser.add_argument("--out", default=None)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    parser.add_argument("--expect-failure", action="store_true")
    args = parser.parse_args()
    os.environ["NPPO_SCALE"] = args.scale
    # Only `npm run reproduce` writes the committed figures and findings.
    if os.environ.get("NPPO_WRITE_FILES") != "none":
        os.environ["NPPO_WRITE_FILES"] = "scratch"
    os.environ.setdefault("JUPYTER_PATH", str(ROOT / "jupyter"))
    paths = [Path(p).resolve() for p in args.notebooks] or companion_notebooks()
    out_dir = Path(args.out).resolve() if args.out else None
    results = [run(p, out_dir, args.timeout) for p in paths]
    passed = sum(results)
    print(f"notebooks: {passed} passed, {len(results) - passed} failed", file=sys.stderr)
    if args.expect_failure:
        return 0 if passed == 0 else 1  # every notebook built to fail must fail
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
