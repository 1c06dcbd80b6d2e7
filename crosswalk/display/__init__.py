"""Text and HTML renderings for terminals and Jupyter, attached to the objects they show.

Importing this package (``crosswalk.api`` does) gives the records, the knowledge base
and the reports their ``_repr_html_``: presentation is attached from this layer, so
nothing below it imports a display. The gap report's is registered by name
(:mod:`crosswalk.model.presentation`), so that this package does not import the gap
layer. :mod:`crosswalk.display.views` adds clause cards, neighbourhood graphs and charts.
"""

from __future__ import annotations

from crosswalk.display.cards import (
    clause_card_html,
    clause_html,
    clause_text,
    framework_card_html,
    framework_html,
    knowledge_html,
    mapping_html,
    mapping_set_html,
)
from crosswalk.display.html import (
    CHART_COLOURS,
    FRAMEWORK_PALETTE,
    RELATION_COLOURS,
    STATUS_COLOURS,
    derivation_html,
    framework_colour,
    relation_html,
    safe_url,
    table_html,
)
from crosswalk.display.reports import gap_html, related_html
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.knowledge.inferred import InferredRelation, RelatedClauses
from crosswalk.model.presentation import attach
from crosswalk.model.records import Clause, Framework, Mapping, MappingSet

__all__ = [
    "CHART_COLOURS",
    "FRAMEWORK_PALETTE",
    "RELATION_COLOURS",
    "STATUS_COLOURS",
    "clause_card_html",
    "clause_html",
    "clause_text",
    "derivation_html",
    "framework_card_html",
    "framework_colour",
    "framework_html",
    "gap_html",
    "knowledge_html",
    "mapping_html",
    "mapping_set_html",
    "related_html",
    "relation_html",
    "safe_url",
    "table_html",
]

_RENDERINGS = (
    (Framework, framework_card_html),
    (Clause, clause_card_html),
    (Mapping, mapping_html),
    (MappingSet, mapping_set_html),
    (InferredRelation, relation_html),
    (KnowledgeBase, knowledge_html),
    (RelatedClauses, related_html),
)
for _cls, _render in _RENDERINGS:
    setattr(_cls, "_repr_html_", _render)  # noqa: B010 - mypy must not see a method assignment
attach("crosswalk.gap.report.GapReport", "_repr_html_", gap_html)
