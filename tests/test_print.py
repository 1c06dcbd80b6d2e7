"""Workbooks that read and print (issue 18 §6).

The page setup, row heights and chart grouping are checked in the files themselves;
``tests/test_render.py`` renders the workbooks with LibreOffice and reads the pages.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from crosswalk.api import KnowledgeBase
from crosswalk.cli import main
from crosswalk.excel.groups import AI_ACT_CHAPTERS

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The gap workbooks of two examples and the inventory template."""
    directory = tmp_path_factory.mktemp("print")
    runs = {
        "chatbot-euaiact": ("deployer-chatbot.yaml", "euaiact"),
        "cn-gbt46347": ("cn-enterprise.yaml", "gbt46347"),
    }
    paths: dict[str, Path] = {}
    for name, (example, target) in runs.items():
        paths[name] = directory / f"{name}.xlsx"
        argv = ["-q", "gap", str(EXAMPLES / example), "--target", target, "-o", str(paths[name])]
        assert main(argv) == 0
    paths["template"] = directory / "template.xlsx"
    assert main(["-q", "template", str(paths["template"])]) == 0
    return paths


def test_every_sheet_prints_fitted_with_its_header_repeated(workbooks: dict[str, Path]) -> None:
    for name, path in workbooks.items():
        workbook = openpyxl.load_workbook(path)
        for sheet in workbook.worksheets:
            where = f"{name}: {sheet.title}"
            assert sheet.page_setup.paperSize == 9, where  # A4
            # a fixed scale, not "fit to page" (LibreOffice leaves blank pages after a
            # fitted sheet), never so small that the text is hard to read
            assert 72 <= sheet.page_setup.scale <= 100, where
            assert not sheet.sheet_properties.pageSetUpPr.fitToPage, where
            if name != "template":
                assert sheet.page_setup.orientation == "landscape", where
                assert "Page &P of &N" in sheet.oddFooter.right.text, where
            if sheet.title in ("Gaps", "Matrix", "Risks", "Evidence", "Controls", "About"):
                assert sheet.print_title_rows == "$1:$1", where


def test_gaps_sheet_is_sorted_by_priority_and_sized_for_its_text(
    workbooks: dict[str, Path],
) -> None:
    gaps = openpyxl.load_workbook(workbooks["cn-gbt46347"])["Gaps"]
    header = [c.value for c in gaps[1]]
    priority, why = header.index("Priority (0–100)"), header.index("Why")
    rows = list(gaps.iter_rows(min_row=2))
    priorities = [row[priority].value for row in rows]
    assert priorities == sorted(priorities, reverse=True)
    assert gaps.auto_filter.ref and gaps.freeze_panes == "B2"
    assert gaps.print_area and "$H$" in gaps.print_area, "the detail columns are for the screen"
    long = [row for row in rows if len(row[why].value or "") > 80]
    assert long, "the example has findings with long explanations"
    for row in long:
        height = gaps.row_dimensions[row[0].row].height
        assert height and height >= 30, f"row {row[0].row} is too short for its text"
        assert row[0].alignment.vertical == "top", "short cells stay level with long ones"


def test_ai_act_summary_is_charted_by_chapter(
    kb: KnowledgeBase, workbooks: dict[str, Path]
) -> None:
    summary = openpyxl.load_workbook(workbooks["chatbot-euaiact"])["Summary"]
    values = [row[0] for row in summary.iter_rows(values_only=True)]
    assert "Example Cross-Border Retail (Hangzhou) Co., Ltd." in [
        row[1] for row in summary.iter_rows(values_only=True)
    ]
    assert "Profile" in values and "Data" in values and "Date" in values
    chapters = [v for v in values if isinstance(v, str) and v.startswith("Chapter")]
    assert 10 <= len(set(chapters)) <= len(AI_ACT_CHAPTERS), "the chart has one bar per chapter"
    assert "euaiact:art9" in values, "the sections are listed below, for the screen"
    (chart,) = summary._charts
    assert "by chapter" in chart.title.tx.rich.p[0].r[0].t
    assert len(kb.clauses_of("euaiact")) > 1000  # without grouping: 130 bars


