"""Worksheets the way crosswalk writes them: values only, safe text, streamed, saved atomically.

Cells are always values, never formulas: text that starts with ``=``, ``+``, ``-`` or
``@`` is stored as a string cell (and flagged with Excel's quote prefix) so that no
spreadsheet application evaluates it.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.io.atomic import atomic_path, unnamed_file
from crosswalk.model.statuses import COVERAGE_STATUSES, RISK_STATUSES, STATUS_TABLE, fill_colours

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


__all__ = [
    "STATUS_COLOURS",
    "safe_cell_value",
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
        _stream_to_unnamed_file(self.sheet)
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


def _stream_to_unnamed_file(sheet: Any) -> None:
    """Stream a write-only sheet into an unnamed scratch file.

    openpyxl would stream it into a named file in the temporary directory, which a
    ``kill -9`` leaves behind (megabytes of report content); an unnamed one vanishes with
    the process. Called just before the first row, as openpyxl's own writer would be, so
    the column widths and panes set before are written.
    """
    import tempfile

    from openpyxl.worksheet._writer import WorksheetWriter

    found = unnamed_file(Path(tempfile.gettempdir()))
    if found is None:  # no unnamed files here: openpyxl's named one
        return
    descriptor, path = found
    writer = WorksheetWriter(sheet, out=str(path))

    def cleanup() -> None:
        with contextlib.suppress(OSError):
            os.close(descriptor)

    writer.cleanup = cleanup
    writer.write_top()
    sheet._writer = writer


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
