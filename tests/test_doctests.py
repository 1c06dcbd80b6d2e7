"""The examples in the modules' docstrings run: they are documentation users copy."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import crosswalk

MODULES = [
    *sorted(
        m.name
        for m in pkgutil.walk_packages(crosswalk.__path__, "crosswalk.")
        if not m.name.endswith("__main__")
    ),
    "benchmarks.synthetic",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_examples_are_found() -> None:
    finder = doctest.DocTestFinder()
    examples = sum(
        len(t.examples) for name in MODULES for t in finder.find(importlib.import_module(name))
    )
    assert examples >= 80, "docstring examples went missing"
