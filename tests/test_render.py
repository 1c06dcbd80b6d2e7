"""Every workbook crosswalk writes, rendered to PDF by LibreOffice and read page by page.

The gap workbooks of all bundled examples against the targets users pick (GB/T 46347,
the EU AI Act, ISO/IEC 23894), the inventory template and the crosswalk matrix export
are converted in one LibreOffice run; ``pdftotext`` gives each page's text, and the
running footer ("<sheet>   Page n of N") says which sheet a page belongs to. These tests
are opt-in (``pytest -m render``; ``.ci/run`` runs them) and FAIL, never skip, when
LibreOffice or poppler-utils is missing (issue 18 §6).
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from crosswalk._version import __version__
from crosswalk.api import KnowledgeBase
from crosswalk.cli import main
from crosswalk.excel.layout import MAX_ROW_POINTS

from .conftest import EXAMPLES

pytestmark = pytest.mark.render

TARGETS = ("gbt46347", "euaiact", "iso23894")
_FOOTER = re.compile(r"Page \d+ of \d+\s*$")
_RUNNING_HEADERS = ("gap analysis against", "crosswalk inventory", "crosswalk matrix:")

# pages a sheet may take, whatever the example: the short sheets a fixed number; the
# tables about one page per three rows (a row of the AI Act's Gaps sheet wraps to four or
# five lines), so a sheet of ~300 findings stays under 100 pages
FIXED_BUDGET = {
    "Summary": 3,
    "Not applicable": 1,  # its counts by reason; the rows are for the screen
    "Capability": 3,
    "Risks": 6,
    "Controls": 8,
    "About": 2,
    "Instructions": 1,
    "Organisation": 1,
    "Implements": 1,
    "Legend": 1,
}
ROWS_PER_PAGE = 3


@dataclass(frozen=True)
class Page:
    """One printed page: the sheet it belongs to (from its footer) and its text."""

    number: int
    sheet: str | None
    text: str

    @property
    def body(self) -> list[str]:
        """Its lines other than the running header and the footer."""
        lines = [line for line in self.text.splitlines() if line.strip()]
        return [
            line
            for line in lines
            if not _FOOTER.search(line) and not any(h in line for h in _RUNNING_HEADERS)
        ]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(
            f"{name} is needed to render workbooks: apt-get install libreoffice-calc-nogui "
            "poppler-utils fonts-crosextra-carlito fonts-wqy-microhei (.ci/run installs them)"
        )
    return found


@pytest.fixture(scope="module")
def workbooks(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every workbook kind the package writes, named ``<example>-<target>``, template, matrix."""
    directory = tmp_path_factory.mktemp("render")
    paths: dict[str, Path] = {}
    for example in sorted(EXAMPLES.glob("*.yaml")):
        inventory = kb.read_inventory(example)
        for target in TARGETS:
            name = f"{example.stem}-{target}"
            paths[name] = kb.gap(inventory, target=target).to_excel(directory / f"{name}.xlsx")
    paths["template"] = directory / "template.xlsx"
    assert main(["-q", "template", str(paths["template"])]) == 0
    paths["matrix"] = directory / "matrix.xlsx"
    pair = ["--subject", "iso23894", "--object", "gbt46347", "-o", str(paths["matrix"])]
    assert main(["-q", "export", "--format", "xlsx", *pair]) == 0
    assert len(paths) >= 4 * len(TARGETS) + 2, sorted(paths)  # four examples at least
    return paths


