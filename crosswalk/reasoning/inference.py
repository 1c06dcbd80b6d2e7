"""Sound inference over mappings: path consistency on RCC-5 relation sets.

Every clause (and every union of clauses that a mapping names) is a node. Facts —
asserted mappings, clause hierarchy (a child lies inside its parent), adoption
equalities and union membership — constrain the relation set of a pair. Path
consistency then intersects, for every pair, what every path entails, until nothing
changes. Pairs whose set stays universal are not stored, so the network stays sparse.
No fact ever yields ``no_relationship`` unless a mapping asserts it.

Each tightening is recorded as a *support* (a fact, or a composition through a third
node), so that every result can explain itself as a derivation tree whose leaves are
the facts it rests on.

>>> net = Network(["a", "b", "c"])
>>> net.add(Fact.asserted(0, 1, SUB, label="a ⊂ b"))
>>> net.add(Fact.asserted(1, 2, SUB, label="b ⊂ c"))
>>> closure = net.close()
>>> str(RelationSet(closure.mask(0, 2)))
'subset_of'
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from crosswalk.reasoning.relations import (
    _COMPOSE,
    _CONVERSE_MASK,
    ALL,
    Relation,
    RelationSet,
)

__all__ = [
    "DIS",
    "EQ",
    "INT",
    "RATIONALE_STRICTNESS",
    "SUB",
    "SUP",
    "Closure",
    "Derivation",
    "Fact",
    "Network",
    "minimal_conflict",
]

EQ = Relation.EQUAL.bit
SUB = Relation.SUBSET_OF.bit
SUP = Relation.SUPERSET_OF.bit
INT = Relation.INTERSECTS_WITH.bit
DIS = Relation.NO_RELATIONSHIP.bit

RATIONALE_STRICTNESS = ("syntactic", "semantic", "functional")
"""NIST IR 8477 §3.2.5, strictest first; a chain is as strict as its least strict step."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One piece of knowledge about a pair of nodes.

    ``kind`` is ``mapping`` (asserted by a mapping set), ``hierarchy`` (child inside
    parent), ``adoption`` (an adopting standard equals the adopted one) or ``union``
    (a member lies inside a union node).
    """

    left: int
    right: int
    mask: int
    kind: str = "mapping"
    label: str = ""
    strength: int = 10
    confidence: float = 1.0
    rationale: str = "syntactic"
    payload: Any = None

    @classmethod
    def asserted(cls, left: int, right: int, mask: int, *, label: str = "", **more: Any) -> Fact:
        """A fact asserted by a mapping."""
        return cls(left, right, mask, "mapping", label, **more)


@dataclass
class Derivation:
    """Why a pair has its relation set: a fact, or a composition/intersection of others."""

    left: int
    right: int
    mask: int
    rule: str
    fact: Fact | None = None
    via: int | None = None
    parts: tuple[Derivation, ...] = ()

    def facts(self) -> Iterator[Fact]:
        """The facts this derivation rests on, in path order (may repeat)."""
        if self.fact is not None:
            yield self.fact
        for part in self.parts:
            yield from part.facts()

    def distinct_facts(self) -> list[Fact]:
        """The facts this derivation rests on, each once, in path order."""
        seen: dict[int, Fact] = {}
        for fact in self.facts():
            seen.setdefault(id(fact), fact)
        return list(seen.values())

    @property
    def strength(self) -> int:
        """Weakest link: the lowest strength of any fact used."""
        return min((f.strength for f in self.facts()), default=10)

    @property
    def confidence(self) -> float:
        """Product of the confidences of the distinct facts used (all must hold)."""
        result = 1.0
        for fact in self.distinct_facts():
            result *= fact.confidence
        return result

    @property
    def rationale(self) -> str:
        """Least strict rationale of any fact used (NIST IR 8477 order)."""
        worst = max((RATIONALE_STRICTNESS.index(f.rationale) for f in self.facts()), default=0)
        return RATIONALE_STRICTNESS[worst]

    @property
    def relations(self) -> RelationSet:
        """The relation set this derivation established."""
        return RelationSet(self.mask)


@dataclass
class Closure:
    """The path-consistent network: relation masks with their supports."""

    size: int
    relations: list[dict[int, int]]
    supports: dict[tuple[int, int], list[tuple[int, int, Any]]]
    facts: list[Fact]
    contradictions: list[tuple[int, int]] = field(default_factory=list)

    def mask(self, left: int, right: int) -> int:
        """The relation mask left -> right (ALL when nothing is known)."""
        if left == right:
            return EQ
        return self.relations[left].get(right, ALL)

    def neighbours(self, node: int) -> dict[int, int]:
        """Nodes with a known (non-universal) relation to ``node``, with the masks."""
        return self.relations[node]

    def edge_count(self) -> int:
        """Number of unordered pairs with a known relation."""
        return sum(len(r) for r in self.relations) // 2

    def derivation(self, left: int, right: int) -> Derivation | None:
        """The derivation of the current relation of a pair (None if nothing is known)."""
        if left == right or right not in self.relations[left]:
            return None
        memo: dict[tuple[int, int, int], Derivation] = {}
        return self._derive(left, right, 1 << 62, memo)

    def _derive(
        self, left: int, right: int, before: int, memo: dict[tuple[int, int, int], Derivation]
    ) -> Derivation:
        low, high = (left, right) if left < right else (right, left)
        entries = [s for s in self.supports.get((low, high), ()) if s[0] < before]
        key = (left, right, len(entries))
        if key in memo:
            return memo[key]
        parts = []
        for seq, low_mask, (kind, payload) in entries:
            mask = low_mask if left == low else _CONVERSE_MASK[low_mask]
            if kind == "fact":
                fact = self.facts[payload]
                same_side = fact.left == left
                rule = fact.kind if same_side else f"{fact.kind} (converse)"
                parts.append(Derivation(left, right, mask, rule, fact=fact))
            else:
                via = payload
                first = self._derive(left, via, seq, memo)
                second = self._derive(via, right, seq, memo)
                parts.append(
                    Derivation(left, right, mask, "composition", via=via, parts=(first, second))
                )
        if len(parts) == 1:
            result = parts[0]
        else:
            total = ALL
            for part in parts:
                total &= part.mask
            result = Derivation(left, right, total, "intersection", parts=tuple(parts))
        memo[key] = result
        return result


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

    def close(self, facts: Sequence[Fact] | None = None) -> Closure:  # noqa: C901 - the path-consistency loop is the hot path of inference; kept in one frame on purpose
        """Path consistency (PC-2 over a sparse network) with supports recorded."""
        facts = list(self.facts if facts is None else facts)
        size = len(self.nodes)
        relations: list[dict[int, int]] = [{} for _ in range(size)]
        supports: dict[tuple[int, int], list[tuple[int, int, Any]]] = {}
        contradictions: list[tuple[int, int]] = []
        queue: deque[tuple[int, int]] = deque()
        compose = _COMPOSE
        converse = _CONVERSE_MASK
        seq = 0

        def tighten(i: int, j: int, mask: int, support: tuple[str, Any]) -> None:
            nonlocal seq
            current = relations[i].get(j, ALL)
            new = current & mask
            if new == current:
                return
            relations[i][j] = new
            relations[j][i] = converse[new]
            seq += 1
            if i < j:
                supports.setdefault((i, j), []).append((seq, mask, support))
            else:
                supports.setdefault((j, i), []).append((seq, converse[mask], support))
            if new == 0:
                contradictions.append((min(i, j), max(i, j)))
                return
            queue.append((i, j))

        for number, fact in enumerate(facts):
            if fact.left == fact.right:
                if not fact.mask & EQ:
                    seq += 1
                    contradictions.append((fact.left, fact.left))
                continue
            tighten(fact.left, fact.right, fact.mask, ("fact", number))

        while queue:
            i, j = queue.popleft()
            row_i, row_j = relations[i], relations[j]
            rij = row_i.get(j, ALL)
            if rij == 0 or rij == ALL:
                continue
            row = rij * 32
            # tighten(i, k) changes only rows i and k (k != j), so row j can be read as it
            # changes; likewise row i in the second loop
            for k, rjk in row_j.items():
                if k == i or rjk == 0:
                    continue
                mask = compose[row + rjk]
                if mask != ALL:
                    current = row_i.get(k, ALL)
                    if current & mask != current:
                        tighten(i, k, mask, ("via", j))
            column = rij
            for k, rik in row_i.items():
                if k == j or rik == 0:
                    continue
                mask = compose[converse[rik] * 32 + column]
                if mask != ALL:
                    current = row_j.get(k, ALL)
                    if converse[current] & mask != converse[current]:
                        tighten(k, j, mask, ("via", i))
        return Closure(size, relations, supports, facts, contradictions)


def minimal_conflict(network: Network, facts: Sequence[Fact]) -> list[Fact]:
    """Shrink a set of facts that yields a contradiction to a minimal one (deletion-based).

    Removing any fact of the result makes the contradiction disappear.
    """
    current = list(facts)
    index = 0
    while index < len(current):
        trial = current[:index] + current[index + 1 :]
        if trial and network.close(trial).contradictions:
            current = trial
        else:
            index += 1
    return current
