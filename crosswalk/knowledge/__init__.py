"""The knowledge base: frameworks, clauses and mappings in one graph, with inference."""

from __future__ import annotations

from crosswalk.knowledge.base import (
    Addressing,
    InferredRelation,
    KnowledgeBase,
    load,
    union_node,
)

__all__ = [
    "Addressing",
    "InferredRelation",
    "KnowledgeBase",
    "load",
    "union_node",
]
