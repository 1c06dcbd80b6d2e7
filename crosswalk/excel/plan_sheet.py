"""The Plan sheet of the gap workbook (issue 18, §3): open obligations by owner and date.

Kept apart from :mod:`crosswalk.excel.gap_workbook` so that the workbook's layout and the
plan can change independently; the workbook calls :func:`write_plan_sheet` once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crosswalk.excel.layout import abridged
from crosswalk.excel.sheets import _StreamSheet

if TYPE_CHECKING:
    from crosswalk.gap.report import GapReport

__all__ = ["write_plan_sheet"]

_HEADERS = [
    "Owner",
    "Applies from",
    "Priority (0–100)",
    "Clause",
    "Title",
    "Status",
    "Why",
    "Missing (parts or clause)",
    "Controls to extend",
    "What would close it",
]
_WIDTHS = [14, 10.5, 8, 18, 20, 12, 33, 26, 12, 33]
"""One landscape page wide at about 72 % (the Why / Missing / close-it texts wrap)."""


def write_plan_sheet(workbook: Any, report: GapReport) -> None:
    """Add the Plan sheet: one row per open obligation, grouped by owner, then by date.

    Rows that are not applicable or not an obligation never enter the plan; a last line
    counts them apart.
    """
    plan = report.plan()
    sheet = _StreamSheet(
        workbook,
        "Plan",
        _HEADERS,
        _WIDTHS,
        status_column=6,
        freeze="E2",
        centre_column=3,
        max_lines=20,  # a longer text is cut, in full in the cell's comment
    )
    for owner, items in plan.owners.items():
        for item in items:
            finding = item.finding
            sheet.append(
                [
                    owner,
                    item.applies_from.isoformat() if item.applies_from else "applies now",
                    finding.priority,
                    finding.clause.id,
                    finding.clause.title,
                    finding.status,
                    finding.cause,
                    "\n".join(item.missing),
                    abridged(item.controls, where="all in the Matrix sheet"),
                    "\n".join(item.actions),
                ]
            )
    sheet.finish()
    if not plan.items:
        sheet.append(["no open obligation: every applicable clause is covered"], wrap=False)
    where = (
        " (see the Not applicable sheet)" if plan.not_applicable or plan.not_an_obligation else ""
    )
    kept = f"kept apart: {plan.not_applicable} not applicable, "
    rollups = f"; {plan.rollups} roll-up(s) counted in their sub-clauses" if plan.rollups else ""
    sheet.append([f"{kept}{plan.not_an_obligation} not an obligation{where}{rollups}"], wrap=False)
