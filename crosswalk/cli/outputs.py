"""Output paths on the command line: what a name asks for, refused before any work is done.

``gap -o`` and ``template`` write the format their file name says (``.xlsx`` an Excel
workbook, ``.csv`` CSV) and refuse other names; ``--csv`` refuses an Excel name. A
directory is refused with the name of a file to give instead — never a traceback after
minutes of analysis.
"""

from __future__ import annotations

import os
from pathlib import Path

from crosswalk.model.errors import ExportError

__all__ = ["output_kind"]

_EXCEL = (".xlsx", ".xlsm", ".xls")


def output_kind(
    path: str, option: str, kinds: dict[str, str], *, example: str = "report.xlsx"
) -> str:
    """The kind of file ``path`` asks for (``kinds`` maps suffixes to kinds), or ExportError.

    An empty suffix in ``kinds`` is the kind of any name whose suffix is not an Excel one
    (``--csv`` takes ``out.txt``).
    """
    if path.endswith(("/", os.sep)) or Path(path).is_dir():
        raise ExportError(
            f"{option} {path}: is a directory; give a file name, e.g. "
            f"{os.path.join(path.rstrip('/' + os.sep) or '.', example)}"
        )
    suffix = Path(path).suffix.lower()
    if suffix in kinds:
        return kinds[suffix]
    if "" in kinds and suffix not in _EXCEL:
        return kinds[""]
    names = " or ".join(f"{s} ({k})" for s, k in kinds.items() if s)
    raise ExportError(f"{option} {path}: the name must end in {names}")
