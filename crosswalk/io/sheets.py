"""Inventories from CSV and Excel: a header row naming the columns, one control per row.

Excel files are checked before anything large is loaded (zip size, the Controls sheet,
formulas refused); an optional Implements sheet lists clause references one per row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from crosswalk.io.controls import (
    CONTROL_COLUMNS,
    LIMITS,
    CitationResolver,
    Record,
    as_list,
    decode_text,
    inventory_from_records,
)
from crosswalk.model.errors import InventoryError, Problem
from crosswalk.model.inventory import Inventory

__all__ = []


def read_csv_inventory(path: Path, kb: CitationResolver) -> Inventory:
    """An inventory from a CSV file (the delimiter is sniffed: comma, semicolon or tab)."""
    file = str(path)
    text = decode_text(path)
    if "\x00" in text:
        raise InventoryError(
            [Problem(file, "", "format", "the file holds binary data, not CSV text")]
        )
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise InventoryError(
            [Problem(file, f"row {reader.line_num}", "csv-syntax", str(error))]
        ) from None
    return _from_table(rows, kb, file, sheet=None)


def _from_table(
    rows: Sequence[Sequence[Any]],
    kb: CitationResolver,
    file: str,
    sheet: str | None,
    *,
    extra_refs: Mapping[str, list[dict[str, Any]]] | None = None,
) -> Inventory:
    problems: list[Problem] = []
    rows = [r for r in rows]
    while rows and all(c in (None, "") for c in rows[-1]):
        rows.pop()
    if not rows:
        raise InventoryError(
            [
                Problem(
                    file,
                    f"sheet {sheet!r}" if sheet else "",
                    "empty",
                    "no header row and no controls",
                )
            ]
        )
    if len(rows) > LIMITS["rows"]:
        raise InventoryError(
            [Problem(file, "", "rows", f"{len(rows)} rows is over the {LIMITS['rows']} limit")]
        )
    header = [str(c).strip().lower().replace(" ", "_") if c is not None else "" for c in rows[0]]
    missing = [c for c in ("id", "title", "status") if c not in header]
    if missing:
        where = f"sheet {sheet!r}, row 1" if sheet else "row 1"
        raise InventoryError(
            [
                Problem(
                    file,
                    where,
                    "header",
                    f"missing column(s) {', '.join(missing)}; the header row must name: {', '.join(CONTROL_COLUMNS)}",
                )
            ]
        )
    for index, name in enumerate(header):
        if name and name not in CONTROL_COLUMNS:
            problems.append(
                Problem(
                    file,
                    f"{'sheet ' + repr(sheet) + ', ' if sheet else ''}row 1, column {_letter(index)}",
                    "header",
                    f"unknown column {name!r}",
                )
            )
    if len({h for h in header if h}) != len([h for h in header if h]):
        problems.append(Problem(file, "row 1", "header", "a column name appears twice"))
    columns = {name: _letter(i) for i, name in enumerate(header) if name in CONTROL_COLUMNS}
    records = []
    for number, row in enumerate(rows[1:], start=2):
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
                    f"{'sheet ' + repr(sheet) + ', ' if sheet else ''}row {number}",
                    "columns",
                    "the row has more cells than the header",
                )
            )
        if extra_refs and values.get("id") is not None:
            refs = extra_refs.get(str(values["id"]).strip())
            if refs:
                values["implements"] = as_list(values.get("implements")) + refs
        records.append(Record(values, sheet, number, columns))
    return inventory_from_records(records, kb=kb, file=file, problems=problems)


def _letter(index: int) -> str:
    result = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        result = chr(65 + remainder) + result
    return result


def read_xlsx_inventory(path: Path, kb: CitationResolver) -> Inventory:
    """An inventory from an Excel workbook (Controls sheet, optional Implements sheet)."""
    file = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if total > LIMITS["uncompressed_bytes"]:
                raise InventoryError(
                    [
                        Problem(
                            file,
                            "",
                            "zip-size",
                            f"the workbook unpacks to {total} bytes, over the {LIMITS['uncompressed_bytes']} byte limit (refused before loading)",
                        )
                    ]
                )
            if "xl/workbook.xml" not in archive.namelist():
                raise InventoryError(
                    [Problem(file, "", "format", "a zip file, but not an Excel workbook")]
                )
    except zipfile.BadZipFile:
        raise InventoryError(
            [Problem(file, "", "format", "not a valid .xlsx (corrupt zip)")]
        ) from None
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types on corrupt files
        raise InventoryError(
            [
                Problem(
                    file,
                    "",
                    "format",
                    f"openpyxl could not read the workbook: {type(error).__name__}: {error}",
                )
            ]
        ) from None
    try:
        names = workbook.sheetnames
        sheet_name = next((n for n in names if n.strip().lower() == "controls"), None)
        if sheet_name is None:
            raise InventoryError(
                [
                    Problem(
                        file, "", "sheet", f"no sheet named 'Controls' (sheets: {', '.join(names)})"
                    )
                ]
            )
        problems: list[Problem] = []
        rows = _sheet_rows(workbook[sheet_name], file, sheet_name, problems)
        extra: dict[str, list[dict[str, Any]]] = {}
        implements = next((n for n in names if n.strip().lower() == "implements"), None)
        if implements:
            ref_rows = _sheet_rows(workbook[implements], file, implements, problems)
            if ref_rows:
                head = [str(c).strip().lower() if c is not None else "" for c in ref_rows[0]]
                if "control_id" not in head or "clause" not in head:
                    problems.append(
                        Problem(
                            file,
                            f"sheet {implements!r}, row 1",
                            "header",
                            "the Implements sheet needs columns control_id, clause, coverage",
                        )
                    )
                else:
                    for number, row in enumerate(ref_rows[1:], start=2):
                        cells = dict(zip(head, row, strict=False))
                        if all(c in (None, "") for c in row):
                            continue
                        control_id = str(cells.get("control_id") or "").strip()
                        clause = cells.get("clause")
                        coverage = str(cells.get("coverage") or "full").strip().lower()
                        if not control_id or clause in (None, ""):
                            problems.append(
                                Problem(
                                    file,
                                    f"sheet {implements!r}, row {number}",
                                    "required",
                                    "control_id and clause are required",
                                )
                            )
                            continue
                        extra.setdefault(control_id, []).append(
                            {"clause": str(clause), "coverage": coverage}
                        )
        if problems:
            raise InventoryError(problems)
        inventory = _from_table(rows, kb, file, sheet_name, extra_refs=extra)
        known = {c.id for c in inventory.controls}
        orphans = sorted(set(extra) - known)
        if orphans:
            raise InventoryError(
                [
                    Problem(
                        file,
                        f"sheet {implements!r}",
                        "known-control",
                        f"control id(s) {', '.join(orphans)} are not on the Controls sheet",
                    )
                ]
            )
        return inventory
    finally:
        workbook.close()


def _sheet_rows(sheet: Any, file: str, name: str, problems: list[Problem]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > LIMITS["rows"]:
            problems.append(
                Problem(file, f"sheet {name!r}", "rows", f"more than {LIMITS['rows']} rows")
            )
            break
        cells = []
        for column, value in enumerate(row):
            if isinstance(value, str) and value.startswith("=") and len(value) > 1:
                problems.append(
                    Problem(
                        file,
                        f"sheet {name!r}, row {number}, column {_letter(column)}",
                        "formula",
                        "cells must hold values, not formulas (the formula was not evaluated)",
                    )
                )
                value = None
            cells.append(value)
        rows.append(cells)
    return rows
