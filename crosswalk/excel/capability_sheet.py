"""The Capability sheet of the gap workbook (issue 18, §4): the estimate, and how it is made.

Per domain its score, level and what would move it up a level; per item the numbers that
made its score; then the formula, weights and thresholds, so a reader can check every
figure. Kept apart from :mod:`crosswalk.excel.gap_workbook`, which calls
:func:`write_capability_sheet` once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crosswalk.excel.sheets import _StreamSheet

if TYPE_CHECKING:
    from crosswalk.gap.report import GapReport

__all__ = ["write_capability_sheet"]

_HEADERS = ["Domain / item", "Title", "Status", "Points", "Maturity", "Factor", "Score", "Level"]
_WIDTHS = [30, 40, 14, 9, 10, 9, 10, 60]
"""One landscape page wide (at about 74 %)."""


def write_capability_sheet(workbook: Any, report: GapReport) -> None:
    """Add the Capability sheet when the report has an estimate (GB/T 46347, or --scoring)."""
    estimate = report.capability
    if estimate is None:
        return
    sheet = _StreamSheet(workbook, "Capability", _HEADERS, _WIDTHS, status_column=3, freeze="A2")
    sheet.append(
        [
            f"PROVISIONAL estimate ({estimate.model.id}): not the official method; --scoring replaces it"
        ],
        bold=True,
        wrap=False,
    )
    for domain, score in estimate.domains.items():
        sheet.append(
            [domain, None, None, None, None, None, score, estimate.domain_level(domain)],
            bold=True,
        )
        sheet.append(
            [None, "up a level", None, None, None, None, None, estimate.next_level(domain)]
        )
        for item in estimate.items.get(domain, ()):
            sheet.append(
                [
                    item.clause,
                    item.title,
                    item.status,
                    round(item.points, 3),
                    round(item.maturity, 2) if item.maturity is not None else "none",
                    round(item.factor, 3),
                    round(100 * item.score, 1),
                ]
            )
    sheet.append(
        ["Overall", None, None, None, None, None, estimate.overall, estimate.level], bold=True
    )
    sheet.append([])
    sheet.append(["How it is computed"], bold=True)
    for line in estimate.method():
        sheet.append([line.strip()], wrap=False)  # across the columns, as one line
