"""Excel workbooks: the gap report an auditor opens, and the inventory template.

Cells are always values, never formulas: text from users or data that starts with
``=``, ``+``, ``-`` or ``@`` is stored as a string cell (and flagged with Excel's
quote prefix) so that no spreadsheet application evaluates it. Workbooks are written
atomically (temporary file, then rename).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.atomic import atomic_path

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from crosswalk.gap import GapReport
    from crosswalk.knowledge import KnowledgeBase

__all__ = ["write_gap_workbook", "write_inventory_template", "STATUS_COLOURS", "safe_cell_value"]

STATUS_COLOURS = {
    "covered": "C6EFCE",
    "partial": "FFEB9C",
    "undetermined": "DDEBF7",
    "gap": "FFC7CE",
    "not_applicable": "EDEDED",
    "addressed": "C6EFCE",
    "partly_addressed": "FFEB9C",
    "not_addressed": "FFC7CE",
}
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FILL = "1F4E78"


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell_value(value: Any) -> Any:
    """Values pass through; strings lose control characters that XML cannot hold (shown as
    U+FFFD) and are trimmed to Excel's 32,767-character limit."""
    if isinstance(value, str):
        value = _ILLEGAL.sub("\ufffd", value)
        if len(value) > 32_767:
            return value[:32_760] + " […]"
    return value


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write one cell as a value; text that looks like a formula stays text."""
    cell = sheet.cell(row=row, column=column)
    value = safe_cell_value(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(_RISKY_START):
        cell.data_type = "s"
        from openpyxl.styles import Alignment

        cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")
        cell.quotePrefix = True
    return cell


def _table(sheet: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int], *, status_column: int | None = None) -> int:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor=_HEADER_FILL)
    for column, header in enumerate(headers, start=1):
        cell = _put(sheet, 1, column, header)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    count = 0
    fills = {k: PatternFill("solid", fgColor=v) for k, v in STATUS_COLOURS.items()}
    top = Alignment(vertical="top", wrap_text=True)
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = _put(sheet, count + 1, column, value)
            cell.alignment = top
        if status_column is not None:
            status = row[status_column - 1]
            if status in fills:
                sheet.cell(row=count + 1, column=status_column).fill = fills[status]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(column)].width = width
    sheet.freeze_panes = "B2" if len(headers) > 1 else "A2"
    # printable: landscape, one page wide, header row repeated on every page
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    if count:
        sheet.auto_filter.ref = f"A1:{_letter(len(headers))}{count + 1}"
    return count


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def write_gap_workbook(report: GapReport, path: str | Path) -> Path:
    """Write the gap report workbook: Summary (with a chart), Gaps, Matrix, Risks,
    Evidence and About sheets. Returns the path."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    kb = report.kb
    framework = kb.framework(report.target)
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"

    # -- Summary ------------------------------------------------------------------
    headers = ["Section", "Title", "Covered", "Partial", "Undetermined", "Gap", "Not applicable", "Coverage %"]
    rows = [
        [
            s.section,
            s.title,
            s.counts["covered"],
            s.counts["partial"],
            s.counts["undetermined"],
            s.counts["gap"],
            s.counts["not_applicable"],
            round(100 * s.coverage, 1),
        ]
        for s in report.sections
    ]
    total = report.counts
    applicable = sum(v for k, v in total.items() if k != "not_applicable") or 1
    rows.append(
        ["All", framework.short_name, total["covered"], total["partial"], total["undetermined"], total["gap"], total["not_applicable"],
         round(100 * (total["covered"] + 0.5 * total["partial"]) / applicable, 1)]
    )
    count = _table(summary, headers, rows, [22, 48, 10, 10, 14, 8, 15, 12])
    summary.cell(row=count + 1, column=1).font = Font(bold=True)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = f"Coverage of {framework.short_name} by section"
    chart.y_axis.title = "clauses"
    data = Reference(summary, min_col=3, max_col=7, min_row=1, max_row=max(2, count))
    categories = Reference(summary, min_col=1, min_row=2, max_row=max(2, count))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    colours = ["63BE7B", "FFD966", "9DC3E6", "F8696B", "BFBFBF"]
    for series, colour in zip(chart.series, colours, strict=False):
        series.graphicalProperties.solidFill = colour
    chart.height, chart.width = 9, 18
    summary.add_chart(chart, f"J2")
    line = count + 4
    capability = report.capability
    if capability is not None:
        _put(summary, line, 1, "Capability estimate (PROVISIONAL model — not the official GB/T 46347 method)").font = Font(bold=True)
        _put(summary, line + 1, 1, "Domain")
        _put(summary, line + 1, 2, "Score (0–100)")
        _put(summary, line + 1, 3, "Level")
        for offset, (domain, score) in enumerate(capability.domains.items(), start=2):
            _put(summary, line + offset, 1, domain)
            _put(summary, line + offset, 2, score)
            _put(summary, line + offset, 3, capability.domain_level(domain))
        end = line + 2 + len(capability.domains)
        _put(summary, end, 1, "Overall").font = Font(bold=True)
        _put(summary, end, 2, capability.overall)
        _put(summary, end, 3, capability.level)
        line = end + 2
    _put(summary, line, 1, "Risk sources").font = Font(bold=True)
    risk_counts: dict[str, int] = {}
    for risk in report.risks:
        risk_counts[risk.status] = risk_counts.get(risk.status, 0) + 1
    for offset, status in enumerate(("addressed", "partly_addressed", "not_addressed"), start=1):
        _put(summary, line + offset, 1, status)
        _put(summary, line + offset, 2, risk_counts.get(status, 0))

    # -- Gaps ---------------------------------------------------------------------
    gaps = workbook.create_sheet("Gaps")
    frame_rows = []
    for finding in report.findings:
        best = max(finding.evidence, key=lambda e: e.strength, default=None)
        frame_rows.append(
            [
                finding.clause.id,
                finding.clause.title,
                finding.clause.title_zh,
                finding.section,
                finding.status,
                finding.reason,
                finding.score,
                round(finding.confidence, 3) if finding.confidence is not None else None,
                finding.priority,
                ", ".join(finding.controls),
                best.path_text() if best else "",
                "; ".join(finding.next_steps),
                ", ".join(finding.planned),
                finding.clause.status,
                finding.clause.url,
            ]
        )
    _table(
        gaps,
        ["Clause", "Title", "Title (zh)", "Section", "Status", "Why", "Score (0–10)", "Confidence", "Priority (0–100)",
         "Controls", "Justification path", "Would close it", "Planned controls", "Clause data", "Official text"],
        frame_rows,
        [24, 40, 20, 18, 14, 50, 10, 11, 10, 20, 80, 40, 18, 12, 40],
        status_column=5,
    )
    for row in range(2, len(frame_rows) + 2):
        cell = gaps.cell(row=row, column=15)
        if isinstance(cell.value, str) and cell.value.startswith("http"):
            cell.hyperlink = cell.value
            cell.style = "Hyperlink"

    # -- Matrix -------------------------------------------------------------------
    matrix = workbook.create_sheet("Matrix")
    controls = [c for c in report.inventory.controls]
    matrix_rows = []
    for finding in report.findings:
        marks = {e.control: ("●" if e.coverage == "full" else "◐") for e in finding.evidence}
        matrix_rows.append([finding.clause.id, finding.status, *[marks.get(c.id, "") for c in controls]])
    _table(matrix, ["Clause", "Status", *[c.id for c in controls]], matrix_rows, [24, 14, *[8] * len(controls)], status_column=2)

    # -- Risks --------------------------------------------------------------------
    risks = workbook.create_sheet("Risks")
    _table(
        risks,
        ["Risk source", "Title", "Title (zh)", "Status", "Addressed by"],
        [
            [r.risk.id, r.risk.title, r.risk.title_zh, r.status, "; ".join(f"{c} via {req} [{m.where}]" for c, req, m in r.by)]
            for r in report.risks
        ],
        [26, 50, 24, 16, 80],
        status_column=4,
    )

    # -- Evidence -----------------------------------------------------------------
    evidence = workbook.create_sheet("Evidence")
    used: dict[str, Any] = {}
    for finding in report.findings:
        for item in finding.evidence:
            for mapping in item.mappings:
                used.setdefault(mapping.id, mapping)
    for risk in report.risks:
        for _, _, mapping in risk.by:
            used.setdefault(mapping.id, mapping)
    _table(
        evidence,
        ["Mapping", "Subject", "Relation", "Object", "Strength", "Rationale", "Confidence", "Justification", "Source", "Author", "Date", "File"],
        [
            [m.id, m.subject, m.relation, m.object, m.strength, m.rationale, m.confidence, m.justification, m.source, m.author, m.date.isoformat(), m.path and Path(m.path).name]
            for m in sorted(used.values(), key=lambda m: m.id)
        ],
        [28, 26, 16, 26, 9, 11, 11, 70, 20, 20, 11, 28],
    )

    # -- Controls -----------------------------------------------------------------
    control_sheet = workbook.create_sheet("Controls")
    _table(
        control_sheet,
        ["Id", "Title", "Description", "Owner", "Status", "Maturity", "Evidence", "Implements"],
        [
            [c.id, c.title, c.description, c.owner, c.status, c.maturity, "; ".join(c.evidence),
             "; ".join(f"{r.clause} ({r.coverage})" for r in c.implements)]
            for c in controls
        ],
        [12, 36, 50, 22, 20, 9, 30, 60],
    )

    # -- About --------------------------------------------------------------------
    about = workbook.create_sheet("About")
    from crosswalk import __version__

    profile = report.profile.describe() if report.profile else "none (every clause counts)"
    lines = [
        ("Report", f"Gap analysis against {framework.short_name} ({framework.title})"),
        ("Organisation", report.inventory.organisation or ""),
        ("Inventory", report.inventory.path or "(Python objects)"),
        ("Profile", profile),
        ("Created", report.created.isoformat()),
        ("crosswalk version", __version__),
        ("Data", f"{len(kb.frameworks)} frameworks, {len(kb.clauses)} clauses, {len(kb.mappings)} mappings"),
        ("Soundness", "A clause is reported covered only when the mappings prove that the implemented clauses contain it (DESIGN.md §5). Partial means a proven overlap; undetermined means linked without proof of overlap."),
        ("Score", "Score (0–10) is the strength of the best supporting derivation (weakest link); priority (0–100) ranks what to close first. Neither changes the proven status."),
        ("Scoring model", (report.capability.model.note if report.capability else "not applicable to this target")),
        ("Copyright", "ISO, ISO/IEC and GB/T texts are copyrighted: this workbook holds only clause numbers, official headings and crosswalk's own paraphrases. EU AI Act and TC260 texts: official titles and links."),
        ("Legend: covered", "proven contained in what the controls implement"),
        ("Legend: partial", "proven overlap, not proven containment"),
        ("Legend: undetermined", "linked by mappings, overlap not proven"),
        ("Legend: gap", "no effective control is linked"),
        ("Legend: not_applicable", "outside the profile (role, system category or date); the reason is given"),
        ("Legend: ● / ◐", "in the Matrix sheet: the control fully / partly supports the clause"),
    ]
    count = _table(about, ["Item", "Value"], lines, [24, 110])
    for row in range(2, count + 2):
        cell = about.cell(row=row, column=2)
        if isinstance(cell.value, str) and cell.value.startswith("Legend"):
            continue
    for row in range(2, count + 2):
        status = str(about.cell(row=row, column=1).value).removeprefix("Legend: ")
        if status in STATUS_COLOURS:
            from openpyxl.styles import PatternFill

            about.cell(row=row, column=1).fill = PatternFill("solid", fgColor=STATUS_COLOURS[status])
    workbook.properties.creator = "crosswalk"
    workbook.properties.created = dt.datetime(2000, 1, 1)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return Path(path)


