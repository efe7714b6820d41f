#!/usr/bin/env python3
"""Give a notebook its papermill parameters cell (README, "Parameters and papermill").

    tools/add-parameters-cell.py notebooks/NAME.ipynb 'replicas = 4' 'beta = 0.3' ...

inserts, before the notebook's first code cell, a code cell tagged ``parameters`` holding one
``let NAME = VALUE;`` per argument (VALUE a plain literal: number, string, boolean, null,
array or object of those), or replaces the lines of an existing one. The config cell must then
read each NAME (``replicas: replicas``) instead of its literal: that edit is by hand, since
only the notebook's author knows which literal a parameter stands for. Outputs are not touched.
"""
import json
import re
import sys
import uuid

HEADER = "// Parameters: plain values the config cell below reads; papermill -p NAME VALUE replaces them (README, \"Parameters and papermill\")."
LINE = re.compile(r"^\s*([A-Za-z_$][\w$]*)\s*=\s*(.+?);?\s*$")


def main(path, assignments):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    lines = [HEADER]
    for a in assignments:
        m = LINE.match(a)
        if not m:
            sys.exit(f"not NAME = VALUE: {a!r}")
        lines.append(f"let {m.group(1)} = {m.group(2)};")
    source = [l + "\n" for l in lines[:-1]] + [lines[-1]]
    cells = nb["cells"]
    existing = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if existing:
        cells[existing[0]]["source"] = source
    else:
        first = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
        cell = {"cell_type": "code", "execution_count": None, "metadata": {"tags": ["parameters"]}, "outputs": [], "source": source}
        if nb.get("nbformat_minor", 0) >= 5:
            cell = {"cell_type": "code", "execution_count": None, "id": uuid.uuid4().hex[:8], "metadata": {"tags": ["parameters"]}, "outputs": [], "source": source}
        cells.insert(first, cell)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
