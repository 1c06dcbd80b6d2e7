"""Finding data files: catalogues, catalogue parts and mapping sets under given roots."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

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
    their top-level keys.
    """
    found = DataFiles()
    for root in roots:
        root = Path(root)
        files = [root] if root.is_file() else sorted(root.rglob("*.y*ml"))
        for path in files:
            if path.suffix not in {".yaml", ".yml"} or "schema" in path.parts[-2:-1]:
                continue
            if path.parent.name == "scoring":
                continue
            if path.parent.name == "catalogues":
                (found.parts if path.name.count(".") > 1 else found.catalogues).append(path)
            elif path.parent.name == "crosswalks":
                found.mapping_sets.append(path)
            else:
                found.other.append(path)
    return found
