"""Excel workbooks: the gap report an auditor opens, and the inventory template.

Cells are always values, never formulas: text from users or data that starts with
``=``, ``+``, ``-`` or ``@`` is stored as a string cell (and flagged with Excel's
quote prefix) so that no spreadsheet application evaluates it. Workbooks are written
atomically (temporary file, then rename).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.io.atomic import atomic_path
from crosswalk.model.statuses import COVERAGE_STATUSES, RISK_STATUSES, STATUS_TABLE, fill_colours

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from crosswalk.gap.fast_report import FastGapReport
    from crosswalk.gap.report import GapReport
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = [
    "STATUS_COLOURS",
    "safe_cell_value",
    "write_fast_gap_workbook",
    "write_gap_workbook",
    "write_inventory_template",
]

STATUS_COLOURS = fill_colours(COVERAGE_STATUSES + RISK_STATUSES)
"""Cell fills of the report statuses (:mod:`crosswalk.model.statuses`)."""
_LEGEND = tuple((status, f"Legend: {STATUS_TABLE[status].meaning}") for status in COVERAGE_STATUSES)
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FILL = "1F4E78"


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell_value(value: Any) -> Any:
    """Values pass through.

    Strings lose control characters that XML cannot hold (shown as U+FFFD) and are trimmed to
    Excel's 32,767-character limit.
    """
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


def _table(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int],
    *,
    status_column: int | None = None,
) -> int:
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

    letter: str = get_column_letter(column)
    return letter


class _StreamSheet:
    """A write-only sheet.

    Rows are streamed to disk, so memory stays flat for large matrices. Risky text is written as
    string cells; status cells are coloured.
    """

    def __init__(
        self,
        workbook: Any,
        title: str,
        headers: Sequence[str],
        widths: Sequence[int],
        *,
        status_column: int | None = None,
        freeze: str | None = None,
    ) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.sheet = workbook.create_sheet(title)
        self.status_column = status_column
        self.rows = 0
        self.width = len(headers)
        for column, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[_letter(column)].width = width
        self.sheet.freeze_panes = freeze or ("B2" if len(headers) > 1 else "A2")
        self.sheet.page_setup.orientation = "landscape"
        self.sheet.page_setup.fitToWidth = 1
        self.sheet.page_setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.print_title_rows = "1:1"
        self._fills = {k: PatternFill("solid", fgColor=v) for k, v in STATUS_COLOURS.items()}
        self._top = Alignment(vertical="top", wrap_text=True)
        self._header_font = Font(bold=True, color="FFFFFF")
        self._header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
        self.bold = Font(bold=True)
        header = []
        for value in headers:
            cell = self._cell(value)
            cell.font = self._header_font
            cell.fill = self._header_fill
            header.append(cell)
        self.sheet.append(header)

    def _cell(self, value: Any, *, wrap: bool = False) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value=safe_cell_value(value))
        if isinstance(value, str) and value.startswith(_RISKY_START):
            cell.data_type = "s"
            cell.quotePrefix = True
        if wrap:
            cell.alignment = self._top
        return cell

    def append(
        self, values: Sequence[Any], *, bold: bool = False, link_column: int | None = None
    ) -> None:
        """Append one data row (text wraps; the status cell is coloured)."""
        cells: list[Any] = []
        for column, value in enumerate(values, start=1):
            if value is None or value == "":
                cells.append(None)
                continue
            needs_cell = isinstance(value, str) and (
                value.startswith(_RISKY_START) or len(value) > 40
            )
            styled = bold or column == self.status_column or column == link_column or needs_cell
            if not styled:
                cells.append(safe_cell_value(value))
                continue
            cell = self._cell(value, wrap=isinstance(value, str) and len(value) > 40)
            if bold:
                cell.font = self.bold
            if column == self.status_column and value in self._fills:
                cell.fill = self._fills[value]
            if column == link_column and isinstance(value, str) and value.startswith("http"):
                cell.hyperlink = value
                cell.style = "Hyperlink"
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1

    def finish(self) -> None:
        """Set the filter over the written rows."""
        if self.rows:
            self.sheet.auto_filter.ref = f"A1:{_letter(self.width)}{self.rows + 1}"


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
                round(100 * section.coverage, 1),
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
            ],
            link_column=15,
        )
    gaps.finish()

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


def _save(workbook: Any, path: str | Path) -> Path:
    """Save a streamed workbook atomically; on failure release its sheets' temporary files."""
    workbook.properties.creator = "crosswalk"
    try:
        with atomic_path(path) as temporary:
            workbook.save(temporary)
    except BaseException:
        for worksheet in workbook.worksheets:
            with contextlib.suppress(Exception):
                worksheet.close()
        raise
    return Path(path)


def write_fast_gap_workbook(report: FastGapReport, path: str | Path) -> Path:
    """The workbook of a chain-based gap analysis (:mod:`crosswalk.gap.fast`).

    Findings, one row per target clause with its status and the chain behind it, Risks and About —
    streamed, for knowledge bases too large for the full report. Returns the path.
    """
    from openpyxl import Workbook

    from crosswalk._version import __version__
    from crosswalk.gap.fast_report import STATUS_NAMES

    workbook = Workbook(write_only=True)
    findings = _StreamSheet(
        workbook,
        "Findings",
        ["Clause", "Title", "Title (zh)", "Status", "Why"],
        [26, 44, 24, 14, 100],
        status_column=4,
    )
    for clause, code in zip(report.clauses, report.codes.tolist(), strict=True):
        findings.append(
            [
                clause.id,
                clause.title,
                clause.title_zh,
                STATUS_NAMES[code],
                "\n".join(report.explain(clause.id)),
            ]
        )
    findings.finish()
    risks = _StreamSheet(workbook, "Risks", ["Risk source", "Status"], [40, 18], status_column=2)
    for risk, status in report.risks.items():
        risks.append([risk, status])
    risks.finish()
    about = _StreamSheet(workbook, "About", ["Item", "Value"], [24, 110], status_column=1)
    counts = ", ".join(f"{name} {count}" for name, count in report.counts.items())
    for line in (
        ("Report", f"Chain-based gap analysis against {report.target}: {counts}"),
        ("Organisation", report.inventory.organisation or ""),
        ("Inventory", report.inventory.path or "(Python objects)"),
        ("crosswalk version", __version__),
        (
            "Method",
            (
                "Covered and partial are the statuses the full analysis gives (kb.gap), found along chains of "
                "mappings for knowledge bases too large for path consistency; each comes with the chain that "
                "proves it. No derivation scores, capability estimate or control matrix (use the full report)."
            ),
        ),
        (
            "Soundness",
            "A clause is reported covered only when the mappings prove that the implemented clauses contain it.",
        ),
        *_LEGEND,
    ):
        about.append(list(line))
    return _save(workbook, path)


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
