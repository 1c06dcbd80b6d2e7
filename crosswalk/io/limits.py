"""Every input limit crosswalk enforces, in one table.

The readers take their bounds from here and the README's Robustness section is generated
from :func:`limits_markdown` (``tests/test_limits.py`` keeps the two equal), so the limits
the README states are the limits the code enforces.

>>> limit("data_file_bytes") == 50 * 1024 * 1024
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LIMITS", "Limit", "limit", "limits_markdown"]

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    """One bound: its name in code, its value, the unit and what it applies to."""

    name: str
    value: int
    unit: str
    applies_to: str

    def shown(self) -> str:
        """The value as the README shows it ("50 MiB", "100,000 rows")."""
        if self.unit == "bytes" and self.value % _MIB == 0:
            return f"{self.value // _MIB} MiB"
        return f"{self.value:,} {self.unit}"


LIMITS: tuple[Limit, ...] = (
    Limit(
        "inventory_file_bytes",
        20 * _MIB,
        "bytes",
        "an inventory file (YAML, CSV or Excel), checked before it is read",
    ),
    Limit(
        "data_file_bytes",
        50 * _MIB,
        "bytes",
        "every other file read: catalogue and mapping files (`--data`), `--profile`, "
        "`--scoring`, files given to `import` (SSSOM, OSCAL, CSV, YAML, the Excel matrix) "
        "and RDF; checked before it is read",
    ),
    Limit(
        "workbook_uncompressed_bytes",
        200 * _MIB,
        "bytes",
        "what an Excel workbook (inventory or matrix) unpacks to; zip bombs are refused "
        "before loading",
    ),
    Limit("rows", 100_000, "rows", "an inventory, or a sheet of an imported matrix"),
    Limit(
        "matrix_cells", 10_000_000, "cells", "an imported crosswalk matrix (rows × columns read)"
    ),
    Limit("cell_chars", 32_767, "characters", "one inventory cell (Excel's own limit)"),
    Limit("csv_field_chars", 131_072, "characters", "one field of a CSV or SSSOM file"),
    Limit(
        "yaml_nodes",
        5_000_000,
        "nodes",
        "a YAML document with its aliases expanded (alias bombs are refused unexpanded)",
    ),
    Limit("nesting_depth", 100, "levels", "nesting of YAML and JSON documents"),
    Limit("citation_chars", 500, "characters", "one citation given to `resolve`"),
    Limit("search_chars", 1 * _MIB, "characters", "one search query"),
    Limit(
        "matrix_columns",
        16_000,
        "columns",
        "the Matrix sheet of a gap workbook; with more controls it is laid out one row "
        "per (clause, control) pair",
    ),
)
"""The limits, in the order the README lists them."""

_BY_NAME = {item.name: item for item in LIMITS}


def limit(name: str) -> int:
    """The value of the limit ``name`` (a KeyError for a name not in the table)."""
    return _BY_NAME[name].value


def limits_markdown() -> str:
    """The table of limits as the README's Robustness section shows it."""
    lines = ["| limit | applies to |", "|---|---|"]
    lines.extend(f"| {item.shown()} | {item.applies_to} |" for item in LIMITS)
    return "\n".join(lines) + "\n"
