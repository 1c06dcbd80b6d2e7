"""Worksheets the way crosswalk writes them: values only, safe text, readable and printable.

Every sheet goes through :class:`_StreamSheet` (streamed, for reports) or :func:`_table`
(the template), and so gets the same behaviour:

- cells are values, never formulas: text that starts with ``=``, ``+``, ``-`` or ``@``
  is stored as a string cell (with Excel's quote prefix) so no spreadsheet runs it;
- on screen: a coloured header row, frozen panes, a filter over the table, wrapped text
  in rows tall enough to show it (:mod:`crosswalk.excel.layout` estimates the heights);
- in print: landscape A4 (or portrait), narrow margins, the header row repeated on every
  page, scaled to one page wide when that keeps the text readable, else spread over
  pages with the first columns repeated (a fixed scale: LibreOffice leaves a blank
  page after a sheet set to "fit to page"); only the leading ``print_columns`` are printed
  (the rest are for the screen); a footer with the sheet name and "Page n of N", and on
  every sheet of a workbook the label given to :func:`_save` (organisation and target).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Sequence
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.excel.layout import (
    CHARS_PER_UNIT,
    LINE_POINTS,
    MAX_LINES,
    PAGE_POINTS,
    clipped,
    pages_wide,
    print_scale,
    row_height,
    sheet_width,
    wrapped_lines,
)
from crosswalk.io.atomic import atomic_path, unnamed_file
from crosswalk.model.statuses import COVERAGE_STATUSES, RISK_STATUSES, STATUS_TABLE, fill_colours

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


__all__ = [
    "FONT",
    "STATUS_COLOURS",
    "print_layout",
    "safe_cell_value",
]


STATUS_COLOURS = fill_colours(COVERAGE_STATUSES + RISK_STATUSES)
"""Cell fills of the report statuses (:mod:`crosswalk.model.statuses`)."""


_LEGEND = tuple((status, f"Legend: {STATUS_TABLE[status].meaning}") for status in COVERAGE_STATUSES)


_RISKY_START = ("=", "+", "-", "@", "\t", "\r")


_HEADER_FILL = "1F4E78"


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

FONT = "Calibri"
"""The workbook's font: styled cells name it, or a viewer falls back to its own default."""
_A4 = 9  # openpyxl's paperSize code for A4
_BOLD = 1.15  # bold header text is about this much wider than regular text
_MAX_BREAKS = 1000  # Excel keeps at most 1,026 manual page breaks in a sheet


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


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    letter: str = get_column_letter(column)
    return letter


def _set_widths(sheet: Any, widths: Sequence[float]) -> None:
    """Column widths; a width of 0 hides the column (an empty one, say)."""
    for column, width in enumerate(widths, start=1):
        dimension = sheet.column_dimensions[_letter(column)]
        if width:
            dimension.width = width
        else:
            dimension.hidden = True


def print_layout(
    sheet: Any,
    widths: Sequence[float],
    *,
    header_row: int | None = 1,
    last_row: int | None = None,
    print_columns: int | None = None,
    repeat_columns: int = 0,
    orientation: str = "landscape",
) -> None:
    """How a sheet prints: orientation, A4, margins, titles repeated, fitted width, area.

    ``print_columns`` leading columns are printed (all by default); they fit one page
    wide when that keeps the text readable (:func:`~crosswalk.excel.layout.pages_wide`),
    else they spread over pages and the first ``repeat_columns`` repeat on each.
    ``last_row`` bounds the print area (needed when not every column prints).
    """
    printed = list(widths[:print_columns] if print_columns else widths)
    setup = sheet.page_setup
    setup.orientation = orientation
    setup.paperSize = _A4
    wide = pages_wide(sheet_width(printed), orientation)
    # an explicit scale, not "fit to page": LibreOffice paginates a fitted sheet with one
    # scale and prints it with another, leaving blank pages
    setup.scale = print_scale(sheet_width(printed), orientation)
    margins = sheet.page_margins
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.6
    margins.header = margins.footer = 0.25
    if header_row:
        sheet.print_title_rows = f"{header_row}:{header_row}"
    if wide > 1 and repeat_columns:
        sheet.print_title_cols = f"A:{_letter(repeat_columns)}"
    if print_columns and print_columns < len(widths) and last_row:
        sheet.print_area = f"A1:{_letter(print_columns)}{last_row}"


