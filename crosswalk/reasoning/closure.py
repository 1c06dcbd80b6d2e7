"""The path-consistent closure: computing it, reading it, and tracing its contradictions.

:func:`close` numbers a network's facts into a compressed-row graph and runs the walk
search of :mod:`._walks` (or, for relation sets outside :func:`~.algebra.algebra`, the
PC-2 queue of :mod:`._queue`); :class:`Closure` holds the result as compressed rows and
answers every question about a pair — its mask, its derivation, its strength, and for a
contradiction a minimal set of facts behind it (:func:`minimal_conflict`, which closes
subsets of facts again, which is why it lives beside :func:`close`). The facade that
builds networks is :mod:`crosswalk.reasoning.engine`; storing a closure as raw arrays is
:mod:`crosswalk.reasoning.storage`.

>>> from crosswalk.reasoning.derivation import DIS, SUB
>>> closure = close(3, [Fact(0, 1, SUB), Fact(1, 2, SUB), Fact(0, 2, DIS)])
>>> closure.contradictions  # every pair of the three is left empty
[(0, 1), (0, 2), (1, 2)]
>>> sorted((f.left, f.right) for f in closure.conflict(0, 2))  # no fact is spare
[(0, 1), (0, 2), (1, 2)]
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np
import numpy.typing as npt

from crosswalk.reasoning._queue import queue_closure
from crosswalk.reasoning._walks import Tables, walk_search
from crosswalk.reasoning.algebra import algebra
from crosswalk.reasoning.derivation import EQ, DeferredDerivation, Derivation, Fact
from crosswalk.reasoning.relations import _CONVERSE_MASK, ALL

__all__ = ["Closure", "close", "empty_pairs", "minimal_conflict"]

Int = npt.NDArray[np.int64]


@dataclass
class Closure:
    """The path-consistent closure.

    For every node, its neighbours (the nodes with a non-universal relation to it, sorted) and
    their relation masks, in compressed rows; and what explains each pair
    (:class:`._walks.Walks` or :class:`._queue.Supports`).
    """

    size: int
    facts: list[Fact]
    row_pointer: Int
    neighbour: npt.NDArray[np.int32]
    relation: npt.NDArray[np.uint8]
    explainer: _Explainer = field(repr=False)
    contradictions: list[tuple[int, int]] = field(default_factory=list)

    def __repr__(self) -> str:
        return (
            f"<Closure of {len(self.facts):,} facts over {self.size:,} nodes: {self.edge_count():,} pairs, "
            f"{len(self.contradictions):,} contradictions>"
        )

    def _entry(self, left: int, right: int) -> int:
        """The position of the pair in the rows, or -1 when its relation is universal."""
        start, stop = int(self.row_pointer[left]), int(self.row_pointer[left + 1])
        # a binary search in Python: a few µs, where numpy's costs more in its call alone
        position = bisect.bisect_left(self.neighbour, right, start, stop)
        if position < stop and self.neighbour[position] == right:
            return position
        return -1

    def mask(self, left: int, right: int) -> int:
        """The relation mask left -> right (ALL when nothing is known)."""
        if left == right:
            return EQ
        position = self._entry(left, right)
        return ALL if position < 0 else int(self.relation[position])

    def row(self, node: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8]]:
        """The neighbours of ``node`` (sorted) and their masks, as views of the rows."""
        start, stop = int(self.row_pointer[node]), int(self.row_pointer[node + 1])
        return self.neighbour[start:stop], self.relation[start:stop]

    def neighbours(self, node: int) -> dict[int, int]:
        """Nodes with a known (non-universal) relation to ``node``, with the masks."""
        others, masks = self.row(node)
        return dict(zip(others.tolist(), masks.tolist(), strict=True))

    def pairs(self) -> Iterator[tuple[int, int, int]]:
        """Every pair with a known relation, once (left < right), with its mask."""
        for node in range(self.size):
            others, masks = self.row(node)
            for other, mask in zip(others.tolist(), masks.tolist(), strict=True):
                if other > node:
                    yield node, other, mask

    def edge_count(self) -> int:
        """Number of unordered pairs with a known relation."""
        return int(self.neighbour.size) // 2

    def deferred_derivation(self, left: int, right: int) -> Derivation | None:
        """:meth:`derivation`, expanded only when its tree is first read."""
        if left == right:
            return None
        position = self._entry(left, right)
        if position < 0:
            return None
        mask = int(self.relation[position])
        return DeferredDerivation(
            left,
            right,
            mask,
            lambda: self.explainer.derivation(self.facts, left, right, position, mask),
            lambda: self._strength(left, right, position, mask),
        )

    def _strength(self, left: int, right: int, position: int, mask: int) -> int:
        """The strength of an entry's derivation, computed once per entry and kept."""
        strengths = self.__dict__.get("_strengths")
        if strengths is None:  # -1: not computed yet (strengths are 0-10)
            strengths = self.__dict__["_strengths"] = np.full(self.neighbour.size, -1, np.int8)
        known = int(strengths[position])
        if known < 0:
            known = self.explainer.strength(self.facts, left, right, position, mask)
            strengths[position] = known
        return known

    def derivation(self, left: int, right: int) -> Derivation | None:
        """The derivation of the relation of a pair (None if nothing is known)."""
        if left == right:
            return None
        position = self._entry(left, right)
        if position < 0:
            return None
        return self.explainer.derivation(
            self.facts, left, right, position, int(self.relation[position])
        )

    def conflict(self, left: int, right: int) -> list[Fact]:
        """A minimal set of facts that leaves no relation for the pair.

        Removing any one of them removes this contradiction.
        """
        if left == right:
            return [f for f in self.facts if f.left == f.right == left and not f.mask & EQ][:1]
        derivation = self.derivation(left, right)
        if derivation is None or derivation.mask:
            raise ValueError(f"the pair ({left}, {right}) is not a contradiction")
        return minimal_conflict(derivation.distinct_facts())

    def conflicts(self) -> list[list[Fact]]:
        """A minimal set of facts for every contradiction, each distinct set once.

        A pair whose derivation contains a set already found is not shrunk again.
        """
        return [facts for _, facts in self.conflict_pairs()]

    def conflict_pairs(self) -> list[tuple[tuple[int, int], list[Fact]]]:
        """:meth:`conflicts`, each set with the first pair it was found at."""
        found: list[tuple[tuple[int, int], list[Fact]]] = []
        keys: list[frozenset[int]] = []
        for left, right in self.contradictions:
            if left == right:
                candidates = self.conflict(left, right)
            else:
                derivation = self.derivation(left, right)
                assert derivation is not None
                candidates = derivation.distinct_facts()
                within = frozenset(id(f) for f in candidates)
                if any(key <= within for key in keys):
                    continue
                candidates = minimal_conflict(candidates)
            key = frozenset(id(f) for f in candidates)
            if key not in keys:
                keys.append(key)
                found.append(((left, right), candidates))
        return found


