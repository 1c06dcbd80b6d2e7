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

import bisect
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Protocol

import numpy as np
import numpy.typing as npt

from crosswalk.reasoning._queue import queue_closure
from crosswalk.reasoning._walks import Tables, Walks, walk_search
from crosswalk.reasoning.derivation import (
    DIS,
    EQ,
    INT,
    RATIONALE_STRICTNESS,
    SUB,
    SUP,
    DeferredDerivation,
    Derivation,
    Fact,
)
from crosswalk.reasoning.relations import _COMPOSE, _CONVERSE_MASK, ALL

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

CONVERSE = np.array(_CONVERSE_MASK, dtype=np.uint8)
"""The converse of every relation mask, indexed by mask: reads a closure row the other way."""
COMPOSE = np.array(_COMPOSE, dtype=np.uint8)
"""Composition of masks as one table: ``COMPOSE[left * 32 + right]``."""

FACT_MASKS = (EQ, SUB, SUP, INT, DIS, EQ | SUB, EQ | SUP)
"""The relation sets facts of a knowledge base carry: the five base relations (mappings,
adoption, exhaustive splits) and "inside" / "contains" (hierarchy, union membership)."""

Int = npt.NDArray[np.int64]


# -- the algebra ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Algebra:
    """The relation sets the fact sets generate, as states of the walk search.

    ``masks[k]`` is state k's relation set (the universal set is the last state);
    ``step[a, b]`` the state of ``masks[a] ∘ masks[b]``, -1 for the universal set;
    ``state[mask]`` a relation set's state, -1 outside the algebra; ``distributive``
    whether composition distributes over every non-empty intersection in it;
    ``popcount[bits]`` the number of states in a set of them; ``cover[k]`` the states
    whose sets lie inside state k's, one bit each.
    """

    masks: tuple[int, ...]
    step: npt.NDArray[np.int8]
    state: npt.NDArray[np.int8]
    distributive: bool
    popcount: npt.NDArray[np.int32]
    cover: npt.NDArray[np.int32]

    def contains(self, mask: int) -> bool:
        """True when ``mask`` is one of the algebra's relation sets."""
        return bool(self.state[mask] >= 0)


@cache
def algebra() -> Algebra:
    """The closure of :data:`FACT_MASKS` under composition, converse and intersection.

    Checked for distributivity against the composition table (14 sets for RCC-5).
    """
    masks = set(FACT_MASKS) | {ALL}
    while True:
        new = {
            made
            for x, y in itertools.product(masks, repeat=2)
            for made in (_COMPOSE[x * 32 + y], x & y, _CONVERSE_MASK[x])
            if made and made not in masks
        }
        if not new:
            break
        masks |= new
    ordered = tuple(sorted(masks - {ALL})) + (ALL,)
    state = np.full(32, -1, dtype=np.int8)
    state[list(ordered)] = np.arange(len(ordered))
    step = np.array(
        [
            [-1 if (c := _COMPOSE[a * 32 + b]) == ALL else state[c] for b in ordered]
            for a in ordered
        ],
        dtype=np.int8,
    )
    distributive = all(
        _COMPOSE[x * 32 + (y & z)] == _COMPOSE[x * 32 + y] & _COMPOSE[x * 32 + z]
        and _COMPOSE[(y & z) * 32 + x] == _COMPOSE[y * 32 + x] & _COMPOSE[z * 32 + x]
        for x, y, z in itertools.product(ordered, repeat=3)
        if y & z
    )
    sets = np.arange(1 << len(ordered))
    popcount = sum(((sets >> k) & 1 for k in range(len(ordered))), np.zeros_like(sets)).astype(
        np.int32
    )
    cover = np.array(
        [sum(1 << k for k, inner in enumerate(ordered) if inner & ~outer == 0) for outer in ordered]
    )
    return Algebra(ordered, step, state, distributive, popcount, cover.astype(np.int32))


# -- the network ----------------------------------------------------------------------------


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


# -- the closure ----------------------------------------------------------------------------


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
    contradictions += _empty_pairs(row_pointer, neighbour, relation)
    return Closure(size, facts, row_pointer, neighbour, relation, walks, contradictions)


