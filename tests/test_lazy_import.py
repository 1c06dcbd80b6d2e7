"""``import crosswalk`` and ``crosswalk.load()`` stay light: the heavy libraries load on use.

Not timed (timings go to benchmarks/run.py): these check, in a fresh interpreter, which
modules an import brings in, which is what a slow cold start comes from.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numpy", "numba", "pandas", "openpyxl", "rdflib", "pyoxigraph")


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_import_crosswalk_imports_no_heavy_library_and_no_layer() -> None:
    loaded = _modules_after("import crosswalk")
    assert not {name for name in loaded if name.split(".")[0] in HEAVY}
    assert {name for name in loaded if name.startswith("crosswalk.")} == {"crosswalk._version"}


def test_loading_the_knowledge_base_imports_no_heavy_library(tmp_path) -> None:
    import os

    env = dict(os.environ, CROSSWALK_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("CROSSWALK_NO_CACHE", None)
    for _ in range(2):  # an empty cache, then a warm one
        loaded = _modules_after("import crosswalk; crosswalk.load()", env)
        assert not {name for name in loaded if name.split(".")[0] in HEAVY}
    # a warm load rebuilds plain records: parsing (PyYAML) and checking (pydantic) are for
    # data files read anew
    assert not {
        name for name in loaded if name.split(".")[0] in ("pydantic", "pydantic_core", "yaml")
    }


def test_the_public_names_and_the_presentation_are_there_when_used() -> None:
    code = """
import crosswalk
assert crosswalk.DataError.__module__ == "crosswalk.model.errors"
assert crosswalk.gap.report.GapReport.__name__ == "GapReport"  # subpackages as attributes
assert set(crosswalk.__all__) <= set(dir(crosswalk))
kb = crosswalk.load()
assert type(kb) is crosswalk.KnowledgeBase is crosswalk.api.KnowledgeBase
from crosswalk.gap.report import GapReport
assert callable(GapReport.to_excel), "attached by crosswalk.excel, which crosswalk.api imports"
assert "<" in kb.clause("iso31000:6.4.2")._repr_html_()
"""
    loaded = _modules_after(code)
    assert {"crosswalk.display", "crosswalk.excel"} <= loaded


def test_a_method_no_layer_has_provided_yet_names_the_package_that_provides_it() -> None:
    from crosswalk.model.presentation import attach, attached

    class Report:
        pass

    class Special(Report):
        pass

    with pytest.raises(AttributeError, match=r"Report\.to_excel is provided by crosswalk\.excel"):
        attached(Report(), "to_excel")
    attach(f"{Report.__module__}.{Report.__qualname__}", "to_excel", len)
    assert attached(Special(), "to_excel") is len  # found through the class's bases
