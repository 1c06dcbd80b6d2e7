"""The reasoning engine: the path-consistent closure of RCC-5 facts, explained (issue 16).

Every clause, and every union of clauses a mapping names, is a node. Facts — asserted
mappings, clause hierarchy (a child lies inside its parent), adoption equalities and
union membership — constrain the relation set of a pair. :func:`close` computes the
*path-consistent (PC) closure* (DESIGN.md §4): for every pair, what intersecting the
compositions along every path entails, to a fixed point; a derivation for each, whose
leaves are the facts it rests on; and every contradiction, which
:meth:`Closure.conflict` traces back to a minimal set of facts.

How, in short (``docs/engine.md`` has the proofs and the literature). The facts of a
knowledge base carry seven relation sets; closed under composition and intersection
they generate a 14-set algebra in which composition distributes over non-empty
intersections (:func:`algebra` checks this from the composition table). On such an
algebra the PC closure of a pair is the intersection, over every walk of facts between
its nodes, of the walk's composition — so one breadth-first search per node over
(node, composed relation set) states, compiled with numba, computes every row of the
closure exactly; each state remembers the fact that first reached it, which is the
derivation. Networks with a relation set outside the algebra (never built from a
knowledge base) are closed by the classic PC-2 queue instead (:mod:`._queue`), with the
same results where both apply.

Pairs whose set stays universal are not stored, so the closure stays sparse. No fact
ever yields ``no_relationship`` unless a mapping asserts it.

This module is the entry point: :class:`Network` (the nodes and facts a knowledge base
builds) and every public name of the engine. The parts live apart, each importable on its
own: the algebra's tables (:mod:`~crosswalk.reasoning.algebra`), the closure and its
contradictions (:mod:`~crosswalk.reasoning.closure`), a closure stored as raw arrays
(:mod:`~crosswalk.reasoning.storage`), the records of facts and derivations
(:mod:`~crosswalk.reasoning.derivation`) and the walk search (:mod:`._walks`).

>>> net = Network(["a", "b", "c"])
>>> net.add(Fact.asserted(0, 1, SUB, label="a ⊂ b"))
>>> net.add(Fact.asserted(1, 2, SUB, label="b ⊂ c"))
>>> closure = net.close()
>>> from crosswalk.reasoning.relations import RelationSet
>>> str(RelationSet(closure.mask(0, 2)))
'subset_of'
>>> [fact.label for fact in closure.derivation(0, 2).facts()]
['a ⊂ b', 'b ⊂ c']
"""

from __future__ import annotations

from collections.abc import Sequence

from crosswalk.reasoning.algebra import COMPOSE, CONVERSE, FACT_MASKS, Algebra, algebra
from crosswalk.reasoning.closure import Closure, close, minimal_conflict
from crosswalk.reasoning.derivation import (
    DIS,
    EQ,
    INT,
    RATIONALE_STRICTNESS,
    SUB,
    SUP,
    Derivation,
    Fact,
)
from crosswalk.reasoning.storage import closure_arrays, closure_from_arrays

__all__ = [
    "COMPOSE",
    "CONVERSE",
    "DIS",
    "EQ",
    "FACT_MASKS",
    "INT",
    "RATIONALE_STRICTNESS",
    "SUB",
    "SUP",
    "Algebra",
    "Closure",
    "Derivation",
    "Fact",
    "Network",
    "algebra",
    "close",
    "closure_arrays",
    "closure_from_arrays",
    "minimal_conflict",
]


class Network:
    """Nodes and facts; :meth:`close` computes the path-consistent closure."""

    def __init__(self, nodes: Sequence[str]) -> None:
        self.nodes: list[str] = list(nodes)
        self.index: dict[str, int] = {node: i for i, node in enumerate(self.nodes)}
        self.facts: list[Fact] = []
        self.unions: dict[int, tuple[int, ...]] = {}

    def add_union(self, name: str, members: Sequence[int]) -> int:
        """Add (idempotently) a node standing for the union of ``members`` and return it."""
        node = self.add_node(name)
        self.unions.setdefault(node, tuple(members))
        return node

    def add_node(self, node: str) -> int:
        """Add a node (idempotent) and return its index."""
        if node not in self.index:
            self.index[node] = len(self.nodes)
            self.nodes.append(node)
        return self.index[node]

    def add(self, fact: Fact) -> None:
        """Add a fact."""
        self.facts.append(fact)

    def close(self, facts: Sequence[Fact] | None = None) -> Closure:
        """The path-consistent closure of the network's facts (or of ``facts``)."""
        return close(len(self.nodes), self.facts if facts is None else facts)
