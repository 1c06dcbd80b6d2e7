"""The Matrix sheet past Excel's columns: one row per (clause, control) pair (issue 20 §7)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from crosswalk import KnowledgeBase
from crosswalk.excel import gap_workbook
from crosswalk.excel.matrix_pairs import fits_in_columns
from crosswalk.excel.not_applicable_sheet import KEPT_APART
from crosswalk.io.limits import limit

from .conftest import EXAMPLES


def test_the_column_limit_is_within_excel() -> None:
    assert fits_in_columns(limit("matrix_columns"))
    assert not fits_in_columns(16_384)


def test_with_too_many_controls_every_pair_is_a_row(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = kb.gap(kb.read_inventory(EXAMPLES / "eu-provider.yaml"), target="iso31000")
    monkeypatch.setattr(gap_workbook, "fits_in_columns", lambda _: False)
    path = report.to_excel(tmp_path / "report.xlsx")
    sheet = openpyxl.load_workbook(path, read_only=True)["Matrix"]
    rows = [(*row, None, None)[:4] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("Clause", "Status", "Control", "Coverage")
    pairs = {(r[0], r[2]) for r in rows[1:] if r[2] is not None}
    expected = {(f.clause.id, e.control) for f in report.findings for e in f.evidence}
    assert pairs == expected and expected
    # every counted clause has a row; the ones kept apart are on the Not applicable sheet
    counted = {f.clause.id for f in report.findings if f.status not in KEPT_APART}
    assert {r[0] for r in rows[1:]} == counted
    kept = openpyxl.load_workbook(path, read_only=True)["Not applicable"]
    listed = {row[0] for row in kept.iter_rows(values_only=True) if row}
    assert {f.clause.id for f in report.findings} - counted <= listed