def _empty_pairs(
    row_pointer: Int, neighbour: npt.NDArray[np.int32], relation: npt.NDArray[np.uint8]
) -> list[tuple[int, int]]:
    """The pairs (left < right) the rows leave without a relation."""
    empty = np.flatnonzero(relation == 0)
    rows = np.searchsorted(row_pointer, empty, side="right") - 1
    return [(a, b) for a, b in zip(rows.tolist(), neighbour[empty].tolist(), strict=True) if a < b]


_STORED = {
    "row_pointer": np.int64,
    "neighbour": np.int32,
    "relation": np.uint8,
    "slot_start": np.int64,
    "row_slot": np.int64,
    "slot_pred": np.int32,
    "slot_fact": np.int32,
    "slot_state": np.int8,
}
"""The arrays that store a closure computed by the walk search, with their dtypes."""


def closure_arrays(closure: Closure) -> dict[str, npt.NDArray[np.generic]] | None:
    """The arrays :func:`closure_from_arrays` rebuilds ``closure`` from.

    None for a closure of the PC-2 queue, which a knowledge base never makes.
    """
    walks = closure.explainer
    if not isinstance(walks, Walks):
        return None
    found = {
        "row_pointer": closure.row_pointer,
        "neighbour": closure.neighbour,
        "relation": closure.relation,
        "slot_start": walks.slot_start,
        "row_slot": walks.row_slot,
        "slot_pred": walks.slot_pred,
        "slot_fact": walks.slot_fact,
        "slot_state": walks.slot_state,
    }
    return {name: np.ascontiguousarray(array, dtype=_STORED[name]) for name, array in found.items()}


def closure_from_arrays(
    size: int, facts: Sequence[Fact], arrays: dict[str, npt.NDArray[np.generic]]
) -> Closure:
    """The closure of ``facts`` over ``size`` nodes from :func:`closure_arrays`' arrays.

    Raises ValueError when they cannot be that closure's (a name, dtype or length is
    wrong, or an index points outside its array), so that a damaged store is never read.
    """
    if set(arrays) != set(_STORED) or any(a.dtype != _STORED[n] for n, a in arrays.items()):
        raise ValueError("not the arrays of a closure")
    a = arrays
    entries, slots = a["neighbour"].size, a["slot_fact"].size
    pointer, neighbour = a["row_pointer"], a["neighbour"]
    checks = (
        pointer.size == size + 1 and a["row_slot"].size == size + 1,
        a["relation"].size == entries and a["slot_start"].size == entries + 1,
        a["slot_pred"].size == slots and a["slot_state"].size == slots,
        int(pointer[0]) == 0
        and int(pointer[-1]) == entries
        and bool((np.diff(pointer) >= 0).all()),
        int(a["row_slot"][-1]) == slots and int(a["slot_start"][-1]) == slots,
        not entries or (int(neighbour.min()) >= 0 and int(neighbour.max()) < size),
        not slots or int(a["slot_fact"].max()) < 2 * len(facts),
        not slots or int(a["slot_state"].max()) < len(algebra().masks),
    )
    if not all(checks):
        raise ValueError("the arrays do not fit the facts of this closure")
    facts = list(facts)
    # the dtypes were checked above: asarray only types them, it copies nothing
    walks = Walks(
        np.asarray(a["slot_start"], dtype=np.int64),
        np.asarray(a["row_slot"], dtype=np.int64),
        np.asarray(a["slot_pred"], dtype=np.int32),
        np.asarray(a["slot_fact"], dtype=np.int32),
        np.asarray(a["slot_state"], dtype=np.int8),
        algebra().masks,
    )
    rows = (
        np.asarray(pointer, dtype=np.int64),
        np.asarray(neighbour, dtype=np.int32),
        np.asarray(a["relation"], dtype=np.uint8),
    )
    contradictions = [f.left for f in facts if f.left == f.right and not f.mask & EQ]
    pairs = [(n, n) for n in contradictions] + _empty_pairs(*rows)
    return Closure(size, facts, *rows, walks, pairs)


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
