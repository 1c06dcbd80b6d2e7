"""The inventory template: Instructions, Controls and Implements sheets with drop-downs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from crosswalk.excel.sheets import (
    _put,
    _table,
)
from crosswalk.io.atomic import atomic_path

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "write_inventory_template",
]


def write_inventory_template(path: str | Path, *, kb: KnowledgeBase | None = None) -> Path:
    """Write an inventory template.

    Instructions, Controls and Implements sheets with drop-down validation for status, maturity and
    coverage, and example rows.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from crosswalk.io.inventory import CONTROL_COLUMNS
    from crosswalk.model.inventory import CONTROL_STATUSES as STATUSES

    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "Instructions"
    text = [
        "crosswalk inventory template",
        "",
        "1. List each control once on the Controls sheet (id, title, status are required).",
        "2. On the Implements sheet, add one row per clause a control implements: the control id, the clause",
        "   (a canonical id like iso23894:6.4.2 or a citation like 'Art. 9(2)(a) AI Act' or 'ISO 31000 6.5.2')",
        "   and whether the control covers all of it (full) or part of it (partial).",
        "   Alternatively, list clauses in the implements / partially_implements columns, separated by ';'.",
        "3. Status: implemented | partially_implemented | planned | not_implemented. Maturity: 1–5 (optional).",
        "4. Run: crosswalk gap THIS_FILE.xlsx --target gbt46347 -o gap.xlsx",
        "",
        "Cells must hold values, not formulas. Delete the example rows before use.",
    ]
    for row, line in enumerate(text, start=1):
        _put(instructions, row, 1, line)
    instructions["A1"].font = Font(bold=True, size=14)
    instructions.column_dimensions["A"].width = 110

    controls = workbook.create_sheet("Controls")
    examples = [
        [
            "RM-01",
            "AI risk management procedure",
            "Documented ISO/IEC 23894-based process",
            "Head of AI Governance",
            "implemented",
            3,
            "POL-AI-001",
            "",
            "",
        ],
        [
            "DG-01",
            "Training data bias examination",
            "Bias checks before each release",
            "Data Science Lead",
            "partially_implemented",
            2,
            "DS-REP-7",
            "",
            "",
        ],
    ]
    _table(controls, list(CONTROL_COLUMNS), examples, [10, 36, 44, 22, 22, 9, 20, 40, 40])
    status_rule = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose implemented, partially_implemented, planned or not_implemented",
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
    refs = [
        ["RM-01", "iso23894:6.4.2", "full"],
        ["RM-01", "Art. 9(2)(a) AI Act", "full"],
        ["DG-01", "Art. 10(2)(f) AI Act", "partial"],
    ]
    _table(implements, ["control_id", "clause", "coverage"], refs, [12, 40, 12])
    coverage_rule = DataValidation(
        type="list",
        formula1='"full,partial"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Coverage",
        error="Choose full or partial",
    )
    implements.add_data_validation(coverage_rule)
    coverage_rule.add("C2:C20000")
    if kb is not None:
        clauses = workbook.create_sheet("Clauses")
        _table(
            clauses,
            ["id", "title", "framework"],
            [[c.id, c.title, c.framework] for c in kb],
            [26, 70, 12],
        )
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return Path(path)
