"""Inventories as tables: a header row naming the columns, one control per row; and CSV.

:func:`table_inventory` turns rows (from a CSV file or a worksheet) into an inventory,
keeping every problem with its row and column. A CSV inventory may open with lines
``# key: value`` that carry the organisation and its profile (the README's "Inventories"):

.. code-block:: text

    # organisation: Example GmbH
    # roles: provider, deployer
    # categories: high_risk_annex3
    # as_of: 2027-12-02
    id,title,status,implements
    GOV-01,AI governance charter,implemented,iso23894:5.2

Cells are values: a CSV cell that a spreadsheet would run as a formula (``=1+1``,
``@SUM(…)``, ``+1+1``) is reported, never taken as text.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crosswalk.io.controls import (
    CONTROL_COLUMNS,
    LIMITS,
    REPORTED,
    CitationResolver,
    Record,
    as_list,
    inventory_from_records,
)
from crosswalk.io.profile import PROFILE_FIELDS
from crosswalk.io.text import decode_text, shown
from crosswalk.model.errors import InventoryError, Problem
from crosswalk.model.inventory import Inventory

__all__ = [
    "HEADER_FIELDS",
    "Organisation",
    "column_letter",
    "read_csv_inventory",
    "table_inventory",
]

HEADER_FIELDS: tuple[str, ...] = ("organisation", "description", *PROFILE_FIELDS)
"""What a CSV's ``# key: value`` lines (and the template's Organisation sheet) may set."""

_META = re.compile(r"^#\s*([A-Za-z_-]+)\s*:\s*(.*?)\s*$")
_FORMULA = re.compile(
    r"^(?:=.+"  # =1+1, =HYPERLINK(...)
    r"|[+\-@]\s*[A-Za-z_][\w.]*\s*\(.*"  # @SUM(...), +CMD(...)
    r"|[+\-]\s*[\d.]+(?:\s*[-+*/^&]\s*[\d.(].*)+)$",  # +1+1, -2+3 (a lone -2 is a number)
    re.DOTALL,
)


def formula_like(text: str) -> bool:
    """True when a spreadsheet would run this CSV text as a formula.

    >>> [formula_like(t) for t in ("=1+1", "@SUM(1+1)", "+1+1", "-2", "- none", "@team")]
    [True, True, True, False, False, False]
    """
    return bool(_FORMULA.match(text.strip()))


@dataclass
class Organisation:
    """Who the inventory belongs to: name, description and profile fields, as typed."""

    organisation: str | None = None
    description: str | None = None
    profile: dict[str, Any] = field(default_factory=dict)

    def set(self, key: str, value: Any) -> None:
        """Set one header field (organisation, description or a profile field)."""
        if key == "organisation":
            self.organisation = None if value in (None, "") else str(value)
        elif key == "description":
            self.description = None if value in (None, "") else str(value)
        elif value not in (None, ""):
            self.profile[key] = value

    def profile_fields(self, file: str, problems: list[Problem]) -> dict[str, Any] | None:
        """The profile's fields, or None when none was given.

        A profile needs roles, categories or an as-of date: a regime alone would make
        every clause addressed to an operator not applicable, so it is reported.
        """
        if not self.profile:
            return None
        if not {"roles", "categories", "as_of"} & set(self.profile):
            problems.append(
                Problem(
                    file,
                    "profile",
                    "profile",
                    f"{', '.join(sorted(self.profile))} given without roles, categories or "
                    "as_of: give those too, or leave the profile out (then every clause counts)",
                )
            )
            return None
        return self.profile


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    result = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        result = chr(65 + remainder) + result
    return result


def read_csv_inventory(path: Path, kb: CitationResolver, *, strict: bool = False) -> Inventory:
    """An inventory from a CSV file (the delimiter is sniffed: comma, semicolon or tab)."""
    file = str(path)
    text = decode_text(path)
    if "\x00" in text:
        raise InventoryError(
            [Problem(file, "", "format", "the file holds binary data, not CSV text")]
        )
    problems: list[Problem] = []
    lines = text.splitlines(keepends=True)
    organisation = Organisation()
    skipped = 0
    while skipped < len(lines) and lines[skipped].lstrip().startswith("#"):
        _header_line(lines[skipped], skipped + 1, organisation, file, problems)
        skipped += 1
    body = "".join(lines[skipped:])
    try:
        dialect: Any = csv.Sniffer().sniff(body[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(body), dialect)
    rows: list[list[Any]] = []
    try:
        for row in reader:
            if len(rows) > LIMITS["rows"]:
                break
            rows.append(row)
    except csv.Error as error:
        raise InventoryError(
            [Problem(file, f"row {reader.line_num + skipped}", "csv-syntax", str(error))]
        ) from None
    for number, row in enumerate(rows, start=1 + skipped):
        for column, value in enumerate(row):
            if isinstance(value, str) and formula_like(value):
                problems.append(
                    Problem(
                        file,
                        f"row {number}, column {column_letter(column)}",
                        "formula",
                        f"{shown(value)} is a formula to a spreadsheet; cells must hold values "
                        "(write it without the leading sign, or as the value it computes)",
                    )
                )
                row[column] = REPORTED
    return table_inventory(
        rows,
        kb,
        file,
        sheet=None,
        first_row=1 + skipped,
        organisation=organisation,
        problems=problems,
        strict=strict,
    )


def _header_line(
    line: str, number: int, organisation: Organisation, file: str, problems: list[Problem]
) -> None:
    """One ``# key: value`` line before the header row.

    Other ``#`` lines are comments, unless their key is close to a field's name ("role",
    "as-of"): a typo would otherwise drop the profile silently.
    """
    match = _META.match(line.strip())
    if not match:
        return
    key = match.group(1).lower().replace("-", "_")
    key = "organisation" if key == "organization" else key
    if key in HEADER_FIELDS:
        organisation.set(key, match.group(2))
        return
    close = difflib.get_close_matches(key, HEADER_FIELDS, n=1, cutoff=0.75)
    if close:
        problems.append(
            Problem(
                file,
                f"row {number}",
                "unknown-field",
                f"unknown header line key {key!r} (did you mean {close[0]!r}?); "
                "`# key: value` lines may set: " + ", ".join(HEADER_FIELDS),
            )
        )


def table_inventory(
    rows: Sequence[Sequence[Any]],
    kb: CitationResolver,
    file: str,
    *,
    sheet: str | None,
    first_row: int = 1,
    organisation: Organisation | None = None,
    extra_refs: Mapping[str, list[dict[str, Any]]] | None = None,
    problems: list[Problem] | None = None,
    strict: bool = False,
) -> Inventory:
    """An inventory from rows: a header naming :data:`CONTROL_COLUMNS`, then one control per row.

    ``first_row`` is the number users see for ``rows[0]``; ``extra_refs`` adds clause
    references per control id (a workbook's Implements sheet); ``problems`` already found
    (formula cells, say) are reported with the rest.
    """
    problems = problems if problems is not None else []
    organisation = organisation or Organisation()
    rows = list(rows)
    while rows and all(c in (None, "") for c in rows[-1]):
        rows.pop()
    where = f"sheet {sheet!r}, " if sheet else ""
    if not rows:
        raise InventoryError(
            [*problems, Problem(file, where.rstrip(", "), "empty", "no header row and no controls")]
        )
    if len(rows) > LIMITS["rows"]:
        raise InventoryError(
            [Problem(file, where.rstrip(", "), "rows", f"more than {LIMITS['rows']:,} rows")]
        )
    header = [
        str(c).strip().lower().replace(" ", "_") if c not in (None, REPORTED) else ""
        for c in rows[0]
    ]
    missing = [c for c in ("id", "title", "status") if c not in header]
    if missing:
        problems.append(
            Problem(
                file,
                f"{where}row {first_row}",
                "header",
                f"missing column(s) {', '.join(missing)}; the header row must name: "
                + ", ".join(CONTROL_COLUMNS),
            )
        )
        raise InventoryError(problems)
    for index, name in enumerate(header):
        if name and name not in CONTROL_COLUMNS:
            problems.append(
                Problem(
                    file,
                    f"{where}row {first_row}, column {column_letter(index)}",
                    "header",
                    f"unknown column {name!r} (columns: {', '.join(CONTROL_COLUMNS)})",
                )
            )
    named = [h for h in header if h]
    if len(set(named)) != len(named):
        problems.append(
            Problem(file, f"{where}row {first_row}", "header", "a column name appears twice")
        )
    columns = {name: column_letter(i) for i, name in enumerate(header) if name in CONTROL_COLUMNS}
    records = []
    for number, row in enumerate(rows[1:], start=first_row + 1):
        if all(c in (None, "") for c in row):
            continue
        values = {
            header[i]: (row[i] if row[i] != "" else None)
            for i in range(min(len(row), len(header)))
            if header[i] in CONTROL_COLUMNS
        }
        if len(row) > len(header) and any(c not in (None, "") for c in row[len(header) :]):
            problems.append(
                Problem(
                    file,
                    f"{where}row {number}",
                    "columns",
                    "the row has more cells than the header",
                )
            )
        if extra_refs and isinstance(values.get("id"), str | int | float):
            refs = extra_refs.get(str(values["id"]).strip())
            if refs:
                values["implements"] = as_list(values.get("implements")) + refs
        records.append(Record(values, sheet, number, columns))
    return inventory_from_records(
        records,
        kb=kb,
        file=file,
        organisation=organisation.organisation,
        description=organisation.description,
        profile=organisation.profile_fields(file, problems),
        problems=problems,
        strict=strict,
    )
