"""The gap workbook an auditor opens.

It is streamed (openpyxl's write-only mode) and written atomically; every status cell
is coloured from one table (:mod:`crosswalk.model.statuses`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.excel.capability_sheet import write_capability_sheet
from crosswalk.excel.plan_sheet import write_plan_sheet
from crosswalk.excel.sheets import (
    _LEGEND,
    _save,
    _StreamSheet,
)

if TYPE_CHECKING:
    from crosswalk.gap.report import GapReport

__all__ = ["write_gap_workbook"]


def write_gap_workbook(report: GapReport, path: str | Path) -> Path:  # noqa: C901 - sheet after sheet of one stream
    """Write the gap report workbook.

    Summary (with a chart), Gaps, Matrix, Risks, Evidence, Controls and About sheets — streamed, so
    large matrices keep memory flat. Returns the path.
    """
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    kb = report.kb
    framework = kb.framework(report.target)
    workbook = Workbook(write_only=True)

    # -- Summary ------------------------------------------------------------------
    summary = _StreamSheet(
        workbook,
        "Summary",
        [
            "Section",
            "Title",
            "Covered",
            "Partial",
            "Undetermined",
            "Gap",
            "Not applicable",
            "Coverage %",
        ],
        [24, 48, 10, 10, 14, 8, 15, 12],
        freeze="A2",
    )
    for section in report.sections:
        c = section.counts
        summary.append(
            [
                section.section,
                section.title,
                c["covered"],
                c["partial"],
                c["undetermined"],
                c["gap"],
                c["not_applicable"],
                "n/a" if section.coverage is None else round(100 * section.coverage, 1),
            ]
        )
    sections = summary.rows
    total = report.counts
    applicable = sum(v for k, v in total.items() if k != "not_applicable") or 1
    summary.append(
        [
            "All",
            framework.short_name,
            total["covered"],
            total["partial"],
            total["undetermined"],
            total["gap"],
            total["not_applicable"],
            round(100 * (total["covered"] + 0.5 * total["partial"]) / applicable, 1),
        ],
        bold=True,
    )
    summary.append([])
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
        summary.append([])
    summary.append(["Risk sources"], bold=True)
    risk_counts: dict[str, int] = {}
    for risk in report.risks:
        risk_counts[risk.status] = risk_counts.get(risk.status, 0) + 1
    for status in ("addressed", "partly_addressed", "not_addressed"):
        summary.append([status, risk_counts.get(status, 0)])
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = f"Coverage of {framework.short_name} by section"
    chart.y_axis.title = "clauses"
    last = max(2, sections + 1)
    chart.add_data(
        Reference(summary.sheet, min_col=3, max_col=7, min_row=1, max_row=last),
        titles_from_data=True,
    )
    chart.set_categories(Reference(summary.sheet, min_col=1, min_row=2, max_row=last))
    for series, colour in zip(
        chart.series, ["63BE7B", "FFD966", "9DC3E6", "F8696B", "BFBFBF"], strict=False
    ):
        series.graphicalProperties.solidFill = colour
    chart.height, chart.width = 9, 18
    summary.sheet.add_chart(chart, "J2")

    # -- Gaps ---------------------------------------------------------------------
    gaps = _StreamSheet(
        workbook,
        "Gaps",
        [
            "Clause",
            "Title",
            "Title (zh)",
            "Section",
            "Status",
            "Why",
            "Score (0–10)",
            "Confidence",
            "Priority (0–100)",
            "Controls",
            "Justification path",
            "Would close it",
            "Planned controls",
            "Clause data",
            "Official text",
        ],
        [24, 40, 20, 18, 14, 50, 10, 11, 10, 20, 80, 40, 18, 12, 40],
        status_column=5,
    )
    for finding in report.findings:
        best = max(finding.evidence, key=lambda e: e.strength, default=None)
        gaps.append(
            [
                finding.clause.id,
                finding.clause.title,
                finding.clause.title_zh,
                finding.section,
                finding.status,
                " — ".join(filter(None, [finding.reason, finding.parts_text(), finding.cause])),
                finding.score,
                round(finding.confidence, 3) if finding.confidence is not None else None,
                finding.priority,
                ", ".join(finding.controls),
                best.path_text() if best else "",
                "; ".join(finding.actions or finding.next_steps),
                ", ".join(finding.planned),
                finding.clause.status,
                finding.clause.url,
            ],
            link_column=15,
        )
    gaps.finish()
    write_plan_sheet(workbook, report)
    write_capability_sheet(workbook, report)

    # -- Matrix -------------------------------------------------------------------
    controls = list(report.inventory.controls)
    matrix = _StreamSheet(
        workbook,
        "Matrix",
        ["Clause", "Status", *[c.id for c in controls]],
        [24, 14, *[8] * len(controls)],
        status_column=2,
        freeze="C2",
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
        [26, 50, 24, 16, 80],
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
            "Mapping",
            "Subject",
            "Relation",
            "Object",
            "Strength",
            "Rationale",
            "Confidence",
            "Justification",
            "Source",
            "Author",
            "Date",
            "File",
        ],
        [28, 26, 16, 26, 9, 11, 11, 70, 20, 20, 11, 28],
    )
    for m in sorted(used.values(), key=lambda m: m.id):
        evidence.append(
            [
                m.id,
                m.subject,
                m.relation,
                m.object,
                m.strength,
                m.rationale,
                m.confidence,
                m.justification,
                m.source,
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
        ["Id", "Title", "Description", "Owner", "Status", "Maturity", "Evidence", "Implements"],
        [12, 36, 50, 22, 20, 9, 30, 60],
    )
    for control in controls:
        sheet.append(
            [
                control.id,
                control.title,
                control.description,
                control.owner,
                control.status,
                control.maturity,
                "; ".join(control.evidence),
                "; ".join(f"{r.clause} ({r.coverage})" for r in control.implements),
            ]
        )
    sheet.finish()

    # -- About --------------------------------------------------------------------
    from crosswalk._version import __version__

    about = _StreamSheet(workbook, "About", ["Item", "Value"], [24, 110], status_column=1)
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
    for line in lines:
        about.append(list(line))
    return _save(workbook, path)
