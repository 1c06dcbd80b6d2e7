"""Builders of the hostile inputs that are binary, large or special (issue 20).

The committed corpus (``tests/hostile/``) holds only small text files; everything here is
made at test time into a temporary directory: workbooks patched at the XML level (a
lying ``<dimension>``, formula kinds openpyxl cannot write, DTDs), an encrypted workbook
(an OLE compound file), sparse files, FIFOs, tables with oversized fields or too many
rows, and corrupted or malicious cache files. Each builder returns the path it wrote.
"""

from __future__ import annotations

import csv
import io
import os
import pickle
import re
import struct
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "SHEET",
    "cfb_file",
    "controls_csv",
    "controls_yaml",
    "corrupt_pickle",
    "encrypted_workbook",
    "fifo",
    "inventory_workbook",
    "legacy_workbook",
    "marker_pickle",
    "oversized_field_csv",
    "oversized_field_sssom",
    "patch_member",
    "set_dimension",
    "sparse_file",
    "with_dtd",
    "with_last_row_cell",
]

SHEET = "xl/worksheets/sheet1.xml"
"""The first worksheet of a workbook openpyxl wrote (the inventory's Controls, the Matrix)."""

_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')


def inventory_workbook(path: Path, rows: Sequence[Sequence[Any]] | None = None) -> Path:
    """A valid inventory workbook: sheet Controls with a header and five controls."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Controls"
    sheet.append(["id", "title", "status", "implements"])
    for row in rows or [
        (f"C{i}", f"Control {i}", "implemented", "iso31000:6.4.2") for i in range(5)
    ]:
        sheet.append(list(row))
    workbook.save(path)
    return path


def patch_member(source: Path, target: Path, member: str, edit: Callable[[str], str]) -> Path:
    """Copy a zip (workbook) with one member's text rewritten by ``edit``."""
    with (
        zipfile.ZipFile(source) as before,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as after,
    ):
        for info in before.infolist():
            data = before.read(info.filename)
            if info.filename == member:
                edited = edit(data.decode("utf-8"))
                if edited == data.decode("utf-8"):  # a builder error, not a finding
                    raise RuntimeError(f"the edit did not change {member} of {source}")
                data = edited.encode("utf-8")
            after.writestr(info, data)
    return target


def set_dimension(reference: str) -> Callable[[str], str]:
    """An edit: the sheet claims the used range ``reference`` (true or not)."""
    return lambda xml: _DIMENSION.sub(f'<dimension ref="{reference}"/>', xml, count=1)


def with_last_row_cell(xml: str) -> str:
    """An edit: one text cell in Excel's last row, 1,048,576."""
    cell = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return xml.replace("</sheetData>", cell + "</sheetData>", 1)


def with_dtd(entities: str, title: str) -> Callable[[str], str]:
    """An edit that puts a DTD before <worksheet>.

    The DTD declares ``entities``; the first control's title becomes ``title``, which
    refers to them.
    """

    def edit(xml: str) -> str:
        xml = xml.replace("<worksheet", f"<!DOCTYPE worksheet [{entities}]><worksheet", 1)
        return xml.replace("<t>Control 0</t>", f"<t>{title}</t>", 1)

    return edit


def cfb_file(path: Path, streams: dict[str, bytes]) -> Path:
    """An OLE compound file (CFB version 3) holding ``streams`` at the root.

    Each stream is padded to 4,096 bytes so that it lives in regular sectors (no mini
    stream); the directory's children form a chain of right siblings, shortest name
    first, as the CFB ordering wants.
    """
    end, free, fat_sector, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda name: (len(name), name.upper()))
    if not 1 <= len(names) <= 3:
        raise ValueError("one directory sector holds the root and at most three streams")
    data = [streams[name].ljust(4096, b"\0")[:4096] for name in names]

    def entry(
        name: str,
        kind: int,
        *,
        child: int = none,
        right: int = none,
        start: int = end,
        size: int = 0,
    ) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", none, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    fat = [fat_sector, end]
    directory = entry("Root Entry", 5, child=1)
    for index, (name, body) in enumerate(zip(names, data, strict=True)):
        first = len(fat)
        fat.extend(range(first + 1, first + 8))
        fat.append(end)
        right = index + 2 if index + 1 < len(names) else none
        directory += entry(name, 2, right=right, start=first, size=len(body))
    directory = directory.ljust(512, b"\0")
    fat.extend([free] * (128 - len(fat)))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    path.write_bytes(header + struct.pack("<128I", *fat) + directory + b"".join(data))
    return path


