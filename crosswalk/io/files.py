"""Reading an input file with a bound: regular files only, the size checked before reading.

A FIFO would block a reader forever, ``/dev/zero`` would fill memory, and a file of
gigabytes would be read whole before any later check. :func:`read_bytes` opens the path
without blocking, refuses anything that is not a regular file, checks the size from the
open descriptor (so the file checked is the file read) and then reads at most ``limit``
bytes, so a file that grows while it is read is refused too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from crosswalk.model.errors import DataError, Problem

__all__ = ["file_problem", "read_bytes", "read_text", "zip_problem"]

_CHUNK = 1 << 20


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def file_problem(path: Path, limit: int) -> Problem | None:
    """Why ``path`` cannot be read as an input of at most ``limit`` bytes, or None.

    Follows symbolic links (a dangling one is a problem) and never opens the file.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return Problem(str(path), "", "readable", "a symbolic link to nothing")
        return Problem(str(path), "", "readable", "no such file")
    except OSError as error:
        return Problem(str(path), "", "readable", error.strerror or str(error))
    if not stat.S_ISREG(info.st_mode):
        return Problem(str(path), "", "regular-file", f"{_kind(info.st_mode)}, not a regular file")
    if info.st_size > limit:
        return Problem(
            str(path), "", "file-size", f"{info.st_size} bytes is over the {limit} byte limit"
        )
    return None


def read_bytes(path: str | os.PathLike[str], *, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refused (DataError) if over ``limit`` bytes.

    Raises :class:`~crosswalk.model.errors.DataError` naming the file: for a FIFO, a
    device or a directory (never opened for reading, so nothing blocks), a file too
    large, or one that cannot be read.
    """
    source = Path(path)
    name = str(source)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(source, flags)
    except OSError as error:
        found = file_problem(source, limit)
        message = error.strerror or str(error)
        raise DataError([found or Problem(name, "", "readable", message)]) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise DataError(
                [Problem(name, "", "regular-file", f"{_kind(info.st_mode)}, not a regular file")]
            )
        if info.st_size > limit:
            raise DataError(
                [
                    Problem(
                        name,
                        "",
                        "file-size",
                        f"{info.st_size} bytes is over the {limit} byte limit",
                    )
                ]
            )
        return _read_at_most(descriptor, name, limit)
    except OSError as error:
        raise DataError([Problem(name, "", "readable", error.strerror or str(error))]) from None
    finally:
        os.close(descriptor)


def _read_at_most(descriptor: int, name: str, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(descriptor, min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise DataError(
                [Problem(name, "", "file-size", f"more than {limit} bytes (the file grew)")]
            )


def read_text(path: str | os.PathLike[str], *, limit: int, encoding: str = "utf-8-sig") -> str:
    """The text of ``path`` as :func:`read_bytes` reads it; undecodable text is a DataError."""
    data = read_bytes(path, limit=limit)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DataError(
            [Problem(str(path), f"byte {error.start}", "encoding", f"not {encoding} text")]
        ) from None


def zip_problem(path: Path, limit: int) -> Problem | None:
    """Why the zip archive (an .xlsx) at ``path`` may not be unpacked, or None.

    The sizes its directory declares are added up before anything is decompressed: a
    workbook that unpacks to more than ``limit`` bytes (a zip bomb) is refused.
    """
    import zipfile  # with shutil and the compressors: only when a workbook is read

    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        return Problem(str(path), "", "xlsx-readable", f"not a readable .xlsx workbook: {error}")
    if total > limit:
        return Problem(
            str(path),
            "",
            "zip-size",
            f"the workbook unpacks to {total} bytes, over the {limit} byte limit "
            "(refused before loading)",
        )
    return None
