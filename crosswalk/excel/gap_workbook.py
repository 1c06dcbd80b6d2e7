"""The gap workbook an auditor opens.

It is streamed (openpyxl's write-only mode) and written atomically; every status cell
is coloured from one table (:mod:`crosswalk.model.statuses`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.excel.capability_sheet import write_capability_sheet
from crosswalk.excel.layout import abridged, fit_width
from crosswalk.excel.matrix_pairs import fits_in_columns, write_pair_matrix
from crosswalk.excel.not_applicable_sheet import KEPT_APART, write_not_applicable_sheet
from crosswalk.excel.plan_sheet import write_plan_sheet
from crosswalk.excel.sheets import (
    _LEGEND,
    _save,
    _StreamSheet,
)
from crosswalk.excel.summary_sheet import write_summary_sheet
from crosswalk.model.ids import split_id

if TYPE_CHECKING:
    from crosswalk.gap.findings import Finding
    from crosswalk.gap.report import GapReport

__all__ = ["write_gap_workbook"]

_MAX_LINES = 12
"""Lines a finding's explanation or remedy prints at most: a roll-up of dozens of
sub-clauses is cut (in full in the cell's comment, and on the Plan sheet item by item)."""


def write_gap_workbook(report: GapReport, path: str | Path) -> Path:
    """Write the gap report workbook.

    Summary (with a chart), Gaps, Not applicable, Plan, Capability, Matrix, Risks,
    Evidence, Controls and About sheets — streamed, so large matrices keep memory flat.
    Returns the path.
    """
    from openpyxl import Workbook

    from crosswalk._version import __version__

    kb = report.kb
    framework = kb.framework(report.target)
    workbook = Workbook(write_only=True)

    organisation = report.inventory.organisation or report.inventory.path or "(inventory)"
    label = f"{organisation} — gap analysis against {framework.short_name}"
    unresolved = report.inventory.unresolved
    write_summary_sheet(workbook, report)

    # -- Gaps ---------------------------------------------------------------------
    # most urgent first (ties in catalogue order); the printed columns lead, the detail
    # columns follow for the screen, and "Order" restores the catalogue's order. Clauses
    # that do not apply or are not obligations are never gaps: they have a sheet of their own
    order = {clause_id: index for index, clause_id in enumerate(kb.clauses)}
    counted = [f for f in report.findings if f.status not in KEPT_APART]
    findings = sorted(counted, key=lambda f: (-f.priority, order.get(f.clause.id, len(order))))
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
        # the explanation and the remedy share the room: each wraps to about as many lines
        [fit_width(ids, 12, 28), 28, 16 if any_zh else 0, 13, 8, 38, 12, 38]
        + [18, 10, 11, 80, 18, 12, 40, 7],
        status_column=4,
        centre_column=5,  # the priority
        print_columns=8,
        max_lines=_MAX_LINES,
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
                _why(finding),
                # dozens of controls would overflow Excel's tallest row: the Matrix has all
                abridged(finding.controls, where="all in the Matrix sheet"),
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
    write_not_applicable_sheet(workbook, report, order)
    write_plan_sheet(workbook, report)
    write_capability_sheet(workbook, report)

    # -- Matrix -------------------------------------------------------------------
    controls = list(report.inventory.controls)
    if not fits_in_columns(len(controls)):  # past Excel's last column: one row per pair
        write_pair_matrix(workbook, counted)
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
        for finding in counted:
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
        [
            fit_width([m.subject for m in used.values()], 12, 26),  # ids never break
            15,
            fit_width([m.object for m in used.values()], 12, 26),
            8,
            58,
            20,
            28,
            11,
            11,
            20,
            11,
            28,
        ],
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


def _why(finding: Finding) -> str:
    """The Why cell: the parts evidenced, then the cause (as the CLI words it).

    The cause already says what the reason says and names the parts without evidence,
    so the reason stands alone only for a row without a cause (covered) and a roll-up
    (whose reason names the sub-clauses it is counted in; they are rows of their own).
    """
    if finding.rollup_of or not finding.cause:
        return finding.reason
    parts = ""
    if finding.parts:
        parts = f"{len(finding.parts_evidenced)} of {len(finding.parts)} parts evidenced"
        partly = [split_id(p.clause.id)[1] for p in finding.parts_partly]
        if partly:
            parts += f" (partly: {', '.join(partly)})"
        missing = [split_id(p.clause.id)[1] for p in finding.parts_missing]
        if missing and not all(name in finding.cause for name in missing):
            parts += f"; not evidenced: {', '.join(missing)}"
    return " — ".join(filter(None, [parts, finding.cause]))
