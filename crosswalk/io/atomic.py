"""Writing output files atomically: a temporary file beside the target, then a rename.

Every file crosswalk writes goes through here. An existing file at the target is
replaced only when the new one is complete; a failure part-way leaves no half-written
file behind. The temporary file is created with mode 0o666 and the kernel applies the
process umask, so an output gets the permissions any new file would (``mkstemp`` would
make it 0600), and the umask is never changed, even briefly.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from crosswalk.model.errors import ExportError

__all__ = ["atomic_path", "write_bytes_atomic", "write_text_atomic"]

_ATTEMPTS = 100


def _create(directory: Path, name: str) -> Path:
    """A new, empty file beside the target, with a fresh name and the usual permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        candidate = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            os.close(os.open(candidate, flags, 0o666))
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free temporary name beside {directory / name}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``path`` atomically.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(f"cannot write {target}: directory {directory} does not exist")
    try:
        temporary = _create(directory, target.name)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error}") from error
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Any failure is an :class:`~crosswalk.model.errors.ExportError` naming the path; a
    previous file at ``path`` is left untouched.
    """
    target = Path(path)
    try:
        with atomic_path(target) as temporary:
            temporary.write_bytes(data)
    except ExportError:
        raise
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error}") from error
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write text (UTF-8) to ``path`` atomically and return the path."""
    return write_bytes_atomic(path, text.encode("utf-8"))
