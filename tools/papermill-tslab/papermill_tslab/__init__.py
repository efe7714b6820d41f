"""papermill parameters for TypeScript notebooks run in the tslab kernel.

The convention (README, "Parameters and papermill"): a notebook's parameters are a code cell
tagged ``parameters`` holding plain ``let NAME = VALUE;`` lines (numbers, strings, booleans,
null, arrays and objects of those), which the config cell below reads. papermill inserts the
injected cell right after it; this translator writes each parameter as ``let NAME = VALUE;``,
a redeclaration that tslab accepts in a later cell (checked in CI), so a parameter the notebook
does not declare is still valid TypeScript.
"""
import json
import math
import re

from papermill.engines import NBClientEngine
from papermill.models import Parameter
from papermill.translators import Translator, papermill_translators

__all__ = ["TypeScriptTranslator", "TslabEngine"]

_LET = re.compile(r"^\s*let\s+([A-Za-z_$][\w$]*)\s*(?::\s*([^=]+?))?\s*=\s*(.+?);?\s*(?://\s*(.*))?$")


class TypeScriptTranslator(Translator):
    @classmethod
    def translate_none(cls, val):
        return "null"

    @classmethod
    def translate_float(cls, val):
        if math.isnan(val):
            return "NaN"
        if math.isinf(val):
            return "Infinity" if val > 0 else "-Infinity"
        return repr(val)

    @classmethod
    def translate_str(cls, val):
        return json.dumps(val, ensure_ascii=False)

    @classmethod
    def translate_dict(cls, val):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {cls.translate(v)}" for k, v in val.items()) + "}"

    @classmethod
    def translate_list(cls, val):
        return "[" + ", ".join(cls.translate(v) for v in val) + "]"

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"let {name} = {str_val};"

    @classmethod
    def inspect(cls, parameters_cell):
        """The ``let`` lines of a parameters cell, for ``papermill --help-notebook``."""
        out = []
        for line in parameters_cell.source.splitlines():
            m = _LET.match(line)
            if m:
                out.append(Parameter(name=m.group(1), inferred_type_name=(m.group(2) or "None").strip(), default=m.group(3).strip(), help=(m.group(4) or "").strip()))
        return out


papermill_translators.register("typescript", TypeScriptTranslator)
papermill_translators.register("tslab", TypeScriptTranslator)


class TslabEngine(NBClientEngine):
    """papermill's nbclient engine under the name "tslab": the entry point that loads this module."""
