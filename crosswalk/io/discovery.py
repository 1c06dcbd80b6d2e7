"""Finding data files: catalogues, catalogue parts and mapping sets under given roots.

A root or a ``*.yaml`` found under one that is not a readable regular file (a FIFO, a
device, a dangling symbolic link) or that is over the data-file size limit is refused
here, before anything is opened, read or hashed for the cache; a directory that happens
to be named ``*.yaml`` is not a file and is skipped.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crosswalk.io.files import file_problem
from crosswalk.io.limits import limit
from crosswalk.model.errors import DataError, Problem

__all__ = ["DataFiles", "discover"]


@dataclass
class DataFiles:
    """The data files found in one or more directories, sorted by kind."""

    catalogues: list[Path] = field(default_factory=list)
    parts: list[Path] = field(default_factory=list)
    mapping_sets: list[Path] = field(default_factory=list)
    other: list[Path] = field(default_factory=list)


def discover(roots: Iterable[Path]) -> DataFiles:
    """Find catalogue, catalogue-part and mapping files under each root.

    Files are sorted by location (``catalogues/``, ``crosswalks/``) or, elsewhere, by
    their top-level keys. Raises :class:`~crosswalk.model.errors.DataError` listing every
    root or file that cannot be read as a data file (see the module docstring).
    """
    found = DataFiles()
    problems: list[Problem] = []
    size_limit = limit("data_file_bytes")
    for root in roots:
        root = Path(root)
        if _is_directory(root):
            files = [p for p in sorted(root.rglob("*.y*ml")) if not _is_directory(p)]
        else:
            files = [root]  # named on purpose: checked whatever its name
        for path in files:
            problem = file_problem(path, size_limit)
            named = path is root and problem is not None  # a bad root is refused whatever its name
            if not named and (
                path.suffix not in {".yaml", ".yml"} or "schema" in path.parts[-2:-1]
            ):
                continue
            if problem is not None:
                problems.append(problem)
                continue
            if path.parent.name == "scoring":
                continue
            if path.parent.name == "catalogues":
                (found.parts if path.name.count(".") > 1 else found.catalogues).append(path)
            elif path.parent.name == "crosswalks":
                found.mapping_sets.append(path)
            else:
                found.other.append(path)
    if problems:
        raise DataError(problems, title=f"{len(problems)} data file(s) cannot be read")
    return found


def _is_directory(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except OSError:
        return False
