"""Reading an organisation's inventory (controls and profile) from YAML, CSV or Excel.

Inventories come from YAML, CSV or Excel files (sniffed by content, not only by
extension) or from Python objects. Every problem in a file is collected — with file,
sheet, row, column and the rule broken — and raised at once as an
:class:`~crosswalk.model.errors.InventoryError`. Input files are only ever read.

Limits (refused before anything large is loaded): 20 MB on disk, 200 MB uncompressed
for a workbook, 100,000 rows or controls, 32,767 characters per cell (Excel's own cell
limit); YAML is checked for duplicate keys, alias bombs and deep nesting first
(:mod:`crosswalk.io.yaml_read`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crosswalk.io.controls import (
    CONTROL_COLUMNS,
    LIMITS,
    CitationResolver,
    Record,
    inventory_from_records,
)
from crosswalk.io.profile import read_profile
from crosswalk.io.sheets import read_csv_inventory
from crosswalk.io.text import decode_text
from crosswalk.io.workbook import read_xlsx_inventory
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

_ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
"""Stream names of the compound file Excel writes for a password-protected workbook."""


def _sniff(path: Path, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # both a legacy .xls and an encrypted .xlsx are OLE compound files; the size
        # limit has been checked, so reading the whole file is bounded
        data = path.read_bytes()
        return "encrypted" if any(name in data for name in _ENCRYPTED) else "xls"
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix == ".xlsx":
        return "not-xlsx"
    return "yaml" if b":" in head.split(b"\n", 1)[0] else "csv"


_REFUSED = {
    "xls": "this is a legacy .xls workbook; save it as .xlsx",
    "encrypted": "the workbook is encrypted (protected by a password); save a copy without "
    "the password (File > Info > Protect Workbook) and read that",
    "not-xlsx": "the file ends in .xlsx but is not an Excel workbook (no zip signature)",
}


def read_inventory(
    path: str | Path,
    *,
    kb: CitationResolver,
    profile: Profile | None = None,
    strict: bool = False,
) -> Inventory:
    """Read an inventory from YAML, CSV or Excel; raise InventoryError listing every problem.

    The format is recognised by content (an ``.xlsx`` that is really CSV is reported as
    such). ``profile`` overrides a profile stored in the file. A citation that names no
    loaded framework is kept as unresolved (:attr:`Control.unresolved`), or is a problem
    when ``strict``.
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
    if kind in _REFUSED:
        raise InventoryError([Problem(file, "", "format", _REFUSED[kind])])
    if kind == "xlsx":
        inventory = read_xlsx_inventory(path, kb, strict=strict)
    elif kind == "csv":
        inventory = read_csv_inventory(path, kb, strict=strict)
    else:
        inventory = _read_yaml(path, kb, strict=strict)
    if profile is not None:
        inventory = inventory.model_copy(update={"profile": profile})
    return inventory


_HEADER_KEYS = ("organisation", "description", "profile")


def _read_yaml(path: Path, kb: CitationResolver, *, strict: bool) -> Inventory:
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
    for key in sorted(map(str, set(document) - {"inventory", "controls"})):
        problems.append(
            Problem(
                file,
                "",
                "unknown-field",
                f"unknown top-level key {key!r} (expected: inventory, controls)",
            )
        )
    header = document.get("inventory") or {}
    if not isinstance(header, dict):
        problems.append(Problem(file, "inventory", "inventory-shape", "must be a mapping"))
        header = {}
    for key in sorted(map(str, set(header) - set(_HEADER_KEYS))):
        problems.append(
            Problem(
                file,
                "inventory",
                "unknown-field",
                f"unknown key {key!r} (expected: {', '.join(_HEADER_KEYS)})",
            )
        )
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
    if profile is not None and not isinstance(profile, dict):
        problems.append(
            Problem(file, "inventory.profile", "profile", "the profile must be a mapping")
        )
        profile = None
    return inventory_from_records(
        records,
        kb=kb,
        file=file,
        organisation=_plain(header.get("organisation")),
        description=_plain(header.get("description")),
        profile=profile,
        problems=problems,
        strict=strict,
    )


def _plain(value: Any) -> str | None:
    return None if value is None else str(value)
