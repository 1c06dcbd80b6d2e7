"""Statistics about our own data.

Which clauses each framework pair links, which not, and which mappings inference already entails (so
the gaps in the data stay visible).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from crosswalk.reasoning.algebra import COMPOSE, CONVERSE
from crosswalk.reasoning.closure import Closure
from crosswalk.reasoning.relations import ALL

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase
    from crosswalk.model.records import Clause, Mapping
    from crosswalk.reasoning.derivation import Fact

__all__ = ["pair_statistics", "redundant_mappings", "stats_markdown", "unlinked_clauses"]


def pair_statistics(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Per ordered framework pair with mappings: counts of mappings and linked clauses."""
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for mapping in kb.mappings:
        subject_prefix = mapping.subjects[0].split(":", 1)[0]
        object_prefix = mapping.object.split(":", 1)[0]
        entry = pairs.setdefault(
            (subject_prefix, object_prefix),
            {
                "subject": subject_prefix,
                "object": object_prefix,
                "mappings": 0,
                "relations": {},
                "subjects": set(),
                "objects": set(),
            },
        )
        entry["mappings"] += 1
        entry["relations"][mapping.relation] = entry["relations"].get(mapping.relation, 0) + 1
        entry["subjects"].update(mapping.subjects)
        entry["objects"].add(mapping.object)
    rows = []
    for (subject, obj), entry in sorted(pairs.items()):
        rows.append(
            {
                "subject": subject,
                "object": obj,
                "mappings": entry["mappings"],
                "relations": dict(sorted(entry["relations"].items())),
                "subject_linked": len(entry["subjects"]),
                "subject_total": len(kb.clauses_of(subject)),
                "object_linked": len(entry["objects"]),
                "object_total": len(kb.clauses_of(obj)),
            }
        )
    return rows


def stats_markdown(kb: KnowledgeBase) -> str:
    """The per-pair statistics as a markdown table (the README shows this table)."""
    lines = [
        "| subject | object | mappings | relations | subject clauses linked | object clauses linked |",
        "|---|---|---|---|---|---|",
    ]
    for row in pair_statistics(kb):
        relations = ", ".join(f"{name} {count}" for name, count in row["relations"].items())
        lines.append(
            f"| {row['subject']} | {row['object']} | {row['mappings']} | {relations} | "
            f"{row['subject_linked']}/{row['subject_total']} | {row['object_linked']}/{row['object_total']} |"
        )
    return "\n".join(lines)


def unlinked_clauses(kb: KnowledgeBase, prefix: str) -> list[Clause]:
    """Clauses of a framework that no mapping names (hierarchy aside)."""
    linked: set[str] = set()
    for mapping in kb.mappings:
        if mapping.mapping_set.endswith("-adoption"):
            continue
        linked.update(mapping.subjects)
        linked.add(mapping.object)
    return [c for c in kb.clauses_of(prefix) if c.id not in linked]


def redundant_mappings(
    kb: KnowledgeBase, *, only_paths: Iterable[str] | None = None
) -> list[tuple[Mapping, str]]:
    """Asserted mappings that the rest of the knowledge already entails.

    For a mapping A r B, look at every third clause K related to both: if the recorded
    derivations of A–K and K–B do not use the mapping itself, their composition is
    derivable without it; when that composition is already as tight as r, the mapping
    says nothing new. (Sound: never reports a mapping that is needed; it may miss a
    redundancy that only a longer chain shows.)

    Requirement parts of A or B are not witnesses: part-level rows refine a clause-level
    row, they do not replace it (the parts are our own, replaceable decomposition).

    The third clauses are the common neighbours of A and B in the closure's rows, composed
    all at once; only a mapping that every witness together could make redundant has its
    witnesses' derivations read (most cannot: at 40,000 synthetic mappings this check
    went from 25 s to a fraction of it, with the same result).
    """
    closure = kb.unchecked_closure
    if closure.contradictions:
        return []
    network = kb.network
    index = network.index
    wanted = {str(p) for p in only_paths} if only_paths else None
    fact_of = {id(f.payload): f for f in network.facts if f.payload is not None}
    found: list[tuple[Mapping, str]] = []
    dropped: set[int] = set()  # facts already reported: a pair must not justify each other
    for mapping in kb.mappings:
        if (
            mapping.relation == "addresses"
            or mapping.is_union
            or mapping.mapping_set.endswith("-adoption")
        ):
            continue
        if wanted is not None and not any(
            mapping.path and (mapping.path == w or mapping.path.endswith(w.lstrip("./")))
            for w in wanted
        ):
            continue
        fact = fact_of[id(mapping)]
        left, right = index[mapping.subjects[0]], index[mapping.object]
        thirds, composed = _compositions(closure, left, right)
        if thirds.size == 0 or int(np.bitwise_and.reduce(composed)) & ~fact.mask:
            continue  # not even every witness together is as tight as the mapping
        known = composed != ALL
        thirds, composed = thirds[known], composed[known]
        why = _witnessed(kb, closure, mapping, fact, thirds.tolist(), composed.tolist(), dropped)
        if why is not None:
            dropped.add(id(fact))
            found.append((mapping, why))
    return found


def _compositions(
    closure: Closure, left: int, right: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8]]:
    """The third nodes K related to both ends (in row order) and A–K composed with K–B."""
    left_nodes, left_masks = closure.row(left)
    right_nodes, right_masks = closure.row(right)
    thirds, at_left, at_right = np.intersect1d(
        left_nodes, right_nodes, assume_unique=True, return_indices=True
    )
    toward_right = CONVERSE[right_masks[at_right]]  # K -> B, from B's row
    composed = COMPOSE[left_masks[at_left].astype(np.intp) * 32 + toward_right]
    return thirds.astype(np.int32), composed


def _witnessed(
    kb: KnowledgeBase,
    closure: Closure,
    mapping: Mapping,
    fact: Fact,
    thirds: list[int],
    composed: list[int],
    dropped: set[int],
) -> str | None:
    """Why the mapping follows from the others, or None: witnesses read in row order."""
    network = kb.network
    left, right = network.index[mapping.subjects[0]], network.index[mapping.object]
    ends = {mapping.subjects[0], mapping.object}
    through = ALL
    witnesses = []
    for k, mask in zip(thirds, composed, strict=True):
        if through & mask == through or _part_of(kb, network.nodes[k], ends):
            continue
        first, second = closure.derivation(left, k), closure.derivation(k, right)
        if first is None or second is None:
            continue
        used = [*first.facts(), *second.facts()]
        if any(f is fact or id(f) in dropped for f in used):
            continue
        through &= mask
        witnesses.append(network.nodes[k])
        if through & ~fact.mask == 0:
            return (
                f"{mapping.subject} {mapping.relation} {mapping.object} already follows from the other "
                f"mappings and the hierarchy (through {', '.join(witnesses)})"
            )
    return None


def _part_of(kb: KnowledgeBase, clause_id: str, ends: set[str]) -> bool:
    """Whether ``clause_id`` is a requirement part of one of ``ends``."""
    clause = kb.clauses.get(clause_id)
    return clause is not None and clause.kind == "part" and clause.parent in ends
