"""The knowledge base: frameworks, clauses and mappings in one graph, with inference."""

from __future__ import annotations

from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.knowledge.inferred import Addressing, InferredRelation
from crosswalk.knowledge.load import load

__all__ = ["Addressing", "InferredRelation", "KnowledgeBase", "load"]
