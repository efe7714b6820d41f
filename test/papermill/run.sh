#!/usr/bin/env bash
# The papermill stage of .ci/run (issue 23): papermill from PyPI (pinned with its dependencies) and the repository's
# TypeScript translator (tools/papermill-tslab) in .venv-papermill/, then notebook 05 run
# through papermill at smoke scale with a changed parameter (-p replicas 2); the executed
# notebook must hold the injected cell and show the new value, with no error output.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-papermill
stampfile=$venv/installed-from
# papermill 2.7.0 and its dependencies pinned (test/papermill/requirements.txt); reinstalled when
# they or the translator change.
want=$(cat test/papermill/requirements.txt tools/papermill-tslab/pyproject.toml tools/papermill-tslab/papermill_tslab/__init__.py | sha256sum | cut -c1-16)
if [ ! -x "$venv/bin/papermill" ] || [ "$(cat "$stampfile" 2>/dev/null)" != "$want" ]; then
  python=""
  for p in python3 /usr/bin/python3; do "$p" -c "import venv, ensurepip" 2>/dev/null && { python=$p; break; }; done
  [ -n "$python" ] || { echo "no python3 with venv and ensurepip found"; exit 1; }
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps -r test/papermill/requirements.txt
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps ./tools/papermill-tslab
  rm -rf tools/papermill-tslab/build tools/papermill-tslab/*.egg-info
  echo "$want" > "$stampfile"
fi
tmp=$(mktemp -d /tmp/nppo-papermill-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
out=ci-artifacts/papermill/05-adapt.replicas-2.ipynb
mkdir -p "$(dirname "$out")"
JUPYTER_PATH="$PWD/jupyter" NPPO_SCALE=smoke NPPO_RESULTS_DIR="$tmp/store" NPPO_WRITE_FILES=none \
  "$venv/bin/papermill" notebooks/05-adapt.ipynb "$out" -k tslab -p replicas 2 --cwd notebooks --log-level WARNING
"$venv/bin/python" - "$out" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
cells = nb["cells"]
injected = [c for c in cells if "injected-parameters" in c["metadata"].get("tags", [])]
assert injected, "no injected-parameters cell"
assert "let replicas = 2;" in "".join(injected[0]["source"]), injected[0]["source"]
params = [i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", [])]
assert params and cells[params[0] + 1] is injected[0], "the injected cell must follow the parameters cell"
text = "".join("".join(o.get("text", "")) for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []))
assert "parameters: replicas = 2," in text, "the config cell did not read the injected replicas = 2"
errors = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []) if o["output_type"] == "error"]
assert not errors, errors
print(f"papermill: {sys.argv[1]} ran with replicas = 2 ({len(cells)} cells, no errors)")
PY
