"""Facts and derivations: what the reasoning engine reasons from, and how it explains.

A :class:`Fact` constrains the relation set of a pair of nodes; a :class:`Derivation`
says why a pair has its relation set — a fact, a composition through a third node, or
the intersection of several derivations — and its leaves are always facts.
:class:`~crosswalk.reasoning.facts.FactTable` builds the facts of a knowledge base;
:mod:`crosswalk.reasoning.closure` closes them and writes the derivations. This module
imports no numpy, so a derivation can be read and shown without the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from crosswalk.reasoning.relations import Relation, RelationSet

__all__ = [
    "DIS",
    "EQ",
    "INT",
    "RATIONALE_STRICTNESS",
    "SUB",
    "SUP",
    "DeferredDerivation",
    "Derivation",
    "Fact",
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
    parent), ``adoption`` (an adopting standard equals the adopted one), ``exhaustive``
    (a clause equals the union of its children) or ``union`` (a member lies inside a
    union node).
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
    """Why a pair has its relation set: a fact, or a composition/intersection of others.

    A ``composition`` through ``via`` has two parts, left→via and via→right; an
    ``intersection`` has one part per derivation it intersects. The leaves are facts.
    """

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


class DeferredDerivation(Derivation):
    """A derivation whose tree is expanded on first use.

    Its pair and mask are known at once; ``rule``, ``fact``, ``via`` and ``parts`` (and
    everything read from them) come from ``expand()``, called once. A gap report holds
    one per piece of evidence, and most are never shown.
    """

    def __init__(
        self,
        left: int,
        right: int,
        mask: int,
        expand: Callable[[], Derivation],
        weakest: Callable[[], int] | None = None,
    ) -> None:
        # no call to Derivation.__init__: the tree's fields are the properties below
        self.left, self.right, self.mask = left, right, mask
        self._expand: Callable[[], Derivation] | None = expand
        self._weakest = weakest
        self._tree: Derivation | None = None

    @property
    def strength(self) -> int:
        """Weakest link, from ``weakest()`` when given and the tree is not expanded yet.

        Ranking evidence reads the strength of every derivation; this keeps it from
        expanding them all.
        """
        if self._tree is None and self._weakest is not None:
            return self._weakest()
        return super().strength

    def __eq__(self, other: object) -> bool:
        # equal to the derivation it expands to (a dataclass compares only its own class)
        if not isinstance(other, Derivation):
            return NotImplemented
        fields = ("left", "right", "mask", "rule", "fact", "via", "parts")
        return all(getattr(self, name) == getattr(other, name) for name in fields)

    __hash__ = None  # type: ignore[assignment]  # mutable, like Derivation

    def _expanded(self) -> Derivation:
        if self._tree is None:
            assert self._expand is not None
            self._tree, self._expand = self._expand(), None
        return self._tree

    @property
    def rule(self) -> str:  # type: ignore[override]  # read from the expanded tree
        """The rule of the expanded tree."""
        return self._expanded().rule

    @property
    def fact(self) -> Fact | None:  # type: ignore[override]  # read from the expanded tree
        """The fact of the expanded tree."""
        return self._expanded().fact

    @property
    def via(self) -> int | None:  # type: ignore[override]  # read from the expanded tree
        """The node the expanded tree composes through."""
        return self._expanded().via

    @property
    def parts(self) -> tuple[Derivation, ...]:  # type: ignore[override]  # read from the expanded tree
        """The parts of the expanded tree."""
        return self._expanded().parts
