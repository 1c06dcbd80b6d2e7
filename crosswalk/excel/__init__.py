"""Excel workbooks: the gap report an auditor opens, and the inventory template.

Importing this package (``crosswalk.api`` does) gives the gap report its ``to_excel``
(registered by name, :mod:`crosswalk.model.presentation`: this package does not import
the gap layer). Importing it costs next to nothing: the workbook modules, and openpyxl,
load when a workbook is first written, and the names below on first use (PEP 562).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk.model.presentation import attach

if TYPE_CHECKING:
    from crosswalk.excel.gap_workbook import write_gap_workbook
    from crosswalk.excel.sheets import STATUS_COLOURS, safe_cell_value
    from crosswalk.excel.template import write_inventory_template
    from crosswalk.gap.report import GapReport

__all__ = [
    "STATUS_COLOURS",
    "safe_cell_value",
    "write_gap_workbook",
    "write_inventory_template",
]

_HOMES = {
    "STATUS_COLOURS": "sheets",
    "safe_cell_value": "sheets",
    "write_gap_workbook": "gap_workbook",
    "write_inventory_template": "template",
}


def __getattr__(name: str) -> Any:
    """The public name ``name``, imported from its module on first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'crosswalk.excel' has no attribute {name!r}")
    return getattr(importlib.import_module(f"crosswalk.excel.{home}"), name)


def _to_excel(report: GapReport, path: str | Path) -> Path:
    """``GapReport.to_excel``: :func:`~crosswalk.excel.gap_workbook.write_gap_workbook`."""
    from crosswalk.excel.gap_workbook import write_gap_workbook

    return write_gap_workbook(report, path)


attach("crosswalk.gap.report.GapReport", "to_excel", _to_excel)