def test_clauses_kept_apart_are_on_their_own_sheet(workbooks: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(workbooks["chatbot-euaiact"])
    gaps, kept = workbook["Gaps"], workbook["Not applicable"]
    statuses = {row[3] for row in gaps.iter_rows(min_row=2, values_only=True)}
    assert statuses and not statuses & {"not_applicable", "not_an_obligation"}
    rows = list(kept.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows, start=1) if row[0] == "Clause")
    assert rows[header - 1][:4] == ("Clause", "Title", "Status", "Why it is kept apart")
    listed = {row[2] for row in rows[header:]}
    assert listed == {"not_applicable", "not_an_obligation"}
    assert all(row[3] for row in rows[header:]), "every clause says why"
    # on paper only the counts by reason (one page, not one row per clause)
    assert kept.print_area == f"'Not applicable'!$A$1:$D${header - 1}"
    matrix = {row[0] for row in workbook["Matrix"].iter_rows(min_row=2, values_only=True)}
    assert not matrix & {row[0] for row in rows[header:]}
    # the AI Act's 130 per-article rows are for the screen; the chapters print
    summary = workbook["Summary"]
    assert summary.print_area and int(summary.print_area.rsplit("$", 1)[1]) < summary.max_row


def test_long_sheets_are_paginated_by_the_workbook(workbooks: dict[str, Path]) -> None:
    """Page breaks are set and each page's rows fit it.

    Left to its own pagination of a scaled sheet of tall rows, LibreOffice counts a page
    more than it prints (a blank page after the sheet).
    """
    from crosswalk.excel.layout import LINE_POINTS, PAGE_POINTS

    gaps = openpyxl.load_workbook(workbooks["cn-gbt46347"])["Gaps"]
    breaks = [b.id for b in gaps.row_breaks.brk]
    assert breaks and breaks == sorted(breaks), "the Gaps sheet is longer than a page"
    page = PAGE_POINTS["landscape"] * 100 / gaps.page_setup.scale
    header = gaps.row_dimensions[1].height or LINE_POINTS
    starts = [1, *breaks]
    ends = [*breaks, gaps.max_row]
    for first, last in zip(starts, ends, strict=True):
        rows = range(first + 1, last + 1)
        used = header + sum(gaps.row_dimensions[r].height or LINE_POINTS for r in rows)
        assert used <= page, f"rows {first + 1}-{last} overflow their page"
        following = (
            (gaps.row_dimensions[last + 1].height or LINE_POINTS) if last < gaps.max_row else 0
        )
        assert last == gaps.max_row or used + following > page, "a page is cut short"


def test_text_too_long_for_a_row_is_cut_visibly_and_kept_whole(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from crosswalk.excel.layout import MAX_ROW_POINTS
    from crosswalk.excel.sheets import _save, _StreamSheet

    workbook = Workbook(write_only=True)
    sheet = _StreamSheet(workbook, "Gaps", ["Clause", "Why"], [12, 30], max_lines=5)
    long = "not covered: " + ", ".join(f"annex4.{n}" for n in range(1, 200))
    sheet.append(["euaiact:annex4", long])
    sheet.append(["euaiact:art9", "short"])
    sheet.finish()
    path = _save(workbook, tmp_path / "cut.xlsx")
    written = openpyxl.load_workbook(path)["Gaps"]
    cut = written["B2"]
    assert cut.value.endswith(" […]") and long.startswith(cut.value[:-4].rstrip())
    assert cut.comment.text == long, "the whole text stays in the workbook"
    assert written.row_dimensions[2].height <= 5 * 15 + 2 < MAX_ROW_POINTS
    assert written["B3"].value == "short" and written["B3"].comment is None
