"""crosswalk — sound cross-framework AI-risk compliance.

>>> import crosswalk
>>> kb = crosswalk.load()
>>> kb.resolve("Art. 9(2)(a) AI Act").id
'euaiact:art9.2.a'

Heavy libraries (pandas, rdflib, openpyxl) are imported only by the modules that need
them, so ``import crosswalk`` stays fast.
"""

from __future__ import annotations

import crosswalk.display
import crosswalk.excel  # noqa: F401 - attaches to_excel to the reports
from crosswalk._version import __version__
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
