"""Writing output files atomically, without losing what was at the path before.

Every file crosswalk writes goes through here, with these promises:

- an existing file at the target is replaced only when the new one is complete; a
  failure part-way (a full disk, an error, ``kill -9``) leaves the old file and no
  temporary file behind;
- an existing output keeps its permissions (a 0600 report stays 0600); a new one gets
  the permissions any new file would (0o666 less the umask, never changed);
- a symbolic link at the target survives: the file it points to is replaced;
- a directory at the target is refused (:class:`~crosswalk.model.errors.ExportError`).

Where Linux allows it the content goes into an unnamed file (``O_TMPFILE``) in the
target's directory, which vanishes with the process if it dies, and is linked to the
target's name when complete (for an existing target, under a temporary name that is
renamed over it at once). Elsewhere, a temporary file beside the target is used; its
name carries the writer's process id, so a later write removes one left by a writer
that is gone. :func:`refuse_inputs_as_outputs` keeps a command from writing over its
own inputs.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from crosswalk.model.errors import ExportError

__all__ = [
    "atomic_path",
    "check_output",
    "refuse_inputs_as_outputs",
    "unnamed_file",
    "write_bytes_atomic",
    "write_text_atomic",
]

_ATTEMPTS = 100
_PROC_FD = Path("/proc/self/fd")


def _temporary_name(name: str) -> str:
    return f".{name}.{os.getpid()}-{os.urandom(4).hex()}.tmp"


def _remove_stale(directory: Path, name: str) -> None:
    """Remove temporary files of ``name`` left by writers that are no longer running."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)-[0-9a-f]{{8}}\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            match = pattern.fullmatch(entry.name)
            if match and not _running(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        return True
    return True


def _create(directory: Path, name: str) -> Path:
    """A new, empty file beside the target, with a fresh name and the usual permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        candidate = directory / _temporary_name(name)
        try:
            os.close(os.open(candidate, flags, 0o666))
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free temporary name beside {directory / name}")


def _unnamed(directory: Path) -> int | None:
    """A descriptor of an unnamed file in ``directory`` (Linux O_TMPFILE), or None."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not _PROC_FD.is_dir():
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError:  # a file system without O_TMPFILE
        return None


def unnamed_file(directory: Path) -> tuple[int, Path] | None:
    """An unnamed scratch file in ``directory``: its descriptor and a path that opens it.

    It has no name, so nothing is left behind if the process dies; it is gone when the
    descriptor is closed. None where the system has no such files (then use a named one).
    """
    descriptor = _unnamed(directory)
    return None if descriptor is None else (descriptor, _PROC_FD / str(descriptor))


def _destination(path: str | os.PathLike[str]) -> tuple[Path, Path, int | None]:
    """The file to replace (through a symlink), its directory and its current mode."""
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    directory = target.parent if str(target.parent) else Path(".")
    try:
        info = target.stat()
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from None
    else:
        if stat.S_ISDIR(info.st_mode):
            raise ExportError(f"cannot write {path}: it is a directory; name a file")
        if not stat.S_ISREG(info.st_mode):
            raise ExportError(f"cannot write {path}: it is not a regular file")
        mode = stat.S_IMODE(info.st_mode)
    if not directory.is_dir():
        raise ExportError(f"cannot write {path}: directory {directory} does not exist")
    return target, directory, mode


def _publish(descriptor: int, target: Path, directory: Path) -> None:
    """Give the complete unnamed file the target's name, replacing any file there."""
    source = str(_PROC_FD / str(descriptor))
    folder = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:

        def link(name: str) -> None:
            # with a dir_fd, os.link is linkat(AT_SYMLINK_FOLLOW): it links the file the
            # /proc entry stands for (plain link() would link the /proc entry itself)
            os.link(source, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=True)

        try:
            link(target.name)
            return
        except FileExistsError:
            pass
        for _ in range(_ATTEMPTS):
            temporary = _temporary_name(target.name)
            try:
                link(temporary)
            except FileExistsError:
                continue
            try:
                os.replace(temporary, target.name, src_dir_fd=folder, dst_dir_fd=folder)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=folder)
                raise
            return
        raise FileExistsError(f"no free temporary name beside {target}")
    finally:
        os.close(folder)


def check_output(path: str | os.PathLike[str]) -> None:
    """Raise ExportError now if ``path`` cannot be written (a directory, no such folder).

    A command checks its outputs before its work, so that it fails at once, not after it.
    """
    _destination(path)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a path to write to; on success its content replaces ``path`` atomically.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    target, directory, mode = _destination(path)
    _remove_stale(directory, target.name)
    descriptor = _unnamed(directory)
    if descriptor is not None:
        try:
            yield _PROC_FD / str(descriptor)
            if mode is not None:
                os.fchmod(descriptor, mode)
            _publish(descriptor, target, directory)
        finally:
            os.close(descriptor)
        return
    try:
        temporary = _create(directory, target.name)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error}") from error
    try:
        yield temporary
        if mode is not None:
            os.chmod(temporary, mode)
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
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write text (UTF-8) to ``path`` atomically and return the path."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def refuse_inputs_as_outputs(
    outputs: Iterable[str | os.PathLike[str] | None],
    inputs: Iterable[str | os.PathLike[str] | None],
) -> None:
    """Raise ExportError if an output is one of the inputs (after symlinks, or the same file).

    "Inputs are never modified": ``gap inv.xlsx -o inv.xlsx`` or an output that is a
    symlink to the inventory would replace the inventory with the report.
    """
    sources = {}
    for item in inputs:
        if item is not None:
            key = _identity(Path(item))
            sources[os.path.realpath(item)] = str(item)
            if key is not None:
                sources[str(key)] = str(item)
    for output in outputs:
        if output is None:
            continue
        key = _identity(Path(output))
        found = sources.get(os.path.realpath(output)) or (sources.get(str(key)) if key else None)
        if found is not None:
            raise ExportError(
                f"refusing to write {output}: it is the input {found} (inputs are never modified); "
                "name another output file"
            )
