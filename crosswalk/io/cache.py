"""A compiled cache of the knowledge base, keyed on the exact bytes of the data files.

Parsing ~2 MB of YAML and validating every record takes about a second; a cached,
pickled knowledge base (with its inference closure) loads in a fraction of that. The
key hashes crosswalk's version and source code and every data file's path and content, so
any change to the code or the data rebuilds the cache. The cache lives in ``$CROSSWALK_CACHE_DIR`` or
``$XDG_CACHE_HOME/crosswalk`` (default ``~/.cache/crosswalk``); set
``CROSSWALK_NO_CACHE=1`` to bypass it. A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path

from crosswalk._version import __version__
from crosswalk.io.atomic import atomic_path

__all__ = ["cache_directory", "cache_key", "read_cached", "write_cached"]

_FORMAT = 1


def cache_directory() -> Path | None:
    """Where cached knowledge bases are kept (None when caching is disabled)."""
    if os.environ.get("CROSSWALK_NO_CACHE"):
        return None
    explicit = os.environ.get("CROSSWALK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "crosswalk"


def _code_digest() -> bytes:
    """A digest of crosswalk's own source, so a changed model never meets an old pickle."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def cache_key(files: Iterable[Path], *, bundled: bool, kind: str = "") -> str:
    """A hash of crosswalk's version and source, the class cached and the data files.

    ``kind`` names the class; every data file counts by its path and bytes.
    """
    head = f"{_FORMAT}|{__version__}|{sys.version_info[:2]}|{bundled}|{kind}"
    digest = hashlib.sha256(head.encode())
    digest.update(_code_digest())
    for path in sorted({Path(p).resolve() for p in files}):
        digest.update(str(path).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def read_cached(key: str) -> object | None:
    """The object cached under ``key`` (a knowledge base), or None."""
    directory = cache_directory()
    if directory is None:
        return None
    path = directory / f"kb-{key}.pickle"
    try:
        with path.open("rb") as handle:
            found: object = pickle.load(handle)
            return found
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
    ):
        return None


def write_cached(key: str, kb: object) -> None:
    """Store a knowledge base under ``key`` (atomically; failures are ignored)."""
    directory = cache_directory()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / f"kb-{key}.pickle"
        with atomic_path(target) as temporary, temporary.open("wb") as stream:
            pickle.dump(kb, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stale = target.stat().st_mtime - 86400 * 30
        for old in directory.glob("kb-*.pickle"):
            if old != target and old.stat().st_mtime < stale:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, RecursionError):
        return
