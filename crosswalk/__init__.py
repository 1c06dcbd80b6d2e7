"""crosswalk — sound cross-framework AI-risk compliance.

>>> import crosswalk
>>> kb = crosswalk.load()
>>> kb.resolve("Art. 9(2)(a) AI Act").id
'euaiact:art9.2.a'

``import crosswalk`` imports nothing but this module: every public name below is looked
up on first use (PEP 562), so a script that only loads the knowledge base never pays for
the gap analysis, RDF, pandas, openpyxl or numba. :mod:`crosswalk.api`, which
:func:`load` comes from, attaches the Jupyter views and ``to_excel`` to the records and
reports when it is imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from crosswalk._version import __version__

if TYPE_CHECKING:
    from crosswalk.api import KnowledgeBase, load
    from crosswalk.knowledge.inferred import InferredRelation
    from crosswalk.model.errors import (
        CitationError,
        ContradictionError,
        CrosswalkError,
        DataError,
        EndpointError,
        ExportError,
        InventoryError,
        Problem,
        QueryError,
        UnknownClauseError,
        UnknownFrameworkError,
    )
    from crosswalk.reasoning.relations import Relation, RelationSet

__all__ = [
    "CitationError",
    "ContradictionError",
    "CrosswalkError",
    "DataError",
    "EndpointError",
    "ExportError",
    "InferredRelation",
    "InventoryError",
    "KnowledgeBase",
    "Problem",
    "QueryError",
    "Relation",
    "RelationSet",
    "UnknownClauseError",
    "UnknownFrameworkError",
    "__version__",
    "load",
]

_HOMES = {
    "KnowledgeBase": "crosswalk.api",
    "load": "crosswalk.api",
    "InferredRelation": "crosswalk.knowledge.inferred",
    "Relation": "crosswalk.reasoning.relations",
    "RelationSet": "crosswalk.reasoning.relations",
    **dict.fromkeys(
        (
            "CitationError",
            "ContradictionError",
            "CrosswalkError",
            "DataError",
            "EndpointError",
            "ExportError",
            "InventoryError",
            "Problem",
            "QueryError",
            "UnknownClauseError",
            "UnknownFrameworkError",
        ),
        "crosswalk.model.errors",
    ),
}
"""The module each public name lives in."""
_SUBPACKAGES = frozenset(
    ("api", "cli", "display", "excel", "gap", "interop", "io", "knowledge", "model", "rdf")
    + ("reasoning", "relations", "sparql", "views")
)
"""Reachable as attributes too (``crosswalk.gap.report``), imported on first use."""


def __getattr__(name: str) -> Any:
    """The public name ``name``, imported from its module on first use (PEP 562)."""
    if name in _SUBPACKAGES:
        return importlib.import_module(f"crosswalk.{name}")
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'crosswalk' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # looked up once: later uses are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
