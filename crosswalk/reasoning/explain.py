"""Facts and derivations as readable text: the lines every explanation is made of.

A fact names its two nodes, its relation set and where it comes from (the mapping's
file and position, or the kind of fact: hierarchy, union, adoption). A derivation is a
tree of facts joined by composition and intersection; :func:`derivation_lines` writes it
indented, one step per line, each asserted mapping with its justification.
"""

from __future__ import annotations

from collections.abc import Sequence

from crosswalk.model.records import Mapping
from crosswalk.reasoning.derivation import Derivation, Fact
from crosswalk.reasoning.facts import describe_fact
from crosswalk.reasoning.relations import RelationSet

__all__ = ["derivation_lines", "fact_text"]


def fact_text(fact: Fact, nodes: Sequence[str]) -> str:
    """One fact as ``left relations right [where]`` (:func:`~crosswalk.reasoning.facts.describe_fact`)."""
    where = fact.payload.where if isinstance(fact.payload, Mapping) else fact.kind
    return describe_fact(nodes[fact.left], fact.mask, nodes[fact.right], where)


def derivation_lines(
    derivation: Derivation, nodes: Sequence[str], depth: int = 0, limit: int = 40
) -> list[str]:
    """A derivation tree as indented lines (at most about ``limit`` of them)."""
    pad = "  " * depth
    left, right = nodes[derivation.left], nodes[derivation.right]
    head = f"{pad}{left} {RelationSet(derivation.mask)} {right}"
    if derivation.fact is not None:
        payload = derivation.fact.payload
        if not isinstance(payload, Mapping):
            return [f"{head}  — {derivation.rule}"]
        source = f"{payload.where}; strength {payload.strength}, {payload.rationale}"
        if payload.confidence is not None:
            source += f", confidence {payload.confidence}"
        return [f"{head}  — {derivation.rule}: {source}", f"{pad}    why: {payload.justification}"]
    if derivation.rule == "composition":
        via = nodes[derivation.via] if derivation.via is not None else "?"
        lines = [f"{head}  — composition through {via} (table in ontologies/composition.tsv)"]
    else:
        count = len(derivation.parts)
        lines = [f"{head}  — intersection of {count} derivations (path consistency)"]
    for part in derivation.parts:
        if len(lines) >= limit:
            lines.append(f"{pad}  …")
            break
        lines.extend(derivation_lines(part, nodes, depth + 1, limit))
    return lines