def _page_labels(sheet: Any, label: str | None) -> None:
    """Header (the workbook's label) and footer (sheet name, page n of N) of a printed page."""
    escaped = (label or "").replace("&", "&&")
    if escaped:
        sheet.oddHeader.right.text = escaped
        sheet.oddHeader.right.size = 8
    sheet.oddFooter.left.text = "&A"
    sheet.oddFooter.left.size = 8
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.oddFooter.right.size = 8


def _table(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float],
    *,
    status_column: int | None = None,
    orientation: str = "landscape",
) -> int:
    """A table in a normal (not streamed) sheet: header, rows, widths, heights, print layout."""
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(name=FONT, bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor=_HEADER_FILL)
    for column, header in enumerate(headers, start=1):
        cell = _put(sheet, 1, column, header)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = row_height(headers, widths)
    count = 0
    fills = {k: PatternFill("solid", fgColor=v) for k, v in STATUS_COLOURS.items()}
    top = Alignment(vertical="top", wrap_text=True)
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = _put(sheet, count + 1, column, value)
            cell.alignment = top
        sheet.row_dimensions[count + 1].height = row_height(row, widths)
        if status_column is not None:
            status = row[status_column - 1]
            if status in fills:
                sheet.cell(row=count + 1, column=status_column).fill = fills[status]
    _set_widths(sheet, widths)
    sheet.freeze_panes = "B2" if len(headers) > 1 else "A2"
    print_layout(sheet, widths, last_row=count + 1, orientation=orientation)
    if count:
        sheet.auto_filter.ref = f"A1:{_letter(len(headers))}{count + 1}"
    return count


