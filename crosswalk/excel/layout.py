"""How much room text takes in a worksheet: widths, wrapped lines, row heights, pages.

openpyxl does not size rows: a cell with wrapped text keeps the default height of one
line unless the row is given one, and Excel does not grow a row it did not write. The
estimates here are deliberately generous (a wrapped row a little too tall reads fine; one
too short hides text):

- a column of width ``w`` holds about :data:`CHARS_PER_UNIT` ``w`` characters of prose
  per line (rendered with LibreOffice and Carlito, Calibri's metric twin, a 48-unit
  column shows 52-60 characters of English prose); East Asian wide characters count two;
- text wraps at spaces, greedily, as spreadsheets do; a word longer than the line breaks;
- a line takes :data:`LINE_POINTS` points (Calibri 11 in Excel: 15 points).

A4 pages hold :data:`PAGE_UNITS` width units at 100 % (narrow margins); a sheet printed
one page wide is scaled down to fit, a wider one is spread over several pages with its
first columns repeated (:func:`pages_wide`, :func:`print_scale`).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from typing import Any

__all__ = [
    "CHARS_PER_UNIT",
    "LINE_POINTS",
    "MAX_ROW_POINTS",
    "PAGE_POINTS",
    "PAGE_UNITS",
    "abridged",
    "clipped",
    "fit_width",
    "pages_wide",
    "print_scale",
    "row_height",
    "sheet_width",
    "text_width",
    "wrapped_lines",
]

LINE_POINTS = 15.0
"""Height of one line of 11-point text, in points."""
MAX_ROW_POINTS = 409.0
"""Excel's largest row height."""
MAX_LINES = int((MAX_ROW_POINTS - 2) // LINE_POINTS)
"""Lines of text the tallest row shows (27)."""
PAGE_UNITS = {"landscape": 145.0, "portrait": 98.0}
"""Column-width units an A4 page holds at 100 % with narrow margins (7 px per unit + 5 px per column)."""
PAGE_POINTS = {"landscape": 500.0, "portrait": 745.0}
"""Points of rows an A4 page holds at 100 % (page height less the 0.6-inch margins, a
little kept back for the running header and footer)."""
CHARS_PER_UNIT = 1.15
"""Characters of prose a column holds per unit of its width (below what was measured)."""
_PADDING = 5 / 7
"""A column's padding (5 px) in width units (7 px each)."""
_SAFETY = 0.97
"""Share of the page a fitted sheet may fill (fonts render a little differently)."""
SMALLEST_SCALE = 0.72
"""A sheet is fitted to one page wide only if that keeps text at least this large."""


def text_width(text: str) -> float:
    """Width of ``text`` in column units: wide (East Asian) characters count two.

    >>> text_width("risk"), text_width("风险识别")
    (4.0, 8.0)
    """
    return float(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text))


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapping column of ``width`` units (greedy, at spaces).

    >>> wrapped_lines("a" * 10, 10), wrapped_lines("word " * 10, 10), wrapped_lines("", 10)
    (1, 5, 1)
    """
    capacity = max(1.0, width)
    lines = 0
    for paragraph in text.split("\n"):
        used = 0.0
        lines += 1
        for word in paragraph.split(" "):
            size = text_width(word)
            if used and used + 1 + size > capacity:
                lines += 1
                used = 0.0
            if size > capacity:  # a word longer than a line breaks where the line ends
                extra, rest = divmod(size, capacity)
                lines += int(extra) - (0 if rest else 1)
                used = rest or capacity
            else:
                used += size + (1 if used else 0)
    return max(1, lines)


def row_height(
    values: Sequence[Any], widths: Sequence[float], *, scale: float = 1.0
) -> float | None:
    """Points for a row whose text needs more than one line; None for a one-line row.

    ``scale`` is the font size relative to 11 points (a header in a larger font).
    """
    lines = 1
    for value, width in zip(values, widths, strict=False):
        room = width * CHARS_PER_UNIT / scale
        if isinstance(value, str) and width > 0 and (text_width(value) > room or "\n" in value):
            lines = max(lines, wrapped_lines(value, room))
    if lines == 1 and scale == 1.0:
        return None
    return min(MAX_ROW_POINTS, math.ceil(lines * LINE_POINTS * scale + 2))


def fit_width(values: Sequence[Any], minimum: float, maximum: float) -> float:
    """A column width that shows the longest value on one line, within bounds.

    >>> fit_width(["iso31000:6.4.2", "iso31000:6"], 8, 30)
    16.0
    """
    widest = max((text_width(str(v)) for v in values if v is not None), default=0.0)
    return min(maximum, max(minimum, widest + 2))


def pages_wide(width: float, orientation: str = "landscape") -> int:
    """Pages across that a sheet ``width`` units wide is printed on.

    One page when scaling it to fit keeps the text readable; otherwise as many pages as
    it takes at about full size.
    """
    page = PAGE_UNITS[orientation]
    if width <= page / SMALLEST_SCALE:
        return 1
    return math.ceil(width / page)


def sheet_width(widths: Sequence[float]) -> float:
    """Width units a row of columns takes on paper: each shown column adds 5 px of padding.

    >>> sheet_width([7, 0, 7])
    15.43
    """
    shown = [w for w in widths if w > 0]
    return round(sum(shown) + _PADDING * len(shown), 2)


def print_scale(width: float, orientation: str = "landscape") -> int:
    """The print scale (percent) at which a sheet ``width`` units wide spans :func:`pages_wide` pages.

    Full size when it fits; smaller, but never below :data:`SMALLEST_SCALE`, to fit one
    page; a wider sheet fills its pages across at about full size.

    >>> print_scale(100), print_scale(160), print_scale(290)
    (100, 87, 97)
    """
    page = PAGE_UNITS[orientation] * _SAFETY
    return min(100, math.floor(100 * pages_wide(width, orientation) * page / width))


def abridged(items: Sequence[str], limit: int = 12, *, where: str = "") -> str:
    """``items`` joined by commas, the first ``limit`` only (a cell stays within a row's height).

    >>> abridged(["RM-01", "RM-02", "RM-03"], 2, where="Matrix sheet")
    'RM-01, RM-02 and 1 more (Matrix sheet)'
    """
    if len(items) <= limit:
        return ", ".join(items)
    rest = f" ({where})" if where else ""
    return f"{', '.join(items[:limit])} and {len(items) - limit} more{rest}"


def clipped(text: str, width: float, lines: int) -> str:
    """``text`` cut at a space so that it wraps to at most ``lines`` lines, ending in " […]".

    Unchanged when it fits. ``width`` is the column's room in characters.

    >>> clipped("one two three four five six", 9, 2)
    'one two three […]'
    >>> clipped("short", 9, 2)
    'short'
    """
    mark = " […]"
    if wrapped_lines(text, width) <= lines:
        return text
    low, high = 0, len(text)  # the longest prefix that fits, found by halving
    while low < high:
        middle = (low + high + 1) // 2
        if wrapped_lines(text[:middle].rstrip() + mark, width) <= lines:
            low = middle
        else:
            high = middle - 1
    head = text[:low]
    cut = head.rfind(" ")
    if cut > 0 and low < len(text) and not text[low].isspace():
        head = head[:cut]  # not in the middle of a word
    return head.rstrip(" ,;:—-") + mark