@pytest.fixture(scope="module")
def pdfs(workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each workbook rendered to PDF by LibreOffice (all in one run)."""
    soffice = _tool("soffice")
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
    return {name: directory / f"{name}.pdf" for name in workbooks}


@pytest.fixture(scope="module")
def pages(workbooks: dict[str, Path], pdfs: dict[str, Path]) -> dict[str, list[Page]]:
    """The printed pages of each workbook: their text, and the sheet each belongs to."""
    pdftotext = _tool("pdftotext")
    titles = {
        name: {sheet.title for sheet in openpyxl.load_workbook(path, read_only=True).worksheets}
        for name, path in workbooks.items()
    }
    result: dict[str, list[Page]] = {}
    for name in workbooks:
        text = subprocess.run(
            [pdftotext, "-layout", str(pdfs[name]), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        result[name] = []
        for number, page in enumerate(text.split("\f")[:-1], start=1):  # a form feed ends each
            result[name].append(Page(number, _sheet_of(page, titles[name]), page))
    return result


def _sheet_of(page: str, titles: set[str]) -> str | None:
    """The sheet a page belongs to, from its footer ("<sheet>   Page n of N"); None without one.

    pdftotext puts the footer's two halves on one line, unless text drawn level with it (a
    chart's axis) shares the line, or rotated headers reorder the page: then the sheet
    name stands on a line of its own.
    """
    lines = page.splitlines()
    footer = [line for line in lines if _FOOTER.search(line)]
    if not footer:
        return None
    left = re.split(r"\s{2,}", footer[-1].strip())[0]
    if left in titles:
        return left
    alone = [line.strip() for line in lines if line.strip() in titles]
    return alone[-1] if alone else None


def test_every_page_has_a_footer_and_content(pages: dict[str, list[Page]]) -> None:
    for name, printed in pages.items():
        assert printed, f"{name}: nothing printed"
        for page in printed:
            where = f"{name}, page {page.number}"
            assert page.sheet, f"{where} is blank or has no footer"
            assert f"Page {page.number} of {len(printed)}" in page.text, where
            assert page.body, f"{where} ({page.sheet}) is a blank grid (a stray column or row?)"
            # a number too wide for its column prints as ###
            assert "###" not in page.text, f"{where} ({page.sheet}) has a cut-off number"


def test_every_sheet_keeps_to_its_page_budget(
    workbooks: dict[str, Path], pages: dict[str, list[Page]]
) -> None:
    for name, path in workbooks.items():
        counted = Counter(page.sheet for page in pages[name])
        book = openpyxl.load_workbook(path, read_only=True)
        visible = [s for s in book.worksheets if s.sheet_state == "visible"]
        assert set(counted) == {s.title for s in visible}, f"{name}: every sheet prints"
        for sheet in visible:
            rows = sum(1 for _ in sheet.iter_rows(values_only=True))
            budget = FIXED_BUDGET.get(sheet.title, math.ceil(rows / ROWS_PER_PAGE) + 1)
            if name == "matrix" and sheet.title == "Matrix":
                budget = 30  # a 100 × 60 grid: several pages across, and down
            used = counted[sheet.title]
            assert used <= budget, f"{name}: {sheet.title} prints {used} pages ({rows} rows)"


def test_no_text_is_cut_at_excels_tallest_row(workbooks: dict[str, Path]) -> None:
    for name, path in workbooks.items():
        for sheet in openpyxl.load_workbook(path).worksheets:
            tallest = max((d.height or 0 for d in sheet.row_dimensions.values()), default=0)
            # a row estimated at the limit holds more text than Excel can show
            assert tallest < MAX_ROW_POINTS, f"{name}: {sheet.title} has a row of {tallest} pt"


def test_gaps_pages_hold_the_findings_a_reader_acts_on(pages: dict[str, list[Page]]) -> None:
    for name, printed in pages.items():
        if name in ("template", "matrix"):
            continue
        gaps = [page for page in printed if page.sheet == "Gaps"]
        assert gaps, f"{name}: the Gaps sheet prints"
        for page in gaps:
            where = f"{name}, page {page.number}"
            # fitted to width, header repeated: the first and last printed column on every
            # page, none of the screen-only ones, and no clause that is not a finding
            assert "Clause" in page.text and "Would close it" in page.text, where
            assert "Justification path" not in page.text, where
            assert "not_applicable" not in page.text, where
            assert "not_an_obligation" not in page.text, where


# the first and the last printed header of each table sheet
REPEATED_HEADERS = {
    "Gaps": ("Clause", "Would close it"),
    "Plan": ("Owner", "What would close it"),
    "Matrix": ("Clause", "Status"),
    "Risks": ("Risk source", "Addressed by"),
    "Evidence": ("Subject", "Source"),
    "Controls": ("Id", "Implements"),
}


def test_every_page_of_a_table_shows_its_header_and_its_width(
    pages: dict[str, list[Page]],
) -> None:
    for name, printed in pages.items():
        if name in ("template", "matrix"):
            continue
        for page in printed:
            for header in REPEATED_HEADERS.get(page.sheet or "", ()):
                assert header in page.text, f"{name}, page {page.number} ({page.sheet}): {header}"


def test_the_summary_chart_is_never_cut_by_a_page_break(pages: dict[str, list[Page]]) -> None:
    for name, printed in pages.items():
        if name in ("template", "matrix"):
            continue
        (title,) = [
            page for page in printed if re.search(r"Coverage of .* by (chapter|section)", page.text)
        ]
        assert "applicable clauses (not applicable" in title.text, f"{name}: the chart is split"
        assert title.sheet == "Summary"


def test_rendered_gap_report_reads_as_a_report(pages: dict[str, list[Page]]) -> None:
    report = pages["cn-enterprise-gbt46347"]
    first = report[0].text
    assert "Example Credit Technology (Shenzhen) Co., Ltd." in first
    assert "GB/T 46347-2025" in first and f"crosswalk {__version__}" in first
    assert "roles: provider" in first, "the profile is named"
    for page in report:
        assert "Example Credit Technology" in page.text, "every page names the organisation"
    kept = [page for page in pages["deployer-chatbot-euaiact"] if page.sheet == "Not applicable"]
    assert len(kept) == 1 and "not an obligation" in kept[0].text, "the counts by reason print"


def test_chinese_titles_print_in_a_font_that_has_them(pdfs: dict[str, Path]) -> None:
    # pdftotext reads the characters back even when they print as empty boxes: ask
    # fontconfig for a font with Chinese glyphs, and the PDF for a font beside the Latin ones
    fc_list = [_tool("fc-list"), ":lang=zh"]
    chinese = subprocess.run(fc_list, check=True, capture_output=True, text=True).stdout
    assert chinese.strip(), "no font with Chinese glyphs: apt-get install fonts-wqy-microhei"
    pdf = pdfs["cn-enterprise-gbt46347"]
    fonts = subprocess.run(
        [_tool("pdffonts"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    names = {line.split()[0].split("+")[-1] for line in fonts if line.strip()}
    assert names - {n for n in names if n.startswith(("Carlito", "DejaVu"))}, names


def test_rendered_template_explains_itself(pages: dict[str, list[Page]]) -> None:
    by_sheet = {page.sheet: page.text for page in pages["template"]}
    assert "crosswalk check THIS_FILE.xlsx" in by_sheet["Instructions"]
    assert "role: deployer" in by_sheet["Organisation"]
    assert "What to enter" in by_sheet["Organisation"]
    assert "control_id" in by_sheet["Implements"] and "status" in by_sheet["Controls"]


def test_rendered_matrix_repeats_its_headers(pages: dict[str, list[Page]]) -> None:
    matrix = [page for page in pages["matrix"] if page.sheet == "Matrix"]
    assert len(matrix) > 1
    for page in matrix:
        # the corner cell is in the repeated rows and column: every page shows it
        assert "iso23894 \\ gbt46347" in page.text, f"matrix, page {page.number}"