class _StreamSheet:
    """A write-only sheet: rows streamed to disk, so memory stays flat for large tables.

    Optionally a title and ``preamble`` rows (label, value) come before the table; the
    table's header row is then :attr:`header_row`. Risky text is written as string cells,
    long text wraps in rows tall enough for it, status cells are coloured; the sheet
    prints as :func:`print_layout` says (``print_columns``: how many leading columns
    print; ``repeat_columns``: how many repeat when the print is several pages wide).
    """

    def __init__(
        self,
        workbook: Any,
        title: str,
        headers: Sequence[str],
        widths: Sequence[float],
        *,
        status_column: int | None = None,
        freeze: str | None = None,
        print_columns: int | None = None,
        repeat_columns: int = 1,
        orientation: str = "landscape",
        heading: str | None = None,
        preamble: Sequence[tuple[str, Any]] = (),
        header_rotation: int = 0,
        repeat_header: bool = True,
        centre_column: int | None = None,
        max_lines: int = MAX_LINES,
    ) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.sheet = workbook.create_sheet(title)
        self.status_column = status_column
        self.centre_column = centre_column
        self.max_lines = max_lines
        """Lines a cell shows at most: longer text is cut, in full in the cell's comment."""
        """A column of numbers centred, so they do not run into the text beside them."""
        self.rows = 0
        """Data rows appended so far (the header and preamble not counted)."""
        self.width = len(headers)
        self.widths = list(widths)
        self.print_columns = print_columns
        self.repeat_columns = repeat_columns
        self.orientation = orientation
        _set_widths(self.sheet, widths)
        self._fills = {k: PatternFill("solid", fgColor=v) for k, v in STATUS_COLOURS.items()}
        self._top = Alignment(vertical="top", wrap_text=True)
        self._centre = Alignment(vertical="top", horizontal="center")
        self.bold = Font(name=FONT, bold=True)
        self._next = 1
        # a write-only sheet writes its properties and views with its first row: the
        # panes and the page setup are set before any row
        header_row = 1 + len(preamble) + (1 if heading else 0) + (1 if heading or preamble else 0)
        self.sheet.freeze_panes = (
            None
            if freeze == ""
            else freeze or f"{'B' if len(headers) > 1 else 'A'}{header_row + 1}"
        )
        print_layout(
            self.sheet,
            widths,
            header_row=header_row if repeat_header else None,
            print_columns=print_columns,
            repeat_columns=repeat_columns,
            orientation=orientation,
        )
        self._page = PAGE_POINTS[orientation] * 100 / float(self.sheet.page_setup.scale)
        self._used = 0.0  # points of rows on the printed page being filled (an estimate)
        self._title = 0.0  # points of the header row repeated at the top of every page
        self._breaks = 0
        if heading:
            cell = self._cell(heading)
            cell.font = Font(name=FONT, bold=True, size=14)
            self._row([cell], height=22)
        for label, value in preamble:
            label_cell = self._cell(label)
            label_cell.font = self.bold
            self._row([label_cell, self._cell(value)])
        if heading or preamble:
            self._row([])
        self.header_row = header_row
        """The row of the table's header (1 unless there is a title or preamble)."""
        header_font = Font(name=FONT, bold=True, color="FFFFFF")
        header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
        rotated = Alignment(textRotation=header_rotation, vertical="bottom", horizontal="center")
        header = []
        for column, value in enumerate(headers, start=1):
            cell = self._cell(value)
            cell.font = header_font
            cell.fill = header_fill
            if header_rotation and column > (repeat_columns or 0):
                cell.alignment = rotated
            else:
                cell.alignment = Alignment(vertical="bottom", wrap_text=True)
            header.append(cell)
        height = row_height(headers, [w / _BOLD for w in widths])
        if header_rotation:
            longest = max((len(str(h)) for h in headers[repeat_columns:]), default=1)
            height = min(409.0, 7.0 * longest + 8)
        self._row(header, height=height)
        if repeat_header:
            self._title = height or LINE_POINTS

    def _row(self, cells: Sequence[Any], *, height: float | None = None) -> None:
        if self._next == 1:  # the panes and page setup are set: stream from here on
            _stream_to_unnamed_file(self.sheet)
        points = height or LINE_POINTS
        if self._used + points > self._page and self._used > self._title:
            # the page is full: break here ourselves. Left to paginate a scaled sheet of
            # tall rows, LibreOffice counts a page more than it prints on (a blank page
            # at the end of the sheet, without even its footer)
            self.page_break()
        if height:
            self.sheet.row_dimensions[self._next].height = height
        self.sheet.append(list(cells))
        self._next += 1
        self._used += points

    def room(self) -> float:
        """Points (of rows, unscaled) left on the printed page the next row would go on."""
        return float(self._page - self._used)

    def keep_together(self, rows: int) -> None:
        """Start a new printed page unless the next ``rows`` one-line rows fit on this one."""
        if self.room() < rows * LINE_POINTS:
            self.page_break()

    def page_break(self) -> None:
        """Print the next row at the top of a new page (a chart that must not be cut, say)."""
        from openpyxl.worksheet.pagebreak import Break

        if self._breaks < _MAX_BREAKS:
            self.sheet.row_breaks.append(Break(id=self.last_row))
            self._breaks += 1
        self._used = self._title

    def _cell(self, value: Any, *, wrap: bool = False) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value=safe_cell_value(value))
        if isinstance(value, str) and value.startswith(_RISKY_START):
            cell.data_type = "s"
            cell.quotePrefix = True
        if wrap:
            cell.alignment = self._top
        return cell

    @property
    def last_row(self) -> int:
        """The last row written so far."""
        return self._next - 1

    def append(
        self,
        values: Sequence[Any],
        *,
        bold: bool = False,
        link_column: int | None = None,
        wrap: bool = True,
    ) -> None:
        """Append one data row (text wraps in a row tall enough; the status cell is coloured).

        With ``wrap=False`` the row stays one line high and long text runs on over the
        empty cells to its right (a heading or a note above or below the table).
        """
        cells: list[Any] = []
        full = list(values)
        values = [self._fit(v, w) if wrap else v for v, w in zip_longest(values, self.widths)]
        values = values[: len(full)]
        height = row_height(values, self.widths) if wrap else None
        for column, value in enumerate(values, start=1):
            if value is None or value == "":
                cells.append(None)
                continue
            if value is not full[column - 1]:  # cut to fit the row: the whole text on hover
                cell = self._cell(value, wrap=True)
                cell.alignment = self._top
                cell.comment = _comment(full[column - 1])
                cells.append(cell)
                continue
            # in a row of several lines every cell wraps and sits at the top, so a short
            # value stays level with the first line of its neighbours
            wrap = height is not None and isinstance(value, str)
            risky = isinstance(value, str) and value.startswith(_RISKY_START)
            styled = bold or column in (self.status_column, link_column) or risky
            styled = styled or height is not None or column == self.centre_column
            if not styled:
                cells.append(safe_cell_value(value))
                continue
            cell = self._cell(value, wrap=wrap)
            if column == self.centre_column:
                cell.alignment = self._centre
            elif height is not None:
                cell.alignment = self._top
            if bold:
                cell.font = self.bold
            if column == self.status_column and value in self._fills:
                cell.fill = self._fills[value]
            if column == link_column and isinstance(value, str) and value.startswith("http"):
                cell.hyperlink = value
                cell.style = "Hyperlink"
                if height is not None:
                    cell.alignment = self._top
            cells.append(cell)
        self._row(cells, height=height)
        self.rows += 1

    def _fit(self, value: Any, width: float | None) -> Any:
        """``value``, or for text too long for :attr:`max_lines` lines, its cut form."""
        if not isinstance(value, str) or not width:
            return value
        room = width * CHARS_PER_UNIT
        if wrapped_lines(value, room) <= self.max_lines:
            return value
        return clipped(value, room, self.max_lines)

    def blank(self, count: int = 1) -> None:
        """Leave ``count`` empty rows (room for a chart, say)."""
        for _ in range(count):
            self._row([])

    def finish(self) -> None:
        """Set the filter over the written table and the print area's last row."""
        if self.rows:
            self.sheet.auto_filter.ref = (
                f"A{self.header_row}:{_letter(self.width)}{self.header_row + self.rows}"
            )
        if self.print_columns and self.print_columns < self.width:
            self.sheet.print_area = f"A1:{_letter(self.print_columns)}{max(1, self.last_row)}"