def encrypted_workbook(path: Path) -> Path:
    """What Excel writes for a password-protected .xlsx.

    A compound file holding the streams EncryptionInfo (agile encryption, version 4.4)
    and EncryptedPackage.
    """
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>'
    )
    package = struct.pack("<Q", 4000) + b"\x5a" * 4000
    return cfb_file(path, {"EncryptionInfo": info, "EncryptedPackage": package})


def legacy_workbook(path: Path) -> Path:
    """A legacy .xls: a compound file whose workbook stream is called ``Workbook``."""
    return cfb_file(path, {"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00"})


def sparse_file(path: Path, size: int = 3 * 1024**3) -> Path:
    """A file of ``size`` bytes (3 GB by default) that takes no disk space."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def fifo(path: Path) -> Path:
    """A named pipe nobody writes to: opening it for reading blocks forever."""
    os.mkfifo(path)
    return path


def controls_csv(path: Path, count: int) -> Path:
    """An inventory CSV of ``count`` planned controls that implement nothing."""
    lines = ["id,title,status"] + [f"C{i},Control {i},planned" for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def controls_yaml(path: Path, count: int) -> Path:
    """A YAML inventory of ``count`` controls, one flow mapping per line."""
    lines = ["controls:"] + [f"- {{id: C{i}, title: t, status: planned}}" for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


_BIG_FIELD = "y" * 140_000
"""Over the csv module's default 131,072-character field limit."""


def oversized_field_csv(source: Path, target: Path) -> Path:
    """A mapping CSV (as ``export --format csv`` writes it) with one justification over 128 KB."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    rows[1][rows[0].index("justification")] = _BIG_FIELD
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    target.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return target


def oversized_field_sssom(source: Path, target: Path) -> Path:
    """An SSSOM/TSV file (as ``export --format sssom`` writes it) with one comment over 128 KB."""
    lines = source.read_text(encoding="utf-8").split("\n")
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    columns = lines[header].split("\t")
    cells = lines[header + 1].split("\t")
    cells[columns.index("comment")] = _BIG_FIELD
    lines[header + 1] = "\t".join(cells)
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


class _WritesMarker:
    """Unpickling this object runs code: it writes ``marker`` (the attack of issue 20 §1)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            exec,
            (f"open({str(self.marker)!r}, 'w').write('code ran while reading the cache')",),
        )


def marker_pickle(marker: Path) -> bytes:
    """A pickle whose loading writes ``marker``, then yields None."""
    return pickle.dumps(_WritesMarker(marker))


def corrupt_pickle(kind: str, original: bytes) -> bytes:
    """Cache bytes damaged as disks and crashes damage them.

    ``truncated``: the first half of a real cache file. ``overflow``: a BINBYTES8 opcode
    whose length overflows (pickle raises OverflowError). ``huge``: a BINBYTES8 opcode
    that asks for a terabyte (pickle raises MemoryError).
    """
    if kind == "truncated":
        return original[: len(original) // 2]
    if kind == "overflow":
        return b"\x80\x05\x8e" + (2**63 + 5).to_bytes(8, "little")
    if kind == "huge":
        return b"\x80\x05\x8e" + (2**40).to_bytes(8, "little")
    raise ValueError(kind)