class _Explainer(Protocol):
    """What expands an entry of the closure's rows into a derivation."""

    def derivation(
        self, facts: Sequence[Fact], left: int, right: int, position: int, mask: int
    ) -> Derivation: ...

    def strength(
        self, facts: Sequence[Fact], left: int, right: int, position: int, mask: int
    ) -> int:
        """The strength of the entry's derivation (its weakest fact)."""
        ...


def close(size: int, facts: Sequence[Fact]) -> Closure:
    """The path-consistent closure of ``facts`` over nodes ``0 .. size - 1``.

    Networks whose facts all carry relation sets of :func:`algebra` (every network a
    knowledge base builds) take the compiled walk search; any other takes the PC-2 queue.
    """
    facts = list(facts)
    table = np.array([(f.left, f.right, f.mask) for f in facts], dtype=np.int64).reshape(-1, 3)
    left, right, mask = table[:, 0], table[:, 1], table[:, 2]
    if ((left < 0) | (left >= size) | (right < 0) | (right >= size)).any():
        raise IndexError(f"a fact names a node outside 0 .. {size - 1}")
    found = algebra()
    if not found.distributive or not (found.state[mask] >= 0).all():
        pointer, neighbour, relation, supports, contradictions = queue_closure(size, facts)
        return Closure(size, facts, pointer, neighbour, relation, supports, contradictions)
    contradictions = [(n, n) for n in left[(left == right) & (mask & EQ == 0)].tolist()]
    numbers = np.flatnonzero((left != right) & (mask != ALL))
    converse = np.asarray(_CONVERSE_MASK, dtype=np.int64)
    source = np.concatenate([left[numbers], right[numbers]])
    order = np.argsort(source, kind="stable")
    target = np.concatenate([right[numbers], left[numbers]])[order].astype(np.int32)
    forward, backward = mask[numbers], converse[mask[numbers]]
    state = found.state[np.concatenate([forward, backward])][order]
    code = np.concatenate([2 * numbers, 2 * numbers + 1])[order].astype(np.int32)
    pointer = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=size), out=pointer[1:])

    tables = Tables(
        found.step.ravel(), found.cover, found.popcount, found.masks, int(found.state[EQ])
    )
    walks, row_pointer, neighbour, relation = walk_search(pointer, target, state, code, tables)
    contradictions += empty_pairs(row_pointer, neighbour, relation)
    return Closure(size, facts, row_pointer, neighbour, relation, walks, contradictions)


def empty_pairs(
    row_pointer: Int, neighbour: npt.NDArray[np.int32], relation: npt.NDArray[np.uint8]
) -> list[tuple[int, int]]:
    """The pairs (left < right) the rows leave without a relation."""
    empty = np.flatnonzero(relation == 0)
    rows = np.searchsorted(row_pointer, empty, side="right") - 1
    return [(a, b) for a, b in zip(rows.tolist(), neighbour[empty].tolist(), strict=True) if a < b]


def minimal_conflict(facts: Sequence[Fact]) -> list[Fact]:
    """Shrink a set of facts whose closure has a contradiction to a minimal one.

    Deletion-based: removing any fact of the result removes every contradiction. Each trial
    closes only the facts tried, over the nodes they name.
    """
    current = list(facts)
    index = 0
    while index < len(current):
        trial = current[:index] + current[index + 1 :]
        if trial and _contradictory(trial):
            current = trial
        else:
            index += 1
    return current


def _contradictory(facts: Sequence[Fact]) -> bool:
    """True when the closure of ``facts`` alone has a contradiction."""
    names: dict[int, int] = {}
    for fact in facts:
        names.setdefault(fact.left, len(names))
        names.setdefault(fact.right, len(names))
    local = [replace(f, left=names[f.left], right=names[f.right]) for f in facts]
    return bool(close(len(names), local).contradictions)
