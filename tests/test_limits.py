"""The limits the README states are the limits the code enforces (issue 20 §4)."""

from __future__ import annotations

import re

from crosswalk.io import controls
from crosswalk.io.limits import LIMITS, limit, limits_markdown

from .conftest import ROOT


def test_the_readme_shows_the_limits_table_of_the_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"<!-- limits:start -->\n(.*?)<!-- limits:end -->", readme, re.DOTALL)
    assert shown, "the README has no limits table between its markers"
    assert shown.group(1) == limits_markdown(), (
        "regenerate the README's limits table from crosswalk.io.limits.limits_markdown()"
    )


def test_the_inventory_readers_use_the_same_table() -> None:
    expected = {
        "file_bytes": limit("inventory_file_bytes"),
        "uncompressed_bytes": limit("workbook_uncompressed_bytes"),
        "rows": limit("rows"),
        "cell_chars": limit("cell_chars"),
    }
    assert expected == controls.LIMITS


def test_every_limit_is_named_once_and_positive() -> None:
    names = [item.name for item in LIMITS]
    assert len(names) == len(set(names))
    assert all(item.value > 0 for item in LIMITS)
