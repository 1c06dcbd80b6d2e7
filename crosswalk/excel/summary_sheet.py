"""The Summary sheet of the gap workbook: who, against what, the counts, a chart, risks.

What prints is what a reader of the paper report needs on its first pages: the preamble
(organisation, target, profile, date, data version), the counts per section (per chapter
for the AI Act, whose 130 articles would make an unreadable chart), the chart on a page
of its own when it would not fit under the table (LibreOffice cuts a chart at a page
break), the capability estimate and the risk sources. The AI Act's per-article counts
follow below the print area, for the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from crosswalk.excel.groups import group_sections
from crosswalk.excel.sheets import _letter, _StreamSheet
from crosswalk.model.statuses import chart_colours

if TYPE_CHECKING:
    from crosswalk.gap.report import GapReport, SectionSummary

__all__ = ["write_summary_sheet"]

_COLUMNS = [
    "Covered",
    "Partial",
    "Undetermined",
    "Gap",
    "Not applicable",
    "Not an obligation",
    "Coverage %",
]
_WIDTHS = [24, 48, 10, 9, 15, 7, 12, 12, 11]
_POINTS_PER_CM = 28.35
_ROW_CM = 0.53  # a 15-point row


def _preamble(report: GapReport) -> list[tuple[str, Any]]:
    from crosswalk._version import __version__

    kb = report.kb
    framework = kb.framework(report.target)
    unresolved = report.inventory.unresolved
    preamble: list[tuple[str, Any]] = [
        ("Organisation", report.inventory.organisation or "(not given)"),
        ("Target", f"{framework.short_name} — {framework.title}"),
        (
            "Profile",
            report.profile.describe() if report.profile else "none (every clause counts)",
        ),
        ("Inventory", report.inventory.path or "(Python objects)"),
        ("Date", report.created.strftime("%Y-%m-%d %H:%M UTC")),
        (
            "Data",
            (
                f"crosswalk {__version__}: {len(kb.frameworks)} frameworks, "
                f"{len(kb.clauses)} clauses, {len(kb.mappings)} mappings"
            ),
        ),
    ]
    if unresolved:
        preamble.append(
            (
                "Not counted",
                (
                    f"{len(unresolved)} citation(s) of frameworks that are not loaded "
                    "(Controls sheet, column Not counted)"
                ),
            )
        )
    return preamble


def _counted(
    summary: _StreamSheet,
    report: GapReport,
    key: str,
    title: str,
    parts: Sequence[SectionSummary],
    **style: Any,
) -> None:
    """One row: the counts of ``parts`` (sections) and their coverage, "n/a" if none applies."""
    counts = dict.fromkeys(report.counts, 0)
    for part in parts:
        for status, number in part.counts.items():
            counts[status] = counts.get(status, 0) + number
    applicable = sum(part.applicable for part in parts)
    evidenced = sum(part.evidenced for part in parts)
    summary.append(
        [
            key,
            title,
            counts["covered"],
            counts["partial"],
            counts["undetermined"],
            counts["gap"],
            counts["not_applicable"],
            counts.get("not_an_obligation", 0),
            round(100 * evidenced / applicable, 1) if applicable else "n/a",
        ],
        **style,
    )


def _chart(summary: _StreamSheet, report: GapReport, bars: int, by_chapter: bool) -> None:
    """A stacked bar chart of the rows just written, on a page of its own if need be."""
    from openpyxl.chart import BarChart, Reference

    short_name = report.kb.framework(report.target).short_name
    first_bar = summary.header_row + 1
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = f"Coverage of {short_name} by {'chapter' if by_chapter else 'section'}"
    chart.y_axis.title = "applicable clauses (not applicable ones are in the table)"
    chart.x_axis.scaling.orientation = "maxMin"  # the first section on top, as in the table
    chart.legend.position = "b"
    chart.add_data(
        Reference(
            summary.sheet,
            min_col=3,
            max_col=6,  # covered … gap: not-applicable bars would dwarf the rest
            min_row=summary.header_row,
            max_row=first_bar + max(bars, 1) - 1,
        ),
        titles_from_data=True,
    )
    short = all(len(s.title) <= 32 for s in report.sections) and not by_chapter
    chart.set_categories(
        Reference(
            summary.sheet,
            min_col=2 if short else 1,
            min_row=first_bar,
            max_row=first_bar + max(bars, 1) - 1,
        )
    )
    colours = chart_colours()
    for series, status in zip(
        chart.series, ("covered", "partial", "undetermined", "gap"), strict=False
    ):
        series.graphicalProperties.solidFill = colours[status]
        series.graphicalProperties.line.solidFill = colours[status]
    chart.height = max(7.0, 2.5 + 0.6 * bars)  # centimetres: each bar keeps its label legible
    chart.width = 24.0
    rows = int(chart.height / _ROW_CM) + 2  # rows of 15 points under the chart
    if summary.room() < (rows + 1) * _ROW_CM * _POINTS_PER_CM:
        summary.page_break()
    # a blank row first: a chart anchored right at a page break is drawn on both pages
    summary.blank()
    summary.sheet.add_chart(chart, f"A{summary.last_row + 1}")
    summary.blank(rows)


def write_summary_sheet(workbook: Any, report: GapReport) -> None:
    """Add the Summary sheet (the first sheet of the gap workbook)."""
    framework = report.kb.framework(report.target)
    organisation = report.inventory.organisation or report.inventory.path or "(inventory)"
    summary = _StreamSheet(
        workbook,
        "Summary",
        ["Section", "Title", *_COLUMNS],
        _WIDTHS,
        freeze="",
        heading=f"Gap analysis: {organisation} against {framework.short_name}",
        preamble=_preamble(report),
        repeat_header=False,  # the sheet holds a chart and other tables under this one
    )
    by_section = {section.section: section for section in report.sections}
    groups = group_sections(report.target, list(by_section))
    if groups is None:
        for section in report.sections:
            _counted(summary, report, section.section, section.title, [section])
    else:  # the chart is legible only by chapter: chapters first, sections further down
        for group in groups:
            parts = [by_section[key] for key in group.sections]
            _counted(summary, report, group.label, group.title, parts)
    bars = summary.rows
    _counted(summary, report, "All", framework.short_name, report.sections, bold=True)
    _chart(summary, report, bars, groups is not None)
    capability = report.capability
    if capability is not None:
        summary.keep_together(len(capability.domains) + 3)  # a table is not split from its heading
        summary.append(
            ["Capability estimate (PROVISIONAL model — not the official GB/T 46347 method)"],
            bold=True,
            wrap=False,
        )
        summary.append(["Domain", "Level", "Score (0–100)"], bold=True)
        for domain, score in capability.domains.items():
            summary.append([domain, capability.domain_level(domain), score])
        summary.append(["Overall", capability.level, capability.overall], bold=True)
        summary.blank()
    summary.keep_together(4)
    summary.append(["Risk sources"], bold=True)
    risk_counts: dict[str, int] = {}
    for risk in report.risks:
        risk_counts[risk.status] = risk_counts.get(risk.status, 0) + 1
    for status in ("addressed", "partly_addressed", "not_addressed"):
        summary.append([status, risk_counts.get(status, 0)])
    if groups is not None:
        # the per-article table is for the screen: the chapters above sum it up on paper
        summary.sheet.print_area = f"A1:{_letter(len(_WIDTHS))}{summary.last_row}"
        summary.blank()
        summary.append(
            ["Per article and annex (not printed: the chapters above sum them up)"], wrap=False
        )
        summary.append(["Section", "Title", *_COLUMNS], bold=True)
        for group in groups:
            for key in group.sections:
                section = by_section[key]
                _counted(summary, report, section.section, section.title, [section])
