"""Locating the bundled data (``mappings/``, ``ontologies/``) at run time.

A wheel ships the data inside the package as ``crosswalk/_data/``; a source checkout
(or an editable install) keeps it at the repository root beside ``crosswalk/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["data_root", "mappings_dir", "ontologies_dir"]


@cache
def data_root() -> Path:
    """Return the directory that holds ``mappings/`` and ``ontologies/``."""
    # The package's own directory, as importlib.resources.files("crosswalk") gives it for a
    # package on disk (the data must be real files anyway), without importing
    # importlib.resources and, through it, tempfile and shutil on every start.
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_data"
    if (packaged / "mappings").is_dir():
        return packaged
    checkout = package.parent
    if (checkout / "mappings").is_dir():
        return checkout
    raise FileNotFoundError(
        "crosswalk's bundled data was not found: expected crosswalk/_data/mappings in an "
        f"installed wheel or mappings/ beside the package in a checkout ({checkout})"
    )


def mappings_dir() -> Path:
    """Return the bundled ``mappings/`` directory."""
    return data_root() / "mappings"


def ontologies_dir() -> Path:
    """Return the bundled ``ontologies/`` directory."""
    return data_root() / "ontologies"
