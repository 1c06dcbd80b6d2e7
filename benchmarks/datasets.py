"""The synthetic data of the benchmark suite, generated once per size and seed and kept.

Generating the M and L data takes longer than most rows, so it is kept as a pickle in
``$CROSSWALK_BENCH_CACHE`` (default ``~/.cache/crosswalk-benchmarks``, mode 0700). A
pickle runs code when read: one that another user owns or may write is never read (the
data is generated again). Apart from the rows because this is the one place that reads
and writes such files.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from pathlib import Path

from benchmarks.synthetic import Size, Synthetic, generate

__all__ = ["cache_path", "load_data", "synthetic"]

ROOT = Path(__file__).resolve().parent.parent


def cache_path(size: Size, seed: int) -> Path:
    """Where the generated data of a size and seed is kept.

    Keyed on the generator's code and the records' (a pickle of records made before a
    field was added unpickles into records without it).
    """
    digest = hashlib.sha256((ROOT / "benchmarks" / "synthetic.py").read_bytes())
    for source in sorted((ROOT / "crosswalk" / "model").glob("*.py")):
        digest.update(source.read_bytes())
    code = digest.hexdigest()[:12]
    folder = Path(
        os.environ.get("CROSSWALK_BENCH_CACHE") or Path.home() / ".cache" / "crosswalk-benchmarks"
    )
    return folder / f"synthetic-{size.name}-{seed}-{code}.pickle"


def _ours(path: Path) -> bool:
    """True when ``path`` is this user's and no one else may write it (a pickle runs code)."""
    info = path.lstat()
    loose = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return info.st_uid == os.geteuid() and not loose and not stat.S_ISLNK(info.st_mode)


def load_data(size: Size, seed: int) -> Synthetic | None:
    """The cached data of a size and seed, or None when missing or not safely ours."""
    path = cache_path(size, seed)
    if not (path.is_file() and _ours(path) and _ours(path.parent)):
        return None
    with path.open("rb") as handle:
        data: Synthetic = pickle.load(handle)  # our own file, checked above
    return data


def synthetic(size: Size, seed: int) -> Synthetic:
    """The generated data of a size, from the cache (filled if missing)."""
    cached = load_data(size, seed)
    if cached is not None:
        return cached
    path = cache_path(size, seed)
    data = generate(size, seed=seed)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _ours(path.parent):
        return data
    partial = path.with_suffix(".tmp")
    with partial.open("wb") as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
    return data
