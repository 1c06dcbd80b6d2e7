"""Inventories from Excel workbooks: the Controls sheet, and optional Implements and Organisation.

The workbook is checked before anything large is loaded (zip size, the sheets it must
have). Cells are read by their type, within bounds, never trusting the sheet's own
``<dimension>`` (which may claim a million rows, or fewer rows than it holds): at most
:data:`MAX_COLUMNS` columns and ``LIMITS["rows"]`` rows. A formula cell of any kind
(plain, shared, array, data table) and a cell holding an error value are reported; a
text cell that merely starts with ``=`` is text.

Sheets (the template, ``crosswalk template inventory.xlsx``, writes all three):

- **Controls**: a header naming the columns of :data:`~crosswalk.io.controls.CONTROL_COLUMNS`;
- **Implements** (optional): ``control_id``, ``clause``, ``coverage`` — one row per clause;
- **Organisation** (optional): ``Field`` and ``Value`` rows — ``organisation``,
  ``description``, the profile's ``as_of``, ``regime``, ``placed_on_market``, and one
  ``role: <role>`` / ``category: <category>`` row per choice answered yes or no.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crosswalk.io.controls import LIMITS, REPORTED, CitationResolver
from crosswalk.io.profile import CATEGORIES, ROLES
from crosswalk.io.sheets import HEADER_FIELDS, Organisation, column_letter, table_inventory
from crosswalk.io.text import shown
from crosswalk.model.errors import InventoryError, Problem
from crosswalk.model.inventory import Inventory

__all__ = [
    "MAX_COLUMNS",
    "ORGANISATION_SHEET",
    "read_xlsx_inventory",
]

MAX_COLUMNS = 64
"""Columns read per row; an inventory has nine, and a cell further right is reported."""
ORGANISATION_SHEET = "Organisation"
_YES = {"yes", "y", "x", "true", "1", "✓", "✔"}
_NO = {"no", "n", "false", "0", "-", ""}
_FORMULA_KINDS = {"array": "an array formula", "dataTable": "a data-table formula"}


class _Sheet:
    """The cells of one worksheet as values, with every problem cell reported."""

    def __init__(self, workbook: Any, name: str, file: str, problems: list[Problem]) -> None:
        self.workbook = workbook
        self.name = name
        self.file = file
        self.problems = problems

    def where(self, row: int, column: int | None = None) -> str:
        cell = f", column {column_letter(column - 1)}" if column else ""
        return f"sheet {self.name!r}, row {row}{cell}"

    def rows(self) -> list[list[Any]]:
        """Dense rows 1…n of values (REPORTED where a cell's problem is recorded)."""
        rows: list[list[Any]] = []
        beyond = False
        for number, cells in self._parsed():
            if number > LIMITS["rows"] + 1:
                self.problems.append(
                    Problem(
                        self.file,
                        self.where(number),
                        "rows",
                        f"a cell in row {number:,}: over the {LIMITS['rows']:,}-row limit "
                        "(refused before reading further)",
                    )
                )
                break
            while len(rows) < number:
                rows.append([])
            values: list[Any] = []
            for cell in cells:
                column = int(cell["column"])
                if column > MAX_COLUMNS:
                    if not beyond and cell["value"] not in (None, ""):
                        beyond = True
                        self.problems.append(
                            Problem(
                                self.file,
                                self.where(number, column),
                                "columns",
                                f"a cell beyond column {column_letter(MAX_COLUMNS - 1)}; "
                                "an inventory's columns are listed in the README",
                            )
                        )
                    continue
                while len(values) < column - 1:
                    values.append(None)
                values.append(self._value(cell, number, column))
            rows[number - 1] = values
        return rows

    def _parsed(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """The cells as openpyxl parses them, without the padding to the claimed dimension.

        ``ReadOnlyWorksheet.iter_rows`` pads every row to the ``<dimension>`` and fills
        the rows it skips, so a lying dimension costs minutes; the parser underneath
        yields only the cells the sheet holds. (Private openpyxl API, stable across the
        3.1 releases this package supports; ReadOnlyWorksheet calls it the same way.)
        """
        from openpyxl.worksheet._reader import WorkSheetParser

        worksheet = self.workbook[self.name]
        with worksheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                worksheet._shared_strings,
                data_only=False,
                epoch=self.workbook.epoch,
                date_formats=self.workbook._date_formats,
                timedelta_formats=self.workbook._timedelta_formats,
            )
            yield from parser.parse()

    def _value(self, cell: dict[str, Any], row: int, column: int) -> Any:
        kind, value = cell["data_type"], cell["value"]
        if kind == "f":
            formula = _FORMULA_KINDS.get(str(getattr(value, "t", "")), "a formula")
            text = value if isinstance(value, str) else getattr(value, "text", None)
            showing = f" ({shown(text)})" if isinstance(text, str) and len(text) > 1 else ""
            self.problems.append(
                Problem(
                    self.file,
                    self.where(row, column),
                    "formula",
                    f"the cell holds {formula}{showing}; cells must hold values, not formulas "
                    "(the formula was not evaluated: paste it as values)",
                )
            )
            return REPORTED
        if kind == "e":
            self.problems.append(
                Problem(
                    self.file,
                    self.where(row, column),
                    "error-value",
                    f"the cell holds the spreadsheet error {shown(value)}",
                )
            )
            return REPORTED
        return value


def read_xlsx_inventory(path: Path, kb: CitationResolver, *, strict: bool = False) -> Inventory:
    """An inventory from an Excel workbook (Controls; optional Implements and Organisation)."""
    file = str(path)
    _check_archive(path)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types on corrupt files
        raise InventoryError(
            [Problem(file, "", "format", f"openpyxl could not read the workbook: {error}")]
        ) from None
    try:
        return _read(workbook, file, kb, strict=strict)
    except InventoryError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged worksheet (XML, entities) is a format problem
        raise InventoryError(
            [
                Problem(
                    file,
                    "",
                    "format",
                    f"a worksheet could not be read ({type(error).__name__}: {error})",
                )
            ]
        ) from None
    finally:
        workbook.close()


def _check_archive(path: Path) -> None:
    file = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            names = archive.namelist()
    except zipfile.BadZipFile:
        raise InventoryError(
            [Problem(file, "", "format", "not a valid .xlsx (corrupt zip)")]
        ) from None
    if total > LIMITS["uncompressed_bytes"]:
        raise InventoryError(
            [
                Problem(
                    file,
                    "",
                    "zip-size",
                    f"the workbook unpacks to {total} bytes, over the "
                    f"{LIMITS['uncompressed_bytes']} byte limit (refused before loading)",
                )
            ]
        )
    if "xl/workbook.xml" not in names:
        raise InventoryError([Problem(file, "", "format", "a zip file, but not an Excel workbook")])


def _named(names: list[str], wanted: str) -> str | None:
    return next((n for n in names if n.strip().lower() == wanted.lower()), None)


def _read(workbook: Any, file: str, kb: CitationResolver, *, strict: bool) -> Inventory:
    names = list(workbook.sheetnames)
    controls = _named(names, "Controls")
    if controls is None:
        raise InventoryError(
            [Problem(file, "", "sheet", f"no sheet named 'Controls' (sheets: {', '.join(names)})")]
        )
    problems: list[Problem] = []
    rows = _Sheet(workbook, controls, file, problems).rows()
    refs: dict[str, list[dict[str, Any]]] = {}
    implements = _named(names, "Implements")
    if implements:
        refs = _implements(_Sheet(workbook, implements, file, problems), problems)
    organisation = Organisation()
    sheet = _named(names, ORGANISATION_SHEET)
    if sheet:
        _organisation(_Sheet(workbook, sheet, file, problems), organisation)
    try:
        inventory = table_inventory(
            rows,
            kb,
            file,
            sheet=controls,
            organisation=organisation,
            extra_refs=refs,
            problems=problems,
            strict=strict,
        )
    except InventoryError as error:
        every = [*error.problems, *_orphans(refs, rows, file, implements)]
        raise InventoryError(
            every,
            title=f"{file}: {len(every)} problem(s) in the inventory; nothing was changed",
        ) from None
    orphans = _orphans(refs, rows, file, implements)
    if orphans:
        raise InventoryError(orphans)
    return inventory


def _orphans(
    refs: dict[str, list[dict[str, Any]]], rows: list[list[Any]], file: str, sheet: str | None
) -> list[Problem]:
    """Implements rows naming a control id that the Controls sheet does not have."""
    if not refs or not rows:
        return []
    header = [str(c).strip().lower() if isinstance(c, str) else "" for c in rows[0]]
    if "id" not in header:
        return []
    column = header.index("id")
    known = {
        str(row[column]).strip()
        for row in rows[1:]
        if len(row) > column and row[column] not in (None, "", REPORTED)
    }
    orphans = sorted(set(refs) - known)
    if not orphans:
        return []
    return [
        Problem(
            file,
            f"sheet {sheet!r}",
            "known-control",
            f"control id(s) {', '.join(orphans)} are not on the Controls sheet",
        )
    ]


def _implements(sheet: _Sheet, problems: list[Problem]) -> dict[str, list[dict[str, Any]]]:
    """The Implements sheet: clause references per control id."""
    rows = sheet.rows()
    refs: dict[str, list[dict[str, Any]]] = {}
    if not rows:
        return refs
    head = [str(c).strip().lower() if isinstance(c, str) else "" for c in rows[0]]
    if "control_id" not in head or "clause" not in head:
        problems.append(
            Problem(
                sheet.file,
                sheet.where(1),
                "header",
                "the Implements sheet needs columns control_id, clause, coverage",
            )
        )
        return refs
    for number, row in enumerate(rows[1:], start=2):
        cells = dict(zip(head, row, strict=False))
        if all(c in (None, "") for c in row):
            continue
        control_id, clause = cells.get("control_id"), cells.get("clause")
        if REPORTED in (control_id, clause):
            continue
        if control_id in (None, "") or clause in (None, ""):
            problems.append(
                Problem(
                    sheet.file,
                    sheet.where(number),
                    "required",
                    "control_id and clause are required",
                )
            )
            continue
        coverage = cells.get("coverage")
        refs.setdefault(str(control_id).strip(), []).append(
            {
                "clause": clause if isinstance(clause, str) else shown(clause),
                "coverage": "full" if coverage in (None, "") else str(coverage).strip().lower(),
            }
        )
    return refs


def _organisation(sheet: _Sheet, organisation: Organisation) -> None:
    """The Organisation sheet: Field / Value rows, roles and categories answered yes or no."""
    roles: list[str] = []
    categories: list[str] = []
    for number, row in enumerate(sheet.rows(), start=1):
        if len(row) < 1 or not isinstance(row[0], str):
            continue
        field = row[0].strip().lower().replace(" ", "_").replace("-", "_")
        value = row[1] if len(row) > 1 else None
        if number == 1 and field == "field" or value is REPORTED or not field:
            continue
        choice = field.split(":", 1)
        if len(choice) == 2 and choice[0] in ("role", "category"):
            option = choice[1].strip("_ ")
            chosen = _yes(value, sheet, number)
            allowed = ROLES if choice[0] == "role" else CATEGORIES
            if option not in allowed:
                sheet.problems.append(
                    Problem(
                        sheet.file,
                        sheet.where(number, 1),
                        "profile",
                        f"{shown(row[0])} is not a {choice[0]}; one of: {', '.join(allowed)}",
                    )
                )
            elif chosen:
                (roles if choice[0] == "role" else categories).append(option)
        elif field in HEADER_FIELDS:
            organisation.set(field, value.date() if isinstance(value, dt.datetime) else value)
        else:
            sheet.problems.append(
                Problem(
                    sheet.file,
                    sheet.where(number, 1),
                    "unknown-field",
                    f"unknown field {shown(row[0])}; the Organisation sheet has: "
                    f"{', '.join(HEADER_FIELDS)}, and 'role: …' / 'category: …' rows",
                )
            )
    if roles:
        organisation.profile["roles"] = roles
    if categories:
        organisation.profile["categories"] = categories


def _yes(value: Any, sheet: _Sheet, number: int) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _YES:
        return True
    if text not in _NO:
        sheet.problems.append(
            Problem(
                sheet.file,
                sheet.where(number, 2),
                "profile",
                f"{shown(value)}: answer yes or no",
            )
        )
    return False
