"""Excel workbooks: the gap report an auditor opens, and the inventory template.

Importing this package (``import crosswalk`` does) gives the gap report its
``to_excel``; openpyxl itself loads only when a workbook is written.
"""

from __future__ import annotations

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

setattr(GapReport, "to_excel", write_gap_workbook)  # noqa: B010 - attached from this layer
