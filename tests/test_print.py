"""Workbooks that read and print (issue 18 §6).

The page setup, row heights and chart grouping are checked in the files themselves; the
``render`` tests convert the workbooks to PDF with LibreOffice and read the pages, as a
reader of the printout would. They are opt-in (``pytest -m render``; ``.ci/run`` runs
them) and FAIL, never skip, when LibreOffice or poppler-utils is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from crosswalk._version import __version__
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


# -- rendered with LibreOffice ------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(
            f"{name} is needed to render workbooks: apt-get install libreoffice-calc-nogui "
            "poppler-utils fonts-crosextra-carlito (.ci/run installs them)"
        )
    return found


@pytest.fixture(scope="module")
def pages(
    workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    """The text of every printed page of each workbook, rendered by LibreOffice."""
    soffice, pdftotext = _tool("soffice"), _tool("pdftotext")
    directory = tmp_path_factory.mktemp("pdf")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{directory}/profile",  # never a user's own profile
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(directory),
            *map(str, workbooks.values()),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    result = {}
    for name in workbooks:
        text = subprocess.run(
            [pdftotext, "-layout", str(directory / f"{name}.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        result[name] = text.split("\f")[:-1]  # pdftotext ends every page with a form feed
    return result


def _body(page: str) -> list[str]:
    """The lines of a page other than its running header and footer."""
    lines = [line for line in page.splitlines() if line.strip()]
    return [line for line in lines if "gap analysis against" not in line and "Page " not in line]


@pytest.mark.render
def test_rendered_reports_have_no_blank_pages(pages: dict[str, list[str]]) -> None:
    bounds = {"chatbot-euaiact": (40, 160), "cn-gbt46347": (12, 60), "template": (3, 8)}
    for name, (low, high) in bounds.items():
        assert low <= len(pages[name]) <= high, f"{name}: {len(pages[name])} pages"
        empty = 0
        for number, page in enumerate(pages[name], start=1):
            if not page.strip():
                # LibreOffice 7.4 sometimes ends a long sheet that follows another with a
                # page it paginated but prints nothing on, not even the running footer:
                # its artefact, not a page of the workbook (Excel has no such page)
                empty += 1
                continue
            assert _body(page), f"{name}, page {number} is a blank grid (a stray column or row?)"
        assert empty <= 2, f"{name}: {empty} empty pages"


@pytest.mark.render
def test_rendered_gap_report_reads_as_a_report(pages: dict[str, list[str]]) -> None:
    report = pages["cn-gbt46347"]
    first = report[0]
    assert "Example Credit Technology (Shenzhen) Co., Ltd." in first
    assert "GB/T 46347-2025" in first and f"crosswalk {__version__}" in first
    assert "roles: provider" in first, "the profile is named"
    total = len(report)
    for number, page in enumerate(report, start=1):
        if page.strip():  # see test_rendered_reports_have_no_blank_pages
            assert f"Page {number} of {total}" in page
            assert "Example Credit Technology" in page, "every page names the organisation"
    gaps = [page for page in report if page.strip() and page.split()[-5] == "Gaps"]
    assert gaps, "the Gaps sheet prints"
    for page in gaps:
        # fitted to width with the header repeated: every page shows the first and the
        # last printed column, and none of the screen-only ones
        assert "Clause" in page and "Would close it" in page
        assert "Justification path" not in page


@pytest.mark.render
def test_rendered_template_explains_itself(pages: dict[str, list[str]]) -> None:
    instructions, organisation = pages["template"][0], pages["template"][1]
    assert "crosswalk check THIS_FILE.xlsx" in instructions
    assert "role: deployer" in organisation and "What to enter" in organisation
