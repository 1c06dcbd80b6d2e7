"""CSV cells a spreadsheet will not run: formula neutralisation, as OWASP recommends.

A spreadsheet opening a CSV file runs a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``). A
control title or a justification can start that way, so every text cell crosswalk writes
to CSV goes through :func:`neutralise_cell`, which prefixes such a cell with a single
quote (numbers such as ``-2`` are left alone). :func:`restore_cell` undoes it when
crosswalk reads its own CSV back, so the round trip is exact: a text that itself starts
with a quote before one of those characters gets one more quote.

``crosswalk gap --raw-csv`` and ``crosswalk export --format csv --raw-csv`` write the
cells unchanged, for tools that read CSV as data only.

>>> neutralise_cell("=SUM(A1:A9)")
"'=SUM(A1:A9)"
>>> neutralise_cell("-2"), neutralise_cell("Risk identification")
('-2', 'Risk identification')
>>> restore_cell(neutralise_cell("@SUM(1+1)"))
'@SUM(1+1)'
"""

from __future__ import annotations

from typing import Any

__all__ = ["RISKY_STARTS", "neutralise_cell", "restore_cell"]

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""

_QUOTE = "'"
_ESCAPED_STARTS = (*RISKY_STARTS, _QUOTE)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutralise_cell(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet runs; anything but text is returned as is."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(RISKY_STARTS) and not _number(value):
        return _QUOTE + value
    if value.startswith(_QUOTE) and value[1:2] and value[1:].startswith(_ESCAPED_STARTS):
        return _QUOTE + value
    return value


def restore_cell(value: str) -> str:
    """The text :func:`neutralise_cell` was given (a cell written by crosswalk, read back)."""
    if value.startswith(_QUOTE) and value[1:].startswith(_ESCAPED_STARTS):
        return value[1:]
    return value
