"""The "Not applicable" sheet: the clauses kept apart from the gaps, and why (issue 18 §3).

A clause that does not bind the profile (another role, another category of AI system, a
date not reached, deleted) or that is not an obligation (a definition, a procedure of the
authorities, a penalty …) is never a gap, so it is not on the Gaps or Matrix sheets. A
reader must still be able to see why a clause is missing there: every such clause is
listed here with its reason, its provision type and, for information, the status the
mappings would prove. On paper only the counts by reason print (one page instead of
dozens for the AI Act); the rows below them are for the screen.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from crosswalk.excel.layout import fit_width
from crosswalk.excel.sheets import _StreamSheet

if TYPE_CHECKING:
    from crosswalk.gap.findings import Finding
    from crosswalk.gap.report import GapReport

__all__ = ["KEPT_APART", "write_not_applicable_sheet"]

KEPT_APART = ("not_applicable", "not_an_obligation")
"""Statuses of the findings this sheet holds (and the Gaps and Matrix sheets leave out)."""

_HEADERS = [
    "Clause",
    "Title",
    "Status",
    "Why it is kept apart",
    "Provision",
    "Proven all the same",
    "Controls citing it",
    "Section",
    "Official text",
    "Order",
]
_WIDTHS = [24, 40, 18, 60, 13, 12, 16, 18, 40, 7]


def write_not_applicable_sheet(workbook: Any, report: GapReport, order: dict[str, int]) -> None:
    """Add the sheet: counts by reason (printed), then one row per clause (on screen).

    Nothing is added when every clause applies and is an obligation.
    """
    kept = [f for f in report.findings if f.status in KEPT_APART]
    if not kept:
        return
    kept.sort(key=lambda f: (KEPT_APART.index(f.status), f.reason, order.get(f.clause.id, 0)))
    reasons = Counter((f.status, f.reason) for f in kept)
    preamble: list[tuple[str, Any]] = [
        (
            f"{count} clause{'s' if count != 1 else ''}",
            reason,
        )
        for (_, reason), count in sorted(
            reasons.items(), key=lambda item: (KEPT_APART.index(item[0][0]), -item[1])
        )
    ]
    preamble.append(
        (
            "On screen",
            "every clause below, with its reason (the filter selects one); not printed",
        )
    )
    widths = [fit_width([f.clause.id for f in kept], 12, 28), *_WIDTHS[1:]]
    sheet = _StreamSheet(
        workbook,
        "Not applicable",
        _HEADERS,
        widths,
        status_column=3,
        print_columns=4,
        heading=(
            f"Kept apart from the gaps: {sum(f.status == 'not_applicable' for f in kept)} "
            f"not applicable to the profile, {sum(f.status == 'not_an_obligation' for f in kept)} "
            "not an obligation"
        ),
        preamble=preamble,
        repeat_header=False,  # only the counts above the table print
    )
    for finding in kept:
        sheet.append(_row(finding, order), link_column=9)
    sheet.finish()
    sheet.sheet.print_area = f"A1:D{sheet.header_row - 1}"


def _row(finding: Finding, order: dict[str, int]) -> list[Any]:
    return [
        finding.clause.id,
        finding.clause.title,
        finding.status,
        finding.reason,
        finding.clause.provision,
        finding.proven,
        ", ".join(finding.controls),
        finding.section,
        finding.clause.url,
        order.get(finding.clause.id),
    ]
