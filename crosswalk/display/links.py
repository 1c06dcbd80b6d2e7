"""The links of a clause as a reader sees them.

Asserted mappings turned to face the other clause, its parent and parts, and the proven overlaps
inference adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.model.errors import ContradictionError
from crosswalk.model.records import Mapping
from crosswalk.reasoning.relations import OVERLAPPING, RelationSet

__all__ = ["CONVERSE_NAMES", "Link", "links_of", "mappings_by_clause"]

CONVERSE_NAMES = {
    "equal": "equal",
    "subset_of": "superset_of",
    "superset_of": "subset_of",
    "intersects_with": "intersects_with",
    "no_relationship": "no_relationship",
    "addresses": "addressed_by",
}
"""Each relation name read from the object's side."""
_STATUS_ORDER = {"covered": 0, "partial": 1, "undetermined": 2, "none": 3}


@dataclass(frozen=True)
class Link:
    """One edge between two clauses, read from ``source`` to ``target``.

    ``kind`` is ``mapping`` (asserted; ``mapping`` holds it), ``hierarchy`` (``part_of`` /
    ``has_part``) or ``inferred`` (a proven overlap the closure entails; ``relation`` is the
    relation set and ``status`` its coverage status).
    """

    source: str
    target: str
    relation: str
    kind: Literal["mapping", "hierarchy", "inferred"]
    mapping: Mapping | None = None
    union: bool = False
    status: str | None = None

    @property
    def strength(self) -> int | None:
        """Strength of the asserted mapping (None for other kinds)."""
        return self.mapping.strength if self.mapping is not None else None


def mappings_by_clause(kb: KnowledgeBase) -> dict[str, list[Mapping]]:
    """Every mapping of each clause it names (as subject, union member or object)."""
    index: dict[str, list[Mapping]] = {}
    for mapping in kb.mappings:
        for clause_id in dict.fromkeys((*mapping.subjects, mapping.object)):
            index.setdefault(clause_id, []).append(mapping)
    return index


def inferred_links(
    kb: KnowledgeBase, clause_id: str, exclude: set[str], limit: int | None
) -> list[Link]:
    """Proven overlaps with clauses of other frameworks that no mapping asserts directly."""
    try:
        closure = kb.closure
    except ContradictionError:
        return []
    nodes = kb.network.nodes
    source = kb.network.index[clause_id]
    framework = clause_id.split(":", 1)[0]
    found = []
    for node, mask in closure.neighbours(source).items():
        other = nodes[node]
        clause = kb.clauses.get(other)
        if (
            clause is None
            or clause.framework == framework
            or other in exclude
            or mask & ~OVERLAPPING
        ):
            continue
        relations = RelationSet(mask)
        found.append(
            (
                _STATUS_ORDER.get(relations.status, 9),
                -clause.depth,
                clause.framework,
                clause.order,
                other,
                relations,
            )
        )
    found.sort(key=lambda item: item[:4])
    if limit is not None:
        found = found[:limit]
    return [
        Link(clause_id, other, str(relations), "inferred", status=relations.status)
        for *_, other, relations in found
    ]


def links_of(
    kb: KnowledgeBase,
    clause_id: str,
    *,
    hierarchy: bool = True,
    inferred: bool = False,
    limit: int | None = None,
) -> list[Link]:
    """Every link of one clause, read from it.

    Asserted mappings (relation turned to face the other clause), optionally its parent and parts,
    and proven overlaps the inference adds with other frameworks (at most ``limit`` of those).

    >>> import crosswalk
    >>> [l.relation for l in links_of(crosswalk.load(), "gbt24353:6.4.2") if l.kind == "mapping"]
    ['equal']
    """
    clause = kb.clause(clause_id)
    links: list[Link] = []
    for mapping in mappings_by_clause(kb).get(clause.id, []):
        if clause.id in mapping.subjects:
            links.append(
                Link(
                    clause.id,
                    mapping.object,
                    mapping.relation,
                    "mapping",
                    mapping,
                    mapping.is_union,
                )
            )
        else:
            for subject in mapping.subjects:
                links.append(
                    Link(
                        clause.id,
                        subject,
                        CONVERSE_NAMES[mapping.relation],
                        "mapping",
                        mapping,
                        mapping.is_union,
                    )
                )
    if hierarchy:
        if clause.parent:
            links.append(Link(clause.id, clause.parent, "part_of", "hierarchy"))
        links.extend(
            Link(clause.id, child, "has_part", "hierarchy")
            for child in kb.children.get(clause.id, [])
        )
    if inferred:
        links.extend(inferred_links(kb, clause.id, {link.target for link in links}, limit))
    return links