def _comment(text: str) -> Any:
    """A cell comment holding ``text`` (the whole of a cell's cut text), sized to show it."""
    from openpyxl.comments import Comment

    comment = Comment(safe_cell_value(text), "crosswalk")
    comment.width = 480  # pixels: about 80 characters a line
    comment.height = min(900, 40 + 15 * (len(text) // 80 + 1))
    return comment


def _stream_to_unnamed_file(sheet: Any) -> None:
    """Stream a write-only sheet into an unnamed scratch file.

    openpyxl would stream it into a named file in the temporary directory, which a
    ``kill -9`` leaves behind (megabytes of report content); an unnamed one vanishes with
    the process. Called just before the first row, as openpyxl's own writer would be, so
    the column widths, panes and page setup set before are written.
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


def _save(workbook: Any, path: str | Path, *, label: str | None = None) -> Path:
    """Save a streamed workbook atomically; on failure release its sheets' temporary files.

    Every sheet gets the page header ``label`` (organisation and target, say) and a
    footer with its name and page numbers.
    """
    workbook.properties.creator = "crosswalk"
    for worksheet in workbook.worksheets:
        _page_labels(worksheet, label)
    try:
        with atomic_path(path) as temporary:
            workbook.save(temporary)
    except BaseException:
        for worksheet in workbook.worksheets:
            with contextlib.suppress(Exception):
                worksheet.close()
        raise
    return Path(path)
