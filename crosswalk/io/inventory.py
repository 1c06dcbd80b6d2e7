"""Reading an organisation's inventory (controls and profile) from YAML, CSV or Excel.

Inventories come from YAML, CSV or Excel files (sniffed by content, not only by
extension) or from Python objects. Every problem in a file is collected — with file,
sheet, row, column and the rule broken — and raised at once as an
:class:`~crosswalk.model.errors.InventoryError`. Input files are only ever read.

Excel limits (refused before anything large is loaded): 20 MB on disk, 200 MB
uncompressed, 100,000 rows, 32,767 characters per cell (Excel's own cell limit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crosswalk.io.controls import (
    CONTROL_COLUMNS,
    LIMITS,
    CitationResolver,
    Record,
    decode_text,
    inventory_from_records,
)
from crosswalk.io.files import read_text
from crosswalk.io.limits import limit
from crosswalk.io.sheets import read_csv_inventory, read_xlsx_inventory
from crosswalk.io.yaml_read import load_yaml, top_level_items
from crosswalk.model.errors import DataError, InventoryError, Problem
from crosswalk.model.inventory import Inventory, Profile

__all__ = [
    "CONTROL_COLUMNS",
    "LIMITS",
    "CitationResolver",
    "inventory_from_records",
    "read_inventory",
    "read_profile",
]


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
        inventory = read_xlsx_inventory(path, kb)
    elif kind == "csv":
        inventory = read_csv_inventory(path, kb)
    else:
        inventory = _read_yaml(path, kb)
    if profile is not None:
        inventory = inventory.model_copy(update={"profile": profile})
    return inventory


def _read_yaml(path: Path, kb: CitationResolver) -> Inventory:
    file = str(path)
    text = decode_text(path)
    count = top_level_items(text, "controls", stop_after=LIMITS["rows"])
    if count > LIMITS["rows"]:  # counted without building the document: refused at once
        raise InventoryError(
            [
                Problem(
                    file,
                    "controls",
                    "rows",
                    f"more than {LIMITS['rows']:,} controls (the row limit of every inventory)",
                )
            ]
        )
    try:  # safe: no duplicate keys (a second `controls:` would replace the first), no alias bombs
        document = load_yaml(text, file)
    except DataError as error:
        raise InventoryError(error.problems) from None
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
    if len(raw_controls) > LIMITS["rows"]:  # a list reached through an alias is not counted above
        problems.append(Problem(file, "controls", "rows", f"more than {LIMITS['rows']:,} controls"))
        raw_controls = []
    records = []
    for index, item in enumerate(raw_controls):
        if not isinstance(item, dict):
            problems.append(
                Problem(file, f"controls[{index}]", "inventory-shape", "each control is a mapping")
            )
            continue
        records.append(Record(item, None, None, {}, label=f"controls[{index}]"))
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


def read_profile(path: str | Path) -> Profile:
    """Read an organisation profile (YAML: roles, categories, as_of, regime)."""
    path = Path(path)
    problems: list[Problem] = []
    try:  # bounded and safe: regular files only, no duplicate keys, no alias bombs
        document = load_yaml(read_text(path, limit=limit("data_file_bytes")), str(path))
    except DataError as error:
        raise InventoryError(error.problems) from None
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