def write_inventory_template(path: str | Path, *, kb: KnowledgeBase | None = None) -> Path:
    """Write an inventory template: Instructions, Controls and Implements sheets with
    drop-down validation for status, maturity and coverage, and example rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from crosswalk.inventory import CONTROL_COLUMNS, STATUSES

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
        ["RM-01", "AI risk management procedure", "Documented ISO/IEC 23894-based process", "Head of AI Governance", "implemented", 3, "POL-AI-001", "", ""],
        ["DG-01", "Training data bias examination", "Bias checks before each release", "Data Science Lead", "partially_implemented", 2, "DS-REP-7", "", ""],
    ]
    _table(controls, list(CONTROL_COLUMNS), examples, [10, 36, 44, 22, 22, 9, 20, 40, 40])
    status_rule = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=False, showErrorMessage=True,
                                 errorTitle="Status", error="Choose implemented, partially_implemented, planned or not_implemented")
    maturity_rule = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True, showErrorMessage=True,
                                   errorTitle="Maturity", error="A whole number from 1 to 5")
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
    coverage_rule = DataValidation(type="list", formula1='"full,partial"', allow_blank=True, showErrorMessage=True,
                                   errorTitle="Coverage", error="Choose full or partial")
    implements.add_data_validation(coverage_rule)
    coverage_rule.add("C2:C20000")
    if kb is not None:
        clauses = workbook.create_sheet("Clauses")
        _table(clauses, ["id", "title", "framework"], [[c.id, c.title, c.framework] for c in kb], [26, 70, 12])
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return Path(path)
