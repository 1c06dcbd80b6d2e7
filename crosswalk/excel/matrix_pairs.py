"""The Matrix sheet for an inventory with more controls than a sheet has columns.

The usual Matrix sheet puts each control in a column of its own. Excel stops at column
XFD (16,384), and openpyxl cannot even name a column past 18,278, so with more controls
than the ``matrix_columns`` limit the same facts are laid out one row per (clause,
control) pair instead: nothing is lost, and the sheet opens everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from crosswalk.excel.sheets import _StreamSheet
from crosswalk.io.limits import limit

if TYPE_CHECKING:
    from crosswalk.gap.report import Finding

__all__ = ["fits_in_columns", "write_pair_matrix"]

_COVERAGE_MARKS = {"full": "● full", "partial": "◐ partial"}


def fits_in_columns(controls: int) -> bool:
    """Whether a Matrix sheet with one column per control stays within the limit."""
    return controls <= limit("matrix_columns")


def write_pair_matrix(workbook: Any, findings: Iterable[Finding]) -> None:
    """The Matrix sheet as rows: clause, status, control, coverage (a clause with none: one row)."""
    matrix = _StreamSheet(
        workbook,
        "Matrix",
        ["Clause", "Status", "Control", "Coverage"],
        [24, 14, 24, 12],
        status_column=2,
        freeze="C2",
    )
    for finding in findings:
        if not finding.evidence:
            matrix.append([finding.clause.id, finding.status, None, None])
        for item in finding.evidence:
            coverage = _COVERAGE_MARKS.get(item.coverage, item.coverage)
            matrix.append([finding.clause.id, finding.status, item.control, coverage])
    matrix.finish()
