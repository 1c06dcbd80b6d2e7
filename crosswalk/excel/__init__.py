"""Excel workbooks: the gap report an auditor opens, and the inventory template."""

from __future__ import annotations

from crosswalk.excel.workbooks import (
    STATUS_COLOURS,
    safe_cell_value,
    write_fast_gap_workbook,
    write_gap_workbook,
    write_inventory_template,
)

__all__ = [
    "STATUS_COLOURS",
    "safe_cell_value",
    "write_fast_gap_workbook",
    "write_gap_workbook",
    "write_inventory_template",
]
