"""The text of input files, and values shown the way the user typed them.

Inventories and profiles come from people's editors and spreadsheets: :func:`decode_text`
reads UTF-8 (or UTF-16 with a byte-order mark) and names the byte where decoding failed;
:func:`shown` writes a cell's value into a message as the user would recognise it (a
date as ``2026-01-01``, not ``datetime.datetime(2026, 1, 1, 0, 0)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crosswalk.io.files import read_bytes
from crosswalk.io.limits import limit
from crosswalk.model.errors import DataError, InventoryError, Problem

__all__ = ["decode_text", "shown"]


def shown(value: Any) -> str:
    """A value as the user typed it, for messages: dates as dates, whole numbers as numbers.

    >>> import datetime as dt
    >>> shown(dt.datetime(2026, 1, 1)), shown(3.0), shown("done"), shown(True)
    ('2026-01-01 (a date)', '3', "'done'", 'TRUE')
    """
    if isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
        return f"{text} (a date)"
    if isinstance(value, dt.date):
        return f"{value.isoformat()} (a date)"
    if isinstance(value, dt.time):
        return f"{value.isoformat()} (a time)"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 80 else value[:77] + "...")
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return repr(value)[:80]


def decode_text(path: Path) -> str:
    """The file's text (UTF-8, or UTF-16 with a byte-order mark); InventoryError otherwise.

    Read with a bound: a regular file of at most the inventory size limit.
    """
    try:
        data = read_bytes(path, limit=limit("inventory_file_bytes"))
    except DataError as error:
        raise InventoryError(error.problems) from None
    for encoding in (
        ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",)
    ):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InventoryError(
            [
                Problem(
                    str(path),
                    f"byte {error.start}",
                    "encoding",
                    "the file is not UTF-8 text (save it as UTF-8)",
                )
            ]
        ) from None
