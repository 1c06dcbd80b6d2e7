"""Excel workbooks: the gap report an auditor opens, and the inventory template.

Importing this package (``crosswalk.api`` does) gives the gap report its ``to_excel``
(registered by name, :mod:`crosswalk.model.presentation`: this package does not import
the gap layer); openpyxl itself loads only when a workbook is written.
"""

from __future__ import annotations

from crosswalk.excel.gap_workbook import write_gap_workbook
from crosswalk.excel.sheets import STATUS_COLOURS, safe_cell_value
from crosswalk.excel.template import write_inventory_template
from crosswalk.model.presentation import attach

__all__ = [
    "STATUS_COLOURS",
    "safe_cell_value",
    "write_gap_workbook",
    "write_inventory_template",
]

attach("crosswalk.gap.report.GapReport", "to_excel", write_gap_workbook)
