"""The inventory template: Instructions, Organisation, Controls and Implements, with drop-downs.

The Organisation sheet carries who the inventory belongs to and its profile (roles,
categories, regime, as-of date) as the reader expects them
(:mod:`crosswalk.io.workbook`); :func:`write_csv_template` writes the same as CSV, the
profile in ``# key: value`` lines before the header (:mod:`crosswalk.io.sheets`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.excel.layout import row_height
from crosswalk.excel.sheets import (
    FONT,
    _page_labels,
    _put,
    _table,
    print_layout,
)
from crosswalk.io.atomic import atomic_path
from crosswalk.io.profile import CATEGORIES, REGIMES, ROLES
from crosswalk.model.vocabularies import CATEGORY_MEANINGS, COARSE_CATEGORIES

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "write_csv_template",
    "write_inventory_template",
]

_INSTRUCTIONS = (
    "crosswalk inventory template",
    "",
    (
        "1. Organisation sheet: the organisation's name, and its profile under the EU AI Act — "
        "answer yes for each role it has and each category of AI system it runs, and give the "
        "date at which obligations are counted (as_of). Leave roles, categories and as_of empty "
        "to count every clause of the target."
    ),
    (
        "2. Controls sheet: each control once; id, title and status are required. Status is one "
        "of implemented, partially_implemented, planned, not_implemented; maturity is a whole "
        "number from 1 to 5 (optional)."
    ),
    (
        "3. Implements sheet: one row per clause a control implements — the control id, the clause "
        "(a canonical id such as iso23894:6.4.2, or a citation such as 'Art. 9(2)(a) AI Act' or "
        "'ISO 31000 6.5.2') and whether the control covers all of it (full) or part of it "
        "(partial). Clauses may instead be listed in the implements / partially_implements "
        "columns of the Controls sheet, separated by ';'."
    ),
    (
        "4. A citation of a framework crosswalk does not hold (an internal policy, a standard that "
        "is not loaded) is reported as not counted; load that framework with --data to count it."
    ),
    "5. Check the file, then run the gap analysis:",
    "      crosswalk check THIS_FILE.xlsx",
    "      crosswalk gap THIS_FILE.xlsx --target gbt46347 -o gap.xlsx",
    "",
    "Cells must hold values, not formulas. Delete the example rows before use.",
)

_ORGANISATION_FIELDS = (
    ("organisation", "The organisation's name (printed on every page of the report)."),
    ("description", "What the inventory covers (optional)."),
    (
        "as_of",
        "The date at which obligations are counted (a date, YYYY-MM-DD); empty: any date.",
    ),
    (
        "regime",
        (
            "Which EU AI Act application dates count: omnibus (the default) as amended by the "
            "Digital Omnibus, or original (Art 113 as adopted)."
        ),
    ),
    (
        "placed_on_market",
        "When the AI systems were first placed on the market (a date, optional).",
    ),
)

_ROLE_HELP = {
    "provider": "develops an AI system or model and places it on the market under its name",
    "deployer": "uses an AI system under its authority in a professional activity",
    "importer": "places on the EU market a system from a provider outside the EU",
    "distributor": "makes a system available, neither provider nor importer",
    "authorised_representative": "acts in the EU for a provider established outside it",
    "product_manufacturer": "places a product with an AI system on the market under its name",
}
_CATEGORY_HELP = CATEGORY_MEANINGS

_EXAMPLE_CONTROLS = (
    (
        "RM-01",
        "AI risk management procedure",
        "Documented ISO/IEC 23894-based process",
        "Head of AI Governance",
        "implemented",
        3,
        "POL-AI-001",
        "",
        "",
    ),
    (
        "DG-01",
        "Training data bias examination",
        "Bias checks before each release",
        "Data Science Lead",
        "partially_implemented",
        2,
        "DS-REP-7",
        "",
        "",
    ),
)
_EXAMPLE_REFS = (
    ("RM-01", "iso23894:6.4.2", "full"),
    ("RM-01", "Art. 9(2)(a) AI Act", "full"),
    ("DG-01", "Art. 10(2)(f) AI Act", "partial"),
)


def _list_rule(options: str, title: str, error: str, *, blank: bool = True) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="list",
        formula1=f'"{options}"',
        allow_blank=blank,
        showErrorMessage=True,
        errorTitle=title,
        error=error,
    )


def _instructions(workbook: Any) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = workbook.active
    sheet.title = "Instructions"
    width = 100.0
    sheet.column_dimensions["A"].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, line in enumerate(_INSTRUCTIONS, start=1):
        cell = _put(sheet, row, 1, line)
        cell.alignment = wrap
        height = row_height([line], [width])
        if height:
            sheet.row_dimensions[row].height = height
    sheet["A1"].font = Font(name=FONT, bold=True, size=14)
    sheet.row_dimensions[1].height = 22
    print_layout(sheet, [width], header_row=None, orientation="portrait")


def _organisation(workbook: Any) -> None:
    sheet = workbook.create_sheet("Organisation")
    rows: list[list[Any]] = [[name, None, meaning] for name, meaning in _ORGANISATION_FIELDS]
    rows += [[f"role: {role}", None, f"yes if it {_ROLE_HELP.get(role, role)}"] for role in ROLES]
    rows += [
        [f"category: {category}", None, f"yes if it runs {_CATEGORY_HELP.get(category, category)}"]
        for category in CATEGORIES
        if category not in COARSE_CATEGORIES  # accepted when read, never offered
    ]
    _table(sheet, ["Field", "Value", "What to enter"], rows, [32, 16, 80], orientation="portrait")
    sheet.auto_filter.ref = None
    sheet.freeze_panes = "B2"
    first_choice = 2 + len(_ORGANISATION_FIELDS)
    last = 1 + len(rows)
    regime = _list_rule(",".join(REGIMES), "Regime", "Choose " + " or ".join(REGIMES))
    yes_no = _list_rule("yes,no", "Yes or no", "Answer yes or no")
    from openpyxl.worksheet.datavalidation import DataValidation

    dates = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="36526",  # 2000-01-01 as a spreadsheet serial date
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Date",
        error="A date, e.g. 2027-08-02",
    )
    for rule in (regime, yes_no, dates):
        sheet.add_data_validation(rule)
    names = [name for name, _ in _ORGANISATION_FIELDS]
    regime.add(f"B{2 + names.index('regime')}")
    dates.add(f"B{2 + names.index('as_of')}")
    dates.add(f"B{2 + names.index('placed_on_market')}")
    yes_no.add(f"B{first_choice}:B{last}")
    for name in ("as_of", "placed_on_market"):
        sheet.cell(row=2 + names.index(name), column=2).number_format = "yyyy-mm-dd"


def write_inventory_template(path: str | Path, *, kb: KnowledgeBase | None = None) -> Path:
    """Write an inventory template workbook.

    Instructions, Organisation (name and profile), Controls and Implements sheets, with
    drop-downs for roles, categories, regime, status, maturity and coverage, and example
    rows; with ``kb``, a Clauses sheet lists every clause id.
    """
    from openpyxl import Workbook

    from crosswalk.io.inventory import CONTROL_COLUMNS
    from crosswalk.model.inventory import CONTROL_STATUSES as STATUSES

    workbook = Workbook()
    _instructions(workbook)
    _organisation(workbook)

    controls = workbook.create_sheet("Controls")
    _table(
        controls,
        list(CONTROL_COLUMNS),
        [list(row) for row in _EXAMPLE_CONTROLS],
        [8, 28, 30, 18, 20, 8, 14, 26, 26],  # one landscape page wide
    )
    from openpyxl.worksheet.datavalidation import DataValidation

    status_rule = _list_rule(
        ",".join(STATUSES),
        "Status",
        "Choose implemented, partially_implemented, planned or not_implemented",
        blank=False,
    )
    maturity_rule = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="5",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Maturity",
        error="A whole number from 1 to 5",
    )
    controls.add_data_validation(status_rule)
    controls.add_data_validation(maturity_rule)
    status_rule.add("E2:E5000")
    maturity_rule.add("F2:F5000")

    implements = workbook.create_sheet("Implements")
    _table(
        implements,
        ["control_id", "clause", "coverage"],
        [list(row) for row in _EXAMPLE_REFS],
        [12, 40, 12],
        orientation="portrait",
    )
    coverage_rule = _list_rule("full,partial", "Coverage", "Choose full or partial")
    implements.add_data_validation(coverage_rule)
    coverage_rule.add("C2:C20000")
    if kb is not None:
        clauses = workbook.create_sheet("Clauses")
        _table(
            clauses,
            ["id", "title", "framework"],
            [[c.id, c.title, c.framework] for c in kb],
            [26, 70, 12],
            orientation="portrait",
        )
    for sheet in workbook.worksheets:
        _page_labels(sheet, "crosswalk inventory")
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return Path(path)


def csv_template_text() -> str:
    """The CSV inventory template: ``# key: value`` lines, a header row, two example rows."""
    from crosswalk.io.inventory import CONTROL_COLUMNS

    lines = [
        "# crosswalk inventory (CSV). Lines that start with # before the header set the",
        "# organisation and its profile; leave a value empty when it does not apply.",
        "# roles - any of " + ", ".join(ROLES),
        "# categories - any of " + ", ".join(c for c in CATEGORIES if c not in COARSE_CATEGORIES),
        "# as_of - a date YYYY-MM-DD; regime - " + " or ".join(REGIMES),
        "# organisation: ",
        "# description: ",
        "# roles: ",
        "# categories: ",
        "# as_of: ",
        "# regime: ",
    ]
    cited: dict[tuple[str, str], list[str]] = {}
    for control, clause, coverage in _EXAMPLE_REFS:
        cited.setdefault((control, coverage), []).append(clause)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CONTROL_COLUMNS)
    for row in _EXAMPLE_CONTROLS:
        control = str(row[0])
        full, partial = cited.get((control, "full"), []), cited.get((control, "partial"), [])
        writer.writerow([*row[:7], "; ".join(full), "; ".join(partial)])
    return "\n".join(lines) + "\n" + buffer.getvalue()


def write_csv_template(path: str | Path) -> Path:
    """Write the CSV inventory template (UTF-8) atomically."""
    with atomic_path(path) as temporary:
        Path(temporary).write_text(csv_template_text(), encoding="utf-8")
    return Path(path)
