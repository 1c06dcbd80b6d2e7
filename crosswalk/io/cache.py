"""A compiled cache of the knowledge base that can only ever be read as data.

Parsing a few MB of YAML and validating every record takes most of a second; the cache
keeps the validated records (JSON) and, once computed, the reasoning engine's closure
(raw arrays) under a key that hashes crosswalk's version and source code and every data
file's path and content, so any change to the code or the data rebuilds it.

Nothing read from the cache can run code: records are JSON (rebuilt field by field by
:mod:`crosswalk.model.trusted`, which checks their shape; the model validated them before
they were written); arrays are plain numbers of fixed dtypes. Every file starts with a
header line naming its format, its key and the SHA-256 digest of the rest, checked on
every read. Like ssh with a key file, the cache is not used at all when its directory
or a file in it belongs to another user or may be written by group or others: then the
knowledge base is rebuilt in memory and one warning goes to stderr. Any file that is
damaged, truncated or not ours is a miss: rebuilt and written again, never a traceback.

The cache lives in ``$CROSSWALK_CACHE_DIR`` or ``$XDG_CACHE_HOME/crosswalk`` (default
``~/.cache/crosswalk``), created with mode 0700; ``CROSSWALK_NO_CACHE=1`` bypasses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosswalk._version import __version__
from crosswalk.io.atomic import atomic_path

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "ArrayStore",
    "cache_directory",
    "cache_key",
    "read_records",
    "trusted_directory",
    "write_records",
]

_FORMAT = 2
_MAGIC = b"crosswalk-cache"
_HEADER_LIMIT = 1 << 16
"""A header line is a few hundred bytes; a longer first line is not a cache file."""
_STALE_SECONDS = 86400 * 30
_ALIGN = 8
_warned: set[str] = set()


def cache_directory() -> Path | None:
    """Where cached knowledge bases are kept (None when caching is disabled)."""
    if os.environ.get("CROSSWALK_NO_CACHE"):
        return None
    explicit = os.environ.get("CROSSWALK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "crosswalk"


def _warn_once(text: str) -> None:
    if text not in _warned:
        _warned.add(text)
        print(f"crosswalk: {text}; the knowledge base is built in memory", file=sys.stderr)


def _loose(info: os.stat_result) -> str | None:
    """Why a file or directory with this status must not be trusted (None: it may)."""
    owner = getattr(os, "geteuid", None)
    if owner is not None and info.st_uid != owner():
        return f"it belongs to user id {info.st_uid}, not to you"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "group or others may write to it"
    return None


def trusted_directory(*, create: bool = False) -> Path | None:
    """The cache directory if it may be trusted (made with mode 0700 when ``create``).

    None when caching is disabled, the directory is missing (and not ``create``d), or it
    belongs to another user or is writable by group or others (warned once on stderr).
    """
    directory = cache_directory()
    if directory is None:
        return None
    try:
        if create:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError:
        return None
    why = _loose(info) if stat.S_ISDIR(info.st_mode) else "it is not a directory"
    if why is not None:
        _warn_once(f"not using the cache directory {directory}: {why}")
        return None
    return directory


def _code_digest() -> bytes:
    """A digest of crosswalk's own source, so a changed model never meets an old cache.

    Every ``*.py`` file of the package counts by its path inside the package and its bytes
    (walked with ``os.scandir``, not ``Path.rglob``: this runs on every cold start).
    """
    digest = hashlib.sha256()
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for relative in _sources(package, ""):
        digest.update(relative.encode())
        digest.update(b"\0")
        with open(os.path.join(package, relative), "rb") as stream:
            digest.update(stream.read())
        digest.update(b"\0")
    return digest.digest()


def _sources(root: str, folder: str) -> list[str]:
    """The ``*.py`` files under ``root/folder``, relative to ``root``, in a stable order."""
    found: list[str] = []
    with os.scandir(os.path.join(root, folder)) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            relative = os.path.join(folder, entry.name)
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                found.extend(_sources(root, relative))
            elif entry.name.endswith(".py") and entry.is_file():
                found.append(relative)
    return found


def cache_key(files: Iterable[Path], *, bundled: bool, kind: str = "") -> str:
    """A hash of crosswalk's version and source, the class cached and the data files.

    ``kind`` names the class; every data file counts by its absolute path and its bytes.
    """
    head = f"{_FORMAT}|{__version__}|{sys.version_info[:2]}|{bundled}|{kind}"
    digest = hashlib.sha256(head.encode())
    digest.update(_code_digest())
    for path in sorted({os.path.abspath(p) for p in files}):
        digest.update(path.encode())
        digest.update(b"\0")
        with open(path, "rb") as stream:
            digest.update(stream.read())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


# -- files: a header line, then the payload it vouches for ---------------------------------


def _read(name: str, key: str) -> tuple[dict[str, Any], memoryview] | None:
    """The header and payload of cache file ``name`` if it is ours, intact and for ``key``."""
    directory = trusted_directory()
    if directory is None:
        return None
    path = directory / name
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return None
        why = _loose(info)
        if why is not None:
            _warn_once(f"not using the cache file {path}: {why}")
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read()
    except (OSError, MemoryError):
        return None
    finally:
        os.close(descriptor)
    end = data.find(b"\n", 0, _HEADER_LIMIT)
    if end < 0:
        return None
    try:
        magic, text = data[:end].split(b" ", 1)
        header = json.loads(text)
    except ValueError:
        return None
    payload = memoryview(data)[end + 1 :]
    if (
        magic != _MAGIC
        or not isinstance(header, dict)
        or header.get("format") != _FORMAT
        or header.get("key") != key
        or header.get("sha256") != hashlib.sha256(payload).hexdigest()
    ):
        return None
    return header, payload


def _write(name: str, key: str, parts: Iterable[bytes | memoryview], **header: Any) -> None:
    """Write cache file ``name`` atomically, readable by its owner only; failures are ignored."""
    directory = trusted_directory(create=True)
    if directory is None:
        return
    chunks = list(parts)
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    head = {"format": _FORMAT, "key": key, "sha256": digest.hexdigest(), **header}
    target = directory / name
    try:
        with atomic_path(target) as temporary:
            # no O_NOFOLLOW: atomic_path made this file itself (O_EXCL, in our 0700 directory)
            # or hands out an unnamed one as /proc/self/fd/N, a link that must be followed
            descriptor = os.open(temporary, os.O_WRONLY | os.O_TRUNC)
            with os.fdopen(descriptor, "wb") as stream:
                os.fchmod(stream.fileno(), 0o600)
                line = _MAGIC + b" " + json.dumps(head).encode()
                # padded so that the payload, and every array in it, starts 8-byte aligned
                stream.write(line + b" " * (-(len(line) + 1) % _ALIGN) + b"\n")
                for chunk in chunks:
                    stream.write(chunk)
        _remove_stale(directory, target)
    except (OSError, ValueError):
        return


def _remove_stale(directory: Path, kept: Path) -> None:
    """Delete this user's cache files unused for a month (never another user's)."""
    stale = kept.stat().st_mtime - _STALE_SECONDS
    for old in directory.glob("kb-*"):
        try:
            info = old.lstat()
            mine = stat.S_ISREG(info.st_mode) and _loose(info) is None
            if old != kept and mine and info.st_mtime < stale:
                old.unlink()
        except OSError:
            continue


def read_records(key: str) -> bytes | None:
    """The records (JSON) cached under ``key``, or None."""
    found = _read(f"kb-{key}.json", key)
    return None if found is None else bytes(found[1])


def write_records(key: str, payload: bytes) -> None:
    """Cache the records (JSON) of a knowledge base under ``key``."""
    _write(f"kb-{key}.json", key, [payload])


class ArrayStore:
    """Named numeric arrays kept in the cache under a key (a knowledge base's closure).

    The arrays are written raw, each with its dtype and length in the header; reading
    takes them back with ``numpy.frombuffer`` (no pickle), read-only.
    """

    def __init__(self, key: str, name: str = "closure") -> None:
        self.key = key
        self.file = f"kb-{key}.{name}"

    def __repr__(self) -> str:
        return f"<ArrayStore {self.file}>"

    def read(self) -> dict[str, npt.NDArray[np.generic]] | None:
        """The arrays stored, or None when there are none (or they are not intact)."""
        import numpy as np

        found = _read(self.file, self.key)
        if found is None:
            return None
        header, payload = found
        arrays: dict[str, npt.NDArray[np.generic]] = {}
        offset = 0
        try:
            for name, dtype_name, count in header["arrays"]:
                dtype = np.dtype(dtype_name)
                if dtype.kind not in "iuf" or not isinstance(count, int) or count < 0:
                    return None
                size = dtype.itemsize * count
                if offset + size > len(payload):
                    return None
                arrays[str(name)] = np.frombuffer(payload, dtype, count, offset)
                offset += size + -size % _ALIGN
        except (KeyError, TypeError, ValueError):
            return None
        return arrays if offset == len(payload) else None

    def write(self, arrays: Mapping[str, npt.NDArray[np.generic]]) -> None:
        """Store ``arrays`` (numbers only), replacing what was stored."""
        listing = [(name, a.dtype.str, int(a.size)) for name, a in arrays.items()]
        if any(a.dtype.kind not in "iuf" for a in arrays.values()):
            raise ValueError("only arrays of numbers are cached")
        parts: list[bytes | memoryview] = []
        for array in arrays.values():
            parts.append(array.reshape(-1).data.cast("B"))
            parts.append(bytes(-array.nbytes % _ALIGN))
        _write(self.file, self.key, parts, arrays=listing)
