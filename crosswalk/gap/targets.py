"""Which clauses of a framework a gap analysis counts (its targets), and their sections."""

from __future__ import annotations

from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.records import Clause

__all__ = ["EXCLUDED_KINDS", "is_target", "section_of"]

EXCLUDED_KINDS = frozenset(
    {"risk_source", "risk_category", "capability_level", "definition", "front_matter"}
)
"""Kinds that are never targets: risks, levels, definitions, front matter."""


def is_target(kb: KnowledgeBase, clause: Clause) -> bool:
    """Requirements count; risks, levels, definitions and headings that only group them do not."""
    if clause.kind in EXCLUDED_KINDS:
        return False
    below = list(kb.children.get(clause.id, ()))
    if not below:
        return True
    while below:  # stop at the first descendant that is a requirement
        current = below.pop()
        if kb.clauses[current].kind not in EXCLUDED_KINDS:
            return True
        below.extend(kb.children.get(current, ()))
    return False


def section_of(kb: KnowledgeBase, clause: Clause) -> str:
    """The top-level section (or capability domain) a clause belongs to."""
    ancestors = kb.ancestors(clause.id)
    return ancestors[-1] if ancestors else clause.id
