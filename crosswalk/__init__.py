"""crosswalk — sound cross-framework AI-risk compliance.

>>> import crosswalk
>>> kb = crosswalk.load()
>>> kb.resolve("Art. 9(2)(a) AI Act").id
'euaiact:art9.2.a'

Heavy libraries (pandas, rdflib, openpyxl) are imported only by the modules that need
them, so ``import crosswalk`` stays fast.
"""

from __future__ import annotations

from crosswalk.knowledge.base import InferredRelation, KnowledgeBase, load
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

__version__ = "0.1.0"

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
