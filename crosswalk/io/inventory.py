"""Reading an organisation's inventory (controls and profile) from YAML, CSV or Excel.

Inventories come from YAML, CSV or Excel files (sniffed by content, not only by
extension) or from Python objects. Every problem in a file is collected — with file,
sheet, row, column and the rule broken — and raised at once as an
:class:`~crosswalk.model.errors.InventoryError`. Input files are only ever read.

Excel limits (refused before anything large is loaded): 20 MB on disk, 200 MB
uncompressed, 100,000 rows, 32,767 characters per cell (Excel's own cell limit).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import ValidationError

from crosswalk.model.errors import CitationError, InventoryError, Problem
from crosswalk.model.inventory import CONTROL_STATUSES, ClauseRef, Control, Inventory, Profile
from crosswalk.model.records import Clause

__all__ = [
    "CONTROL_COLUMNS",
    "LIMITS",
    "CitationResolver",
    "inventory_from_records",
    "read_inventory",
    "read_profile",
]

CONTROL_COLUMNS = (
    "id",
    "title",
    "description",
    "owner",
    "status",
    "maturity",
    "evidence",
    "implements",
    "partially_implements",
)
LIMITS = {
    "file_bytes": 20 * 1024 * 1024,
    "uncompressed_bytes": 200 * 1024 * 1024,
    "rows": 100_000,
    "cell_chars": 32_767,
}


class CitationResolver(Protocol):
    """What reading an inventory needs of a knowledge base: turning citations into clauses.

    ``resolve`` returns the clause a citation names or raises
    :class:`~crosswalk.model.errors.CitationError` (with the closest ids).
    """

    def resolve(self, text: str) -> Clause:
        """The clause ``text`` cites."""
        ...


@dataclass(frozen=True)
class _Record:
    """A raw control record with where it came from."""

    values: Mapping[str, Any]
    sheet: str | None
    row: int | None
    columns: Mapping[str, str]  # field -> column letter or name
    label: str | None = None  # e.g. "controls[3]" for YAML


def _place(record: _Record, field: str | None = None) -> str:
    parts = [record.label] if record.label else []
    if record.sheet:
        parts.append(f"sheet {record.sheet!r}")
    if record.row is not None:
        parts.append(f"row {record.row}")
    if field:
        column = record.columns.get(field)
        parts.append(f"column {column}" if column and column != field else f"field {field!r}")
    return ", ".join(parts)


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    return [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]


def _text(
    value: Any, record: _Record, field: str, file: str, problems: list[Problem]
) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        problems.append(
            Problem(
                file,
                _place(record, field),
                "text-expected",
                f"expected text, found a date ({value})",
            )
        )
        return None
    if isinstance(value, bool | int | float) and field in ("title", "description", "owner", "id"):
        value = str(value)
    text = str(value).strip()
    if len(text) > LIMITS["cell_chars"]:
        problems.append(
            Problem(
                file,
                _place(record, field),
                "cell-size",
                f"{len(text)} characters is over the {LIMITS['cell_chars']} limit",
            )
        )
        return None
    if text.startswith("#") and text.rstrip("!?/0").upper() in {
        "#REF",
        "#VALUE",
        "#DIV",
        "#N/A",
        "#NAME",
        "#NUM",
        "#NULL",
    }:
        problems.append(
            Problem(
                file,
                _place(record, field),
                "error-value",
                f"the cell holds a spreadsheet error value {text}",
            )
        )
        return None
    return text or None


def inventory_from_records(  # noqa: C901 - one pass that collects every problem of every record; each branch is one rule
    records: Iterable[_Record] | Iterable[Mapping[str, Any]],
    *,
    kb: CitationResolver,
    file: str = "<records>",
    organisation: str | None = None,
    description: str | None = None,
    profile: Profile | Mapping[str, Any] | None = None,
    problems: list[Problem] | None = None,
) -> Inventory:
    """Build an inventory from control records (dicts), resolving every citation.

    Each record has the keys of :data:`CONTROL_COLUMNS`; ``implements`` may also be a list
    of ``{clause, coverage}`` mappings. Raises InventoryError listing every problem.
    """
    problems = problems if problems is not None else []
    controls: list[Control] = []
    seen: dict[str, str] = {}
    count = 0
    for raw in records:
        count += 1
        record = raw if isinstance(raw, _Record) else _Record(raw, None, count, {})
        values = dict(record.values)
        unknown = set(values) - set(CONTROL_COLUMNS)
        for key in sorted(unknown):
            problems.append(
                Problem(
                    file,
                    _place(record),
                    "unknown-field",
                    f"unknown field {key!r} (expected: {', '.join(CONTROL_COLUMNS)})",
                )
            )
        texts = {
            f: _text(values.get(f), record, f, file, problems)
            for f in ("id", "title", "description", "owner")
        }
        control_id, title = texts["id"], texts["title"]
        if not control_id:
            problems.append(
                Problem(file, _place(record, "id"), "required", "every control needs an id")
            )
        elif control_id in seen:
            problems.append(
                Problem(
                    file,
                    _place(record, "id"),
                    "unique-id",
                    f"control id {control_id!r} is also used at {seen[control_id]}",
                )
            )
        else:
            seen[control_id] = _place(record) or f"record {count}"
        if not title:
            problems.append(
                Problem(file, _place(record, "title"), "required", "every control needs a title")
            )
        status_raw = _text(values.get("status"), record, "status", file, problems)
        status = (status_raw or "").lower().replace(" ", "_").replace("-", "_")
        if status not in CONTROL_STATUSES:
            problems.append(
                Problem(
                    file,
                    _place(record, "status"),
                    "status",
                    f"status {status_raw!r} is not one of {', '.join(CONTROL_STATUSES)}",
                )
            )
        maturity_raw = values.get("maturity")
        maturity: int | None = None
        if maturity_raw not in (None, ""):
            try:
                maturity = int(str(maturity_raw).strip())
                if not 1 <= maturity <= 5:
                    raise ValueError
                if isinstance(maturity_raw, float) and not maturity_raw.is_integer():
                    raise ValueError
            except (ValueError, TypeError):
                problems.append(
                    Problem(
                        file,
                        _place(record, "maturity"),
                        "maturity",
                        f"maturity {maturity_raw!r} is not a whole number from 1 to 5",
                    )
                )
                maturity = None
        evidence = tuple(_split(values.get("evidence")))
        refs: list[ClauseRef] = []
        wanted: list[tuple[Any, str]] = [
            (item, "full") for item in _as_list(values.get("implements"))
        ]
        wanted += [(item, "partial") for item in _as_list(values.get("partially_implements"))]
        for item, coverage in wanted:
            field = "implements" if coverage == "full" else "partially_implements"
            if isinstance(item, Mapping):
                cited = item.get("clause")
                coverage = str(item.get("coverage", coverage)).strip().lower()
                extra = set(item) - {"clause", "coverage"}
                if extra:
                    problems.append(
                        Problem(
                            file,
                            _place(record, field),
                            "unknown-field",
                            f"unknown key(s) {sorted(extra)} in a clause reference",
                        )
                    )
                if coverage not in ("full", "partial"):
                    problems.append(
                        Problem(
                            file,
                            _place(record, field),
                            "coverage",
                            f"coverage {coverage!r} is not full or partial",
                        )
                    )
                    continue
            else:
                cited = item
            if not isinstance(cited, str) or not cited.strip():
                problems.append(
                    Problem(
                        file,
                        _place(record, field),
                        "clause-ref",
                        f"expected a clause id or citation, found {cited!r}",
                    )
                )
                continue
            try:
                clause = kb.resolve(cited)
            except CitationError as error:
                hint = f"; closest: {', '.join(error.suggestions)}" if error.suggestions else ""
                problems.append(
                    Problem(
                        file,
                        _place(record, field),
                        "known-clause",
                        f"{cited!r}: {error.reason}{hint}",
                    )
                )
                continue
            refs.append(ClauseRef(clause=clause.id, coverage=coverage, cited=cited))
        if control_id and title and status in CONTROL_STATUSES:
            controls.append(
                Control(
                    id=control_id,
                    title=title,
                    description=texts["description"],
                    owner=texts["owner"],
                    status=status,
                    maturity=maturity,
                    evidence=evidence,
                    implements=tuple(refs),
                )
            )
    if count == 0:
        problems.append(Problem(file, "", "empty", "the inventory has no controls"))
    if isinstance(profile, Mapping):
        try:
            profile = Profile.model_validate(profile)
        except ValidationError as error:
            for detail in error.errors():
                where = "profile." + ".".join(str(p) for p in detail["loc"])
                problems.append(Problem(file, where, detail["type"], detail["msg"]))
            profile = None
    if problems:
        raise InventoryError(
            problems,
            title=f"{file}: {len(problems)} problem(s) in the inventory; nothing was changed",
        )
    return Inventory(
        organisation=organisation,
        description=description,
        profile=profile,
        controls=tuple(controls),
        path=file if file != "<records>" else None,
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Mapping):
        return [value]
    return _split(value)


def _sniff(path: Path, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix == ".xlsx":
        return "not-xlsx"
    return "yaml" if b":" in head.split(b"\n", 1)[0] else "csv"


def read_inventory(
    path: str | Path, *, kb: CitationResolver, profile: Profile | None = None
) -> Inventory:
    """Read an inventory from YAML, CSV or Excel; raise InventoryError listing every problem.

    The format is recognised by content (an ``.xlsx`` that is really CSV is reported as
    such). ``profile`` overrides a profile stored in the file.
    """
    path = Path(path)
    file = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InventoryError([Problem(file, "", "readable", str(error))]) from None
    if path.is_dir():
        raise InventoryError(
            [Problem(file, "", "readable", "is a directory, not an inventory file")]
        )
    if size > LIMITS["file_bytes"]:
        raise InventoryError(
            [
                Problem(
                    file,
                    "",
                    "file-size",
                    f"{size} bytes is over the {LIMITS['file_bytes']} byte limit",
                )
            ]
        )
    if size == 0:
        raise InventoryError([Problem(file, "", "empty", "the file is empty")])
    with path.open("rb") as handle:
        head = handle.read(8)
    kind = _sniff(path, head)
    if kind == "xls":
        raise InventoryError(
            [Problem(file, "", "format", "this is a legacy .xls workbook; save it as .xlsx")]
        )
    if kind == "not-xlsx":
        raise InventoryError(
            [
                Problem(
                    file,
                    "",
                    "format",
                    "the file ends in .xlsx but is not an Excel workbook (no zip signature)",
                )
            ]
        )
    if kind == "xlsx":
        inventory = _read_xlsx(path, kb)
    elif kind == "csv":
        inventory = _read_csv(path, kb)
    else:
        inventory = _read_yaml(path, kb)
    if profile is not None:
        inventory = inventory.model_copy(update={"profile": profile})
    return inventory


def _decode(path: Path) -> str:
    data = path.read_bytes()
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


def _read_yaml(path: Path, kb: CitationResolver) -> Inventory:
    file = str(path)
    text = _decode(path)
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise InventoryError(
            [Problem(file, where, "yaml-syntax", str(error).splitlines()[0])]
        ) from None
    except RecursionError:
        raise InventoryError([Problem(file, "", "yaml-syntax", "nesting is too deep")]) from None
    if not isinstance(document, dict):
        raise InventoryError(
            [
                Problem(
                    file,
                    "",
                    "inventory-shape",
                    "expected `inventory:` and `controls:` at the top level",
                )
            ]
        )
    problems: list[Problem] = []
    for key in sorted(set(document) - {"inventory", "controls"}):
        problems.append(Problem(file, "", "unknown-field", f"unknown top-level key {key!r}"))
    header = document.get("inventory") or {}
    if not isinstance(header, dict):
        problems.append(Problem(file, "inventory", "inventory-shape", "must be a mapping"))
        header = {}
    for key in sorted(set(header) - {"organisation", "description", "profile"}):
        problems.append(Problem(file, "inventory", "unknown-field", f"unknown key {key!r}"))
    raw_controls = document.get("controls")
    if not isinstance(raw_controls, list):
        problems.append(
            Problem(file, "controls", "inventory-shape", "`controls:` must be a list of controls")
        )
        raw_controls = []
    records = []
    for index, item in enumerate(raw_controls):
        if not isinstance(item, dict):
            problems.append(
                Problem(file, f"controls[{index}]", "inventory-shape", "each control is a mapping")
            )
            continue
        records.append(_Record(item, None, None, {}, label=f"controls[{index}]"))
    profile = header.get("profile")
    return inventory_from_records(
        records,
        kb=kb,
        file=file,
        organisation=_plain(header.get("organisation")),
        description=_plain(header.get("description")),
        profile=profile,
        problems=problems,
    )


def _plain(value: Any) -> str | None:
    return None if value is None else str(value)


def _read_csv(path: Path, kb: CitationResolver) -> Inventory:
    file = str(path)
    text = _decode(path)
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
                values["implements"] = _as_list(values.get("implements")) + refs
        records.append(_Record(values, sheet, number, columns))
    return inventory_from_records(records, kb=kb, file=file, problems=problems)


def _letter(index: int) -> str:
    result = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        result = chr(65 + remainder) + result
    return result


def _read_xlsx(path: Path, kb: CitationResolver) -> Inventory:
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


def read_profile(path: str | Path) -> Profile:
    """Read an organisation profile (YAML: roles, categories, as_of, regime)."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        document = yaml.safe_load(_decode(path))
    except (OSError, yaml.YAMLError) as error:
        raise InventoryError(
            [Problem(str(path), "", "yaml-syntax", str(error).splitlines()[0])]
        ) from None
    if isinstance(document, dict) and "profile" in document:
        document = document["profile"]
    if not isinstance(document, dict):
        raise InventoryError(
            [Problem(str(path), "", "profile-shape", "expected roles, categories, as_of, regime")]
        )
    try:
        return Profile.model_validate(document)
    except ValidationError as error:
        for detail in error.errors():
            problems.append(
                Problem(
                    str(path),
                    ".".join(str(p) for p in detail["loc"]),
                    detail["type"],
                    detail["msg"],
                )
            )
        raise InventoryError(problems) from None
