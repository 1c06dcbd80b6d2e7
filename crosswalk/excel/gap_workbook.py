"""The gap workbook an auditor opens.

It is streamed (openpyxl's write-only mode) and written atomically; every status cell
is coloured from one table (:mod:`crosswalk.model.statuses`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.excel.capability_sheet import write_capability_sheet
from crosswalk.excel.groups import group_sections
from crosswalk.excel.layout import fit_width
from crosswalk.excel.matrix_pairs import fits_in_columns, write_pair_matrix
from crosswalk.excel.plan_sheet import write_plan_sheet
from crosswalk.excel.sheets import (
    _LEGEND,
    _save,
    _StreamSheet,
)
from crosswalk.model.statuses import chart_colours

if TYPE_CHECKING:
    from crosswalk.gap.report import GapReport, SectionSummary

__all__ = ["write_gap_workbook"]


def write_gap_workbook(report: GapReport, path: str | Path) -> Path:  # noqa: C901 - sheet after sheet of one stream
    """Write the gap report workbook.

    Summary (with a chart), Gaps, Plan, Capability, Matrix, Risks, Evidence, Controls and About sheets — streamed, so
    large matrices keep memory flat. Returns the path.
    """
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    kb = report.kb
    framework = kb.framework(report.target)
    workbook = Workbook(write_only=True)

    # -- Summary ------------------------------------------------------------------
    from crosswalk._version import __version__

    organisation = report.inventory.organisation or report.inventory.path or "(inventory)"
    label = f"{organisation} — gap analysis against {framework.short_name}"
    unresolved = report.inventory.unresolved
    preamble = [
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
    columns = [
        "Covered",
        "Partial",
        "Undetermined",
        "Gap",
        "Not applicable",
        "Not an obligation",
        "Coverage %",
    ]
    summary = _StreamSheet(
        workbook,
        "Summary",
        ["Section", "Title", *columns],
        [24, 48, 10, 9, 15, 7, 12, 12, 11],
        freeze="",
        heading=f"Gap analysis: {organisation} against {framework.short_name}",
        preamble=preamble,
        repeat_header=False,  # the sheet holds a chart and other tables under this one
    )
    by_section = {section.section: section for section in report.sections}
    groups = group_sections(report.target, list(by_section))

    def counted(key: str, title: str, parts: Sequence[SectionSummary], **style: Any) -> None:
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

    if groups is None:
        for section in report.sections:
            counted(section.section, section.title, [section])
    else:  # the chart is legible only by chapter: chapters first, sections further down
        for group in groups:
            counted(group.label, group.title, [by_section[key] for key in group.sections])
    bars = summary.rows
    first_bar = summary.header_row + 1
    counted("All", framework.short_name, report.sections, bold=True)
    summary.blank()
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = f"Coverage of {framework.short_name} by {'chapter' if groups else 'section'}"
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
    short = all(len(s.title) <= 32 for s in report.sections) and groups is None
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
    summary.sheet.add_chart(chart, f"A{summary.last_row + 1}")
    summary.blank(int(chart.height / 0.53) + 2)  # rows of 15 points under the chart
    capability = report.capability
    if capability is not None:
        summary.append(
            ["Capability estimate (PROVISIONAL model — not the official GB/T 46347 method)"],
            bold=True,
        )
        summary.append(["Domain", "Score (0–100)", "Level"], bold=True)
        for domain, score in capability.domains.items():
            summary.append([domain, score, capability.domain_level(domain)])
        summary.append(["Overall", capability.overall, capability.level], bold=True)
        summary.blank()
    summary.append(["Risk sources"], bold=True)
    risk_counts: dict[str, int] = {}
    for risk in report.risks:
        risk_counts[risk.status] = risk_counts.get(risk.status, 0) + 1
    for status in ("addressed", "partly_addressed", "not_addressed"):
        summary.append([status, risk_counts.get(status, 0)])
    if groups is not None:
        summary.blank()
        summary.append(["Section", "Title", *columns], bold=True)
        for group in groups:
            for key in group.sections:
                section = by_section[key]
                counted(section.section, section.title, [section])

    # -- Gaps ---------------------------------------------------------------------
    # most urgent first (ties in catalogue order); the printed columns lead, the detail
    # columns follow for the screen, and "Order" restores the catalogue's order
    order = {clause_id: index for index, clause_id in enumerate(kb.clauses)}
    findings = sorted(
        report.findings, key=lambda f: (-f.priority, order.get(f.clause.id, len(order)))
    )
    ids = [f.clause.id for f in findings]
    any_zh = any(f.clause.title_zh for f in findings)
    gaps = _StreamSheet(
        workbook,
        "Gaps",
        [
            "Clause",
            "Title",
            "Title (zh)",
            "Status",
            "Priority (0–100)",
            "Why",
            "Controls",
            "Would close it",
            "Section",
            "Score (0–10)",
            "Confidence",
            "Justification path",
            "Planned controls",
            "Clause data",
            "Official text",
            "Order",
        ],
        [fit_width(ids, 12, 28), 32, 16 if any_zh else 0, 15, 9, 40, 14, 30]
        + [18, 10, 11, 80, 18, 12, 40, 7],
        status_column=4,
        print_columns=8,
    )
    for finding in findings:
        best = max(finding.evidence, key=lambda e: e.strength, default=None)
        gaps.append(
            [
                finding.clause.id,
                finding.clause.title,
                finding.clause.title_zh,
                finding.status,
                finding.priority,
                " — ".join(filter(None, [finding.reason, finding.parts_text(), finding.cause])),
                ", ".join(finding.controls),
                "; ".join(finding.actions or finding.next_steps),
                finding.section,
                finding.score,
                round(finding.confidence, 3) if finding.confidence is not None else None,
                best.path_text() if best else "",
                ", ".join(finding.planned),
                finding.clause.status,
                finding.clause.url,
                order.get(finding.clause.id),
            ],
            link_column=15,
        )
    gaps.finish()
    write_plan_sheet(workbook, report)
    write_capability_sheet(workbook, report)

    # -- Matrix -------------------------------------------------------------------
    controls = list(report.inventory.controls)
    if not fits_in_columns(len(controls)):  # past Excel's last column: one row per pair
        write_pair_matrix(workbook, report.findings)
    else:
        matrix = _StreamSheet(
            workbook,
            "Matrix",
            ["Clause", "Status", *[c.id for c in controls]],
            [fit_width(ids, 12, 28), 15, *[3.5] * len(controls)],
            status_column=2,
            freeze="C2",
            repeat_columns=2,
            header_rotation=90,
        )
        position = {c.id: i for i, c in enumerate(controls)}
        for finding in report.findings:
            row: list[Any] = [None] * len(controls)
            for item in finding.evidence:
                row[position[item.control]] = "●" if item.coverage == "full" else "◐"
            matrix.append([finding.clause.id, finding.status, *row])
        matrix.finish()

    # -- Risks --------------------------------------------------------------------
    risks = _StreamSheet(
        workbook,
        "Risks",
        ["Risk source", "Title", "Title (zh)", "Status", "Addressed by"],
        [
            fit_width([r.risk.id for r in report.risks], 12, 30),
            36,
            18 if any(r.risk.title_zh for r in report.risks) else 0,
            16,
            60,
        ],
        status_column=4,
    )
    for risk in report.risks:
        risks.append(
            [
                risk.risk.id,
                risk.risk.title,
                risk.risk.title_zh,
                risk.status,
                "; ".join(f"{c} via {req} [{m.where}]" for c, req, m in risk.by),
            ]
        )
    risks.finish()

    # -- Evidence -----------------------------------------------------------------
    used: dict[str, Any] = {}
    for finding in report.findings:
        for item in finding.evidence:
            for mapping in item.mappings:
                used.setdefault(mapping.id, mapping)
    for risk in report.risks:
        for _, _, mapping in risk.by:
            used.setdefault(mapping.id, mapping)
    evidence = _StreamSheet(
        workbook,
        "Evidence",
        [
            "Subject",
            "Relation",
            "Object",
            "Strength",
            "Justification",
            "Source",
            "Mapping",
            "Rationale",
            "Confidence",
            "Author",
            "Date",
            "File",
        ],
        [20, 14, 20, 8, 58, 20, 28, 11, 11, 20, 11, 28],
        print_columns=6,
    )
    for m in sorted(used.values(), key=lambda m: m.id):
        evidence.append(
            [
                m.subject,
                m.relation,
                m.object,
                m.strength,
                m.justification,
                m.source,
                m.id,
                m.rationale,
                m.confidence,
                m.author,
                m.date.isoformat(),
                m.path and Path(m.path).name,
            ]
        )
    evidence.finish()

    # -- Controls -----------------------------------------------------------------
    sheet = _StreamSheet(
        workbook,
        "Controls",
        [
            "Id",
            "Title",
            "Status",
            "Maturity",
            "Owner",
            "Implements",
            "Not counted (framework not loaded)",
            "Description",
            "Evidence",
        ],
        [
            fit_width([c.id for c in controls], 6, 16),
            28,
            20,
            9,
            16,
            40,
            24 if unresolved else 0,
            50,
            30,
        ],
        print_columns=7,
    )
    for control in controls:
        sheet.append(
            [
                control.id,
                control.title,
                control.status,
                control.maturity,
                control.owner,
                "; ".join(f"{r.clause} ({r.coverage})" for r in control.implements),
                "; ".join(f"{u.cited} ({u.coverage})" for u in control.unresolved),
                control.description,
                "; ".join(control.evidence),
            ]
        )
    sheet.finish()

    # -- About --------------------------------------------------------------------
    about = _StreamSheet(workbook, "About", ["Item", "Value"], [22, 100], status_column=1)
    profile = report.profile.describe() if report.profile else "none (every clause counts)"
    lines = [
        ("Report", f"Gap analysis against {framework.short_name} ({framework.title})"),
        ("Organisation", report.inventory.organisation or ""),
        ("Inventory", report.inventory.path or "(Python objects)"),
        ("Profile", profile),
        ("Created", report.created.isoformat()),
        ("crosswalk version", __version__),
        (
            "Data",
            f"{len(kb.frameworks)} frameworks, {len(kb.clauses)} clauses, {len(kb.mappings)} mappings",
        ),
        (
            "Soundness",
            "A clause is reported covered only when the mappings prove that the implemented clauses contain it. Partial means a proven overlap; undetermined means linked without proof of overlap.",
        ),
        (
            "Score",
            "Score (0–10) is the strength of the best supporting derivation (weakest link); priority (0–100) ranks what to close first. Neither changes the proven status.",
        ),
        (
            "Scoring model",
            (
                report.capability.model.note
                if report.capability
                else "not applicable to this target"
            ),
        ),
        (
            "Copyright",
            "ISO, ISO/IEC and GB/T texts are copyrighted: this workbook holds only clause numbers, official headings and crosswalk's own paraphrases. EU AI Act and TC260 texts: official titles and links.",
        ),
        *_LEGEND,
        ("● / ◐", "Legend: in the Matrix sheet, the control fully / partly supports the clause"),
    ]
    if unresolved:
        lines.append(
            (
                "Not counted",
                "; ".join(f"{control}: {u.cited}" for control, u in unresolved)
                + ". These citations name frameworks that are not loaded; they count for "
                "nothing. Load the framework as a catalogue with its mappings (crosswalk --data "
                "DIR, grammar in mappings/README.md) to count them; --strict refuses them.",
            )
        )
    for line in lines:
        about.append(list(line))
    about.finish()
    return _save(workbook, path, label=label)
