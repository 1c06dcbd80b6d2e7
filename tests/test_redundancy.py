"""Redundant mappings (``crosswalk validate``).

The vectorised search finds what the pair-by-pair definition finds, on synthetic data with
hundreds of redundant rows.
"""

from __future__ import annotations

from benchmarks.synthetic import generate
from crosswalk.knowledge.base import KnowledgeBase
from crosswalk.knowledge.stats import redundant_mappings
from crosswalk.model.records import Mapping
from crosswalk.reasoning.relations import ALL, compose_masks


def _reference(kb: KnowledgeBase) -> list[tuple[Mapping, str]]:
    """The definition read literally: every third clause, one pair lookup at a time."""
    closure, network = kb.unchecked_closure, kb.network
    fact_of = {id(f.payload): f for f in network.facts if f.payload is not None}
    found: list[tuple[Mapping, str]] = []
    dropped: set[int] = set()
    for mapping in kb.mappings:
        if (
            mapping.relation == "addresses"
            or mapping.is_union
            or mapping.mapping_set.endswith("-adoption")
        ):
            continue
        fact = fact_of[id(mapping)]
        left, right = network.index[mapping.subjects[0]], network.index[mapping.object]
        ends = {mapping.subjects[0], mapping.object}
        through, witnesses = ALL, []
        for k, to_k in closure.neighbours(left).items():
            from_k = closure.mask(k, right)
            clause = kb.clauses.get(network.nodes[k])
            if (
                from_k == ALL
                or k == right
                or (clause and clause.kind == "part" and clause.parent in ends)
            ):
                continue
            composed = compose_masks(to_k, from_k)
            if through & composed == through:
                continue
            first, second = closure.derivation(left, k), closure.derivation(k, right)
            if first is None or second is None:
                continue
            if any(f is fact or id(f) in dropped for f in [*first.facts(), *second.facts()]):
                continue
            through &= composed
            witnesses.append(network.nodes[k])
            if through & ~fact.mask == 0:
                dropped.add(id(fact))
                found.append((mapping, ", ".join(witnesses)))
                break
    return found


def test_redundant_mappings_equal_the_pair_by_pair_definition() -> None:
    kb = generate("S", seed=3).knowledge_base()
    expected = _reference(kb)
    assert len(expected) > 100  # the data has something to find
    found = redundant_mappings(kb)
    assert [id(m) for m, _ in found] == [id(m) for m, _ in expected]
    for (_, why), (_, witnesses) in zip(found, expected, strict=True):
        assert why.endswith(f"(through {witnesses})")
