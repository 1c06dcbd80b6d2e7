"""Vectorised gap propagation along chains, for knowledge bases of any size (issue 10).

:func:`crosswalk.gap.gap_analysis` reads its statuses off the path-consistent (PC)
closure, whose cost grows much faster than the number of mappings. This module derives
them from *chains* of facts, for every target clause at once, in time near-linear in the
number of facts: the facts are numpy edge arrays (each fact in both directions, sorted by
source, so the in-edges of a node are the converses of its out-edges), relation sets are
5-bit masks, and chains are followed by breadth-first closures over edge classes.

Facts carry one of seven relation sets: a base relation (mappings), {equal, subset_of}
(hierarchy, union membership) or its converse. Up to the statuses, composing a chain
with the table of :mod:`crosswalk.relations` is a small automaton over five letters —
E (equal), C (⊆: subset_of, {equal, subset_of}), V (⊇: superset_of, {equal,
superset_of}), I (intersects_with), N (no_relationship) — and each status is a regular
set of chains (DESIGN.md §5):

- **covered**: the least fixpoint of ``(E|V)*`` from the fully implemented clauses
  (a parent contains its children, a union its members), plus the union rule: a union
  node — and so an exhaustively split clause — is covered when all its members are;
- **partial**: ``covered (E|V)* [any of E C V I] (E|C)*`` or ``partly-implemented (E|C)*``
  — the chains whose composition excludes no_relationship;
- **undetermined**: a chain from an implemented clause whose composition is neither
  "any" nor exactly "disjoint" (eight relation-set classes, each one closure, see
  :meth:`GapIndex._linked`), or a mapping chain of at most two steps (gap.py's fallback);
- **gap** otherwise; **not_applicable** by :func:`crosswalk.applicability.applicability`.

**Agreement with gap_analysis.** *covered* and *partial* are exactly gap_analysis's.
Sound: a chain's composition contains the PC relation of its ends. Complete: every
relation set PC can produce from these facts lies in a 13-element algebra in which
``x ∘ y ⊆ {=, ⊃}`` forces ``x, y ⊆ {=, ⊃}``, ``x ∩ y ⊆ {=, ⊃}`` forces ``x`` or ``y``
``⊆ {=, ⊃}`` (likewise for ⊆ and for "overlapping"); by induction over PC's steps every
covering (overlapping) PC relation has a covering (overlapping) chain.
``tests/test_fastgap.py`` checks these lemmas by enumeration and the statuses on random
set models. Where PC *is* stronger is the line between undetermined and gap, because
PC intersects what all paths entail: when one chain proves two clauses disjoint and
another, weaker walk (say one that steps down to a child and back) leaves "⊃, ≬ or
disjoint", PC keeps "disjoint" and gap_analysis says gap where this module says
undetermined; conversely a link that PC only obtains by intersecting paths may be
undetermined there and gap here. Neither is a claim of coverage.

The same arrays answer pairwise questions (:meth:`GapIndex.relations_from`,
``kb.chain_relations``): one breadth-first search from a clause over (node, composed
relation set) states — the twelve sets a chain can compose to, held as the bits of one
integer per node and stepped by table lookup — gives, for every node, the intersection of
what all walks to it entail: sound, never tighter than path consistency.

Contradictions are not detected here: validate the data first
(:meth:`crosswalk.knowledge.KnowledgeBase.validate`, or the data tests).

>>> import crosswalk
>>> from crosswalk.inventory import ClauseRef, Control, Inventory
>>> kb = crosswalk.load()
>>> control = Control(id="RM-1", title="Risk process", status="implemented",
...     implements=(ClauseRef(clause="iso23894:6.4.4"),))
>>> report = fast_gap_analysis(kb, Inventory(controls=(control,)), target="gbt24353")
>>> report.status("gbt24353:6.4.4")
'covered'
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from crosswalk.applicability import applicability
from crosswalk.errors import UnknownFrameworkError
from crosswalk.inference import DIS, EQ, INT, SUB, SUP
from crosswalk.inventory import Inventory, Profile
from crosswalk.model import Clause, Mapping
from crosswalk.relations import (
    ALL,
    CONTAINED,
    COVERING,
    OVERLAPPING,
    Relation,
    RelationSet,
    compose_masks,
    converse_mask,
)

if TYPE_CHECKING:
    import pandas as pd

    from crosswalk.knowledge import KnowledgeBase

__all__ = ["LETTERS", "STATUS_NAMES", "ChainRelations", "FastGapReport", "GapIndex", "fast_gap_analysis", "index_of"]

STATUS_NAMES = ("not_applicable", "gap", "undetermined", "partial", "covered")
"""Status codes of :attr:`FastGapReport.codes`, weakest first (the words of gap.py)."""
_NOT_APPLICABLE, _GAP, _UNDETERMINED, _PARTIAL, _COVERED = range(5)
_RISK_NAMES = ("not_addressed", "partly_addressed", "addressed")

LETTERS: dict[int, str] = {EQ: "E", SUB: "C", EQ | SUB: "C", SUP: "V", EQ | SUP: "V", INT: "I", DIS: "N"}
"""The relation set of a fact (read in one direction) -> its letter; a fact with any other
set is not followed (which can only lose proofs, never add one)."""

# markers in the "reached via" arrays; values >= 0 are edge numbers
_IMPLEMENTED = -1
_UNION_RULE = -2
_UNREACHED = -3

Int = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
_FACT_SETS = tuple(LETTERS)  # the relation sets a fact can carry, in a fixed order


def _walk_tables() -> tuple[tuple[int, ...], npt.NDArray[np.uint16], npt.NDArray[np.uint16], Int]:
    """For :meth:`GapIndex.relations_from`: the relation sets a chain from a node can
    compose to ("any" left out: such a chain says nothing); for each fact set and each of
    them, the set one fact further, as a bit; the same over every set of them (a row per
    fact set); and the intersection of each set of them."""
    states = [EQ]
    for mask in states:  # grows while it is read
        for fact in _FACT_SETS:
            after = compose_masks(mask, fact)
            if after != ALL and after not in states:
                states.append(after)
    count = len(states)
    assert count <= 16, "states must fit a uint16"
    single = np.zeros((len(_FACT_SETS), count), dtype=np.uint16)
    for f, fact in enumerate(_FACT_SETS):
        for j, mask in enumerate(states):
            after = compose_masks(mask, fact)
            single[f, j] = 0 if after == ALL else 1 << states.index(after)
    subsets = np.arange(1 << count)
    table = np.zeros((len(_FACT_SETS), 1 << count), dtype=np.uint16)
    meet = np.full(1 << count, ALL, dtype=np.int64)
    for j, mask in enumerate(states):
        present = (subsets >> j) & 1 == 1
        table |= np.where(present, single[:, j : j + 1], 0).astype(np.uint16)
        meet[present] &= mask
    return tuple(states), single, table.ravel(), meet


_WALK_STATES, _WALK_SINGLE, _WALK_TABLE, _WALK_MEET = _walk_tables()
_FACT_CODE = np.full(33, -1, dtype=np.int64)  # relation set -> position in _FACT_SETS
_FACT_CODE[list(_FACT_SETS)] = np.arange(len(_FACT_SETS))
_WALK_BITS = np.arange(len(_WALK_STATES), dtype=np.uint16)


def _within(masks: Int, allowed: int) -> Bool:
    """Edges whose relation set is one of the seven fact sets and inside ``allowed``."""
    return np.isin(masks, list(LETTERS)) & ((masks & ~allowed) == 0)


def _csr(sources: Int, size: int) -> tuple[Int, Int]:
    """Row pointers and out-degrees of edges already sorted by source."""
    degree = np.bincount(sources, minlength=size).astype(np.int64)
    pointer = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(degree, out=pointer[1:])
    return pointer, degree


_DENSE_EDGES = 8192
"""Up to this many edges, a closure makes whole passes over them instead of keeping a
frontier: fewer numpy calls per level, which is what small networks pay for."""

_counting: Int = np.arange(1 << 16, dtype=np.int64)


def _count(n: int) -> Int:
    """``np.arange(n)`` without allocating it (a read-only view of a shared array)."""
    global _counting
    if n > _counting.size:
        _counting = np.arange(max(n, 2 * _counting.size), dtype=np.int64)
        _counting.flags.writeable = False
    return _counting[:n]


_counting.flags.writeable = False


def _first_claims(keys: Int, claims: Int) -> Bool:
    """Keep one entry per distinct key, in linear time (``claims``: scratch indexed by key)."""
    positions = _count(keys.size)
    claims[keys] = positions
    return claims[keys] == positions


def _components(edges: _Edges, size: int) -> Int:
    """For each node, the smallest node connected to it by ``edges`` (a symmetric class)."""
    label = np.arange(size, dtype=np.int64)
    while True:
        lower = label.copy()
        np.minimum.at(lower, edges.target, label[edges.source])
        if np.array_equal(lower, label):
            return label
        label = lower


@dataclass(frozen=True)
class _Edges:
    """A class of directed edges, sorted by source, with row pointers."""

    pointer: Int
    degree: Int
    source: Int
    target: Int
    number: Int  # position in the arrays of all edges

    @classmethod
    def sorted(cls, source: Int, target: Int, number: Int, size: int) -> _Edges:
        """Edges already sorted by source."""
        return cls(*_csr(source, size), source, target, number)

    @classmethod
    def select(cls, keep: Bool, source: Int, target: Int, size: int) -> _Edges:
        number = np.flatnonzero(keep).astype(np.int64)
        return cls.sorted(source[number], target[number], number, size)

    def gather(self, nodes: Int) -> Int:
        """The numbers (in this class) of the edges leaving ``nodes``."""
        counts = self.degree[nodes]
        numbers = (self.pointer[nodes] - counts.cumsum() + counts).repeat(counts)
        numbers += _count(numbers.size)
        return numbers

    def step(self, nodes: Bool) -> Bool:
        """The nodes one edge away from ``nodes``."""
        result = np.zeros(nodes.size, dtype=np.bool_)
        result[self.target[nodes[self.source]]] = True
        return result

    def pull(self, nodes: Int, sources: Bool) -> Bool:
        """Those of ``nodes`` with an edge of this class to one of ``sources``."""
        numbers = self.gather(nodes)
        result = np.zeros(sources.size, dtype=np.bool_)
        result[self.source[numbers[sources[self.target[numbers]]]]] = True
        return result

    def extend(self, reached: Bool, via: Int, frontier: Int, claims: Int) -> None:
        """Add to ``reached`` every node reachable from ``frontier``, recording in ``via``
        the edge (its number among all edges) that first reached it."""
        while frontier.size:
            numbers = self.gather(frontier)
            targets = self.target[numbers]
            fresh = ~reached[targets]
            targets, numbers = targets[fresh], numbers[fresh]
            kept = _first_claims(targets, claims)
            frontier = targets[kept]
            reached[frontier] = True
            via[frontier] = self.number[numbers[kept]]

    def closure(self, start: Bool, claims: Int) -> Bool:
        """``start`` and every node reachable from it."""
        reached = start.copy()
        if self.target.size <= _DENSE_EDGES:  # few edges: whole passes cost less than a frontier
            count, before = int(np.count_nonzero(reached)), -1
            while count != before:
                reached[self.target[reached[self.source]]] = True
                count, before = int(np.count_nonzero(reached)), count
            return reached
        frontier = start.nonzero()[0]
        while frontier.size:
            targets = self.target[self.gather(frontier)]
            targets = targets[~reached[targets]]
            frontier = targets[_first_claims(targets, claims)]
            reached[frontier] = True
        return reached


@dataclass(frozen=True)
class _Target:
    """The target clauses of one framework (computed once per index)."""

    clauses: tuple[Clause, ...]
    nodes: Int
    restricted: tuple[int, ...]  # positions of the clauses that carry applicability data
    position: dict[str, int]  # clause id -> position


_CHILD_OF_PARENT = EQ | SUB  # as kb.network states hierarchy and union membership
_KINDS = ("hierarchy", "exhaustive", "union", "mapping", "adoption")
"""Where a fact comes from (the ``kind`` of :class:`crosswalk.inference.Fact`)."""


@dataclass(frozen=True)
class _FactTable:
    """The nodes and facts of ``kb.network`` as arrays — the same numbering and the same
    facts, without building a :class:`~crosswalk.inference.Fact` object for each (which
    dominates the index build of a large knowledge base)."""

    nodes: list[str]
    index: dict[str, int]
    left: Int
    right: Int
    mask: Int
    kind: npt.NDArray[np.int8]  # position in _KINDS
    origin: Int  # position of the mapping in ``mappings``, or -1
    mappings: Sequence[Mapping]
    links: Int  # (subject clause, object clause) of every asserted, non-negative mapping
    addresses: list[int]  # positions of the `addresses` mappings

    @classmethod
    def of(cls, kb: KnowledgeBase) -> _FactTable:
        from crosswalk.knowledge import union_node

        nodes = list(kb.clauses)
        index = {name: i for i, name in enumerate(nodes)}
        find = index.__getitem__
        extra: list[tuple[int, int, int, int]] = []  # left, right, mask, kind of non-mapping facts
        hierarchy, exhaustive, member = (_KINDS.index(k) for k in ("hierarchy", "exhaustive", "union"))

        def add_union(members: Sequence[str]) -> int:
            name = union_node(members)
            node = index.get(name)
            if node is None:
                node = index[name] = len(nodes)
                nodes.append(name)
            extra.extend((find(m), node, _CHILD_OF_PARENT, member) for m in members)
            return node

        for clause in kb.clauses.values():
            if clause.parent:
                extra.append((find(clause.id), find(clause.parent), _CHILD_OF_PARENT, hierarchy))
            if clause.exhaustive and kb.children.get(clause.id):
                extra.append((find(clause.id), add_union(kb.children[clause.id]), EQ, exhaustive))
        # the mappings, a column at a time (most of the facts of a large knowledge base)
        mappings = kb.mappings
        relation_mask = {r.value: r.bit for r in Relation}
        relation = [m.relation for m in mappings]
        kept = [p for p, r in enumerate(relation) if r != "addresses"]
        subjects = [mappings[p].subjects for p in kept]
        left = np.fromiter((find(s[0]) if len(s) == 1 else -1 for s in subjects), dtype=np.int64, count=len(kept))
        for n in np.flatnonzero(left < 0).tolist():  # unions, numbered in the order of the mappings
            left[n] = add_union(subjects[n])
        right = np.fromiter((find(mappings[p].object) for p in kept), dtype=np.int64, count=len(kept))
        mask = np.fromiter((relation_mask[relation[p]] for p in kept), dtype=np.int64, count=len(kept))
        sets = [mappings[p].mapping_set for p in kept]
        adoption = {name: name.endswith("-adoption") for name in set(sets)}
        kind = np.where(
            np.fromiter(map(adoption.__getitem__, sets), dtype=np.bool_, count=len(kept)),
            _KINDS.index("adoption"),
            _KINDS.index("mapping"),
        )
        # gap.py's two-step rule joins clauses, union members included, by non-negative mappings
        positive = mask != Relation.NO_RELATIONSHIP.bit
        single = positive & (left < len(kb.clauses))
        links = [np.stack([left[single], right[single]], axis=1)]
        for n in np.flatnonzero(positive & ~single).tolist():
            links.append(np.array([(find(s), right[n]) for s in subjects[n]], dtype=np.int64))
        others = np.array(extra, dtype=np.int64).reshape(-1, 4)
        return cls(
            nodes,
            index,
            np.concatenate([others[:, 0], left]),
            np.concatenate([others[:, 1], right]),
            np.concatenate([others[:, 2], mask]),
            np.concatenate([others[:, 3], kind]).astype(np.int8),
            np.concatenate([np.full(len(others), -1, dtype=np.int64), np.array(kept, dtype=np.int64)]),
            mappings,
            np.concatenate(links).reshape(-1, 2),
            [p for p, r in enumerate(relation) if r == "addresses"],
        )

    def line(self, fact: int) -> str:
        """One fact as a line of an explanation: left, relation set, right, where it comes from."""
        origin = int(self.origin[fact])
        where = self.mappings[origin].where if origin >= 0 else _KINDS[self.kind[fact]]
        relation = RelationSet(int(self.mask[fact]))
        return f"{self.nodes[self.left[fact]]} {relation} {self.nodes[self.right[fact]]} [{where}]"


class GapIndex:
    """The facts of a knowledge base as edge arrays, built once for many gap analyses.

    >>> import crosswalk
    >>> index = GapIndex(crosswalk.load())
    >>> index.edge_count > 0
    True
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        facts = _FactTable.of(kb)
        self.nodes: list[str] = facts.nodes
        self.index: dict[str, int] = facts.index
        self._facts = facts
        size = len(self.nodes)
        left, right, mask = facts.left, facts.right, facts.mask
        union = facts.kind == _KINDS.index("union")
        numbers = np.flatnonzero(left != right)
        # every fact in both directions: l -> r with its set, r -> l with the converse
        converse = np.array([converse_mask(m) for m in range(32)], dtype=np.int64)
        source = np.concatenate([left[numbers], right[numbers]])
        target = np.concatenate([right[numbers], left[numbers]])
        masks = np.concatenate([mask[numbers], converse[mask[numbers]]])
        order = np.argsort(source, kind="stable")
        self._source, self._target, self._mask = source[order], target[order], masks[order]
        self._fact = np.concatenate([numbers, numbers])[order]
        self._pointer, _ = _csr(self._source, size)

        def select(keep: Bool) -> _Edges:
            return _Edges.select(keep, self._source, self._target, size)

        self._letters = {
            letter: select(np.isin(self._mask, [m for m, x in LETTERS.items() if x == letter]))
            for letter in "ECVIN"
        }
        self._equal_part = _components(self._letters["E"], size)
        self._followed = select(_FACT_CODE[self._mask] >= 0)  # every edge with a letter
        self._walk_row = _FACT_CODE[self._mask[self._followed.number]] << len(_WALK_STATES)
        self._covering = select(_within(self._mask, COVERING))  # source ⊇ target: E or V
        self._contained = select(_within(self._mask, CONTAINED))  # source ⊆ target: E or C
        self._overlapping = select(_within(self._mask, OVERLAPPING))
        pairs = np.unique(np.stack([left[union], right[union]], axis=1), axis=0).reshape(-1, 2)
        self._member, self._union = pairs[:, 0], pairs[:, 1]  # member -> union node, once each
        self._union_size = np.bincount(self._union, minlength=size)
        self._mapping_links = self._mapping_graph()
        # what the analyses need from the knowledge base, so that the index does not keep it alive
        self.frameworks: tuple[str, ...] = tuple(sorted(kb.frameworks))
        self._targets = self._target_clauses(kb)
        self._risk_sources = self._risk_links(kb)
        self._compiled: dict[int, tuple[Inventory, Int, Int]] = {}

    @property
    def edge_count(self) -> int:
        """Directed edges (each fact counts twice: as asserted and as its converse)."""
        return int(self._source.size)

    def _mapping_graph(self) -> _Edges:
        """Asserted, non-negative mappings between clauses, both ways (gap.py's two-step rule)."""
        ends = self._facts.links
        source = np.concatenate([ends[:, 0], ends[:, 1]])
        target = np.concatenate([ends[:, 1], ends[:, 0]])
        order = np.argsort(source, kind="stable")
        return _Edges.sorted(source[order], target[order], order, len(self.nodes))  # number: unused

    def _target_clauses(self, kb: KnowledgeBase) -> dict[str, _Target]:
        """The target clauses of every framework, in document order."""
        from crosswalk.gap import is_target  # the one definition of what a target is

        grouped: dict[str, list[Clause]] = {prefix: [] for prefix in self.frameworks}
        for clause in kb.clauses.values():
            if is_target(kb, clause):
                grouped.setdefault(clause.framework, []).append(clause)
        result = {}
        for prefix, clauses in grouped.items():
            nodes = np.array([self.index[c.id] for c in clauses], dtype=np.int64)
            restricted = tuple(
                i for i, c in enumerate(clauses) if c.addressees or c.categories or c.applies_from is not None
            )
            result[prefix] = _Target(tuple(clauses), nodes, restricted, {c.id: i for i, c in enumerate(clauses)})
        return result

    def _risk_links(self, kb: KnowledgeBase) -> dict[str, tuple[list[str], Int, Int]]:
        """Per framework: its risk sources, and the `addresses` links to them as arrays
        (addressing requirement node, position of the risk)."""
        names: dict[str, list[str]] = {prefix: [] for prefix in self.frameworks}
        for clause in kb.clauses.values():
            if clause.kind == "risk_source":
                names.setdefault(clause.framework, []).append(clause.id)
        position = {name: (prefix, i) for prefix, found in names.items() for i, name in enumerate(found)}
        links: dict[str, list[tuple[int, int]]] = {prefix: [] for prefix in names}
        for mapping in (self._facts.mappings[p] for p in self._facts.addresses):
            if mapping.object not in position:
                continue
            subject = _union_name(mapping.subjects) if mapping.is_union else mapping.subjects[0]
            if subject in self.index:  # a union named only by `addresses` has no node
                prefix, place = position[mapping.object]
                links[prefix].append((self.index[subject], place))
        result = {}
        for prefix, found in names.items():
            pairs = np.array(links[prefix], dtype=np.int64).reshape(-1, 2)
            result[prefix] = (found, pairs[:, 0], pairs[:, 1])
        return result

    # -- propagation -------------------------------------------------------------------

    def _covered(self, full: Int) -> tuple[Bool, Int]:
        """Least fixpoint of proven containment; ``via``: the edge that reached each node."""
        size = len(self.nodes)
        covered = np.zeros(size, dtype=np.bool_)
        via = np.full(size, _UNREACHED, dtype=np.int64)
        covered[full] = True
        via[full] = _IMPLEMENTED
        frontier = np.flatnonzero(covered)
        edges = self._covering
        claims = np.empty(size, dtype=np.int64)
        while frontier.size:
            edges.extend(covered, via, frontier, claims)
            # the union rule: a union node whose members are all covered is covered
            done = np.bincount(self._union[covered[self._member]], minlength=size)
            frontier = np.flatnonzero((self._union_size > 0) & (done == self._union_size) & ~covered)
            covered[frontier] = True
            via[frontier] = _UNION_RULE
        return covered, via

    def _overlap(self, covered: Bool, partial: Int) -> tuple[Bool, Int]:
        """Nodes proven to share outcomes with what is implemented (see the module doc)."""
        size = len(self.nodes)
        reached = np.zeros(size, dtype=np.bool_)
        via = np.full(size, _UNREACHED, dtype=np.int64)
        claims = np.empty(size, dtype=np.int64)
        # seeds: overlapping neighbours of covered nodes, covered nodes, partly implemented
        edges = self._overlapping
        step = edges.gather(covered.nonzero()[0])
        neighbours = edges.target[step]
        kept = _first_claims(neighbours, claims)
        reached[neighbours[kept]] = True
        via[neighbours[kept]] = edges.number[step[kept]]
        reached[covered] = True
        via[covered] = _IMPLEMENTED
        reached[partial] = True
        via[partial] = _IMPLEMENTED
        # what a covered node contains is already a seed: follow (E|C)* from the others
        self._contained.extend(reached, via, np.flatnonzero(reached & ~covered), claims)
        return reached, via

    def _equal_closure(self, start: Bool) -> Bool:
        """``start`` and every node a chain of equal facts reaches: whole components."""
        hit = np.zeros(start.size, dtype=np.bool_)
        hit[self._equal_part[start]] = True
        return hit[self._equal_part]

    def _linked(self, implemented: Int, only: Int | None = None) -> Bool:
        """Nodes reached from an implemented node by a chain whose composition is neither
        "any" nor exactly "disjoint", or by a mapping chain of at most two steps — exactly
        on the nodes of ``only`` when it is given (the undecided targets), elsewhere perhaps
        fewer.

        The relation sets a chain can compose to fall into eight classes that behave
        alike under the letters E C V I N (state -letter-> state; ✗ = "any", not followed):

        ====== ====== ======= ====== ====== ======
        class  E      C       V      I      N
        ====== ====== ======= ====== ====== ======
        =      =      ⊂       ⊃      ≬      ∅
        ⊂      ⊂      ⊂       ✗      ⊂≬∅    ∅
        ⊃      ⊃      ⊂≬      ⊃      ≬      ⊃≬∅
        ≬      ≬      ⊂≬      ⊃≬∅    ✗      ⊃≬∅
        ⊂≬     ⊂≬     ⊂≬      ✗      ✗      ⊃≬∅
        ∅      ∅      ⊂≬∅     ∅      ⊂≬∅    ✗
        ⊂≬∅    ⊂≬∅    ⊂≬∅     ✗      ✗      ✗
        ⊃≬∅    ⊃≬∅    ✗       ⊃≬∅    ✗      ✗
        ====== ====== ======= ====== ====== ======

        No class feeds an earlier one, so each is one closure over the edges that keep it.
        """
        size = len(self.nodes)
        claims = np.empty(size, dtype=np.int64)
        c, v, i, n = (self._letters[x] for x in "CVIN")
        covering, contained = self._covering, self._contained  # E|V and E|C
        start = np.zeros(size, dtype=np.bool_)
        start[implemented] = True
        equal = self._equal_closure(start)
        sup = covering.closure(v.step(equal), claims)
        sub = contained.closure(c.step(equal), claims)
        overlaps = self._equal_closure(i.step(equal | sup))
        sub_overlaps = contained.closure(c.step(sup | overlaps), claims)
        # gap.py's fallback: a mapping chain of at most two steps
        one = self._mapping_links.step(start)
        linked: Bool = equal | sup | sub | overlaps | sub_overlaps | one | self._mapping_links.step(one)
        rest = only[~linked[only]] if only is not None else None
        if rest is not None and not rest.size:
            return linked
        disjoint = covering.closure(n.step(equal | sub), claims)
        # The last two classes feed no other, so only what they add to the union counts: a
        # node a closed class already holds adds nothing along that class's own edges, and
        # with ``only``, neither does a node that cannot reach an undecided one.
        if rest is None:
            sub_seeds = i.step(sub | disjoint) | c.step(disjoint)
            sup_seeds = n.step(sup | overlaps | sub_overlaps) | v.step(overlaps)
        else:
            toward = np.zeros(size, dtype=np.bool_)
            toward[rest] = True
            # x reaches ``rest`` along E|C edges iff ``rest`` reaches x along their converses,
            # and a fact y -I-> x is stored as x -I-> y too (y -C-> x as x -V-> y, N as N, V as C)
            into_sub = covering.closure(toward, claims).nonzero()[0]
            into_sup = contained.closure(toward, claims).nonzero()[0]
            sub_seeds = i.pull(into_sub, sub | disjoint) | v.pull(into_sub, disjoint)
            sup_seeds = n.pull(into_sup, sup | overlaps | sub_overlaps) | c.pull(into_sup, overlaps)
        sub_any = contained.closure(sub_seeds & ~(sub | sub_overlaps), claims)
        sup_any = covering.closure(sup_seeds & ~sup, claims)
        return linked | sub_any | sup_any

    # -- relations from one clause ----------------------------------------------------

    def relations_from(self, clause_id: str) -> ChainRelations:
        """What chains of facts entail between ``clause_id`` and every node: one
        breadth-first search over (node, composed relation set) states, each node's
        reachable sets held as bits of one integer, stepped by table lookup."""
        source = self.index[clause_id]
        size = len(self.nodes)
        edges = self._followed
        claims = np.empty(size, dtype=np.int64)
        state = np.zeros(size, dtype=np.uint16)  # bit k: some chain composes to _WALK_STATES[k]
        pending = np.zeros(size, dtype=np.uint16)  # bits a frontier node has not passed on
        level = np.full((size, len(_WALK_STATES)), -1, dtype=np.int32)  # chain length at first reach
        state[source] = pending[source] = 1  # the empty chain: equal
        level[source, 0] = 0
        frontier = np.array([source], dtype=np.int64)
        depth = 0
        while frontier.size:
            depth += 1
            numbers = edges.gather(frontier)
            targets = edges.target[numbers]
            carried = _WALK_TABLE.take(self._walk_row[numbers] + pending[edges.source[numbers]])
            pending[frontier] = 0
            fresh = carried & ~state[targets]
            keep = fresh != 0
            targets, fresh = targets[keep], fresh[keep]
            before = state[targets]
            np.bitwise_or.at(state, targets, fresh)
            kept = _first_claims(targets, claims)
            frontier = targets[kept]
            added = state[frontier] & ~before[kept]
            pending[frontier] = added
            rows, bits = np.nonzero((added[:, None] >> _WALK_BITS) & 1)
            level[frontier[rows], bits] = depth
        return ChainRelations(self, clause_id, state, level)

    # -- analysis ----------------------------------------------------------------------

    def analyse(
        self,
        inventory: Inventory,
        *,
        target: str,
        profile: Profile | None = None,
        risk_frameworks: Iterable[str] | None = None,
    ) -> FastGapReport:
        """Statuses of every clause of ``target`` for the effective controls of ``inventory``."""
        if target not in self._targets:
            raise UnknownFrameworkError(target, self.frameworks)
        profile = profile if profile is not None else inventory.profile
        full, partial = self._implemented(inventory)
        covered, covered_via = self._covered(full)
        overlap, overlap_via = self._overlap(covered, partial)
        chosen = self._targets[target]
        nodes = chosen.nodes
        linked = self._linked(np.concatenate([full, partial]), only=nodes[~(covered | overlap)[nodes]])
        codes = np.full(nodes.size, _GAP, dtype=np.int8)
        codes[linked[nodes]] = _UNDETERMINED
        codes[overlap[nodes]] = _PARTIAL
        codes[covered[nodes]] = _COVERED
        reasons: dict[int, str] = {}
        if profile is not None:
            for position in chosen.restricted:
                verdict = applicability(chosen.clauses[position], profile)
                if not verdict:
                    codes[position] = _NOT_APPLICABLE
                    reasons[position] = verdict.reason
        risks = self._risks(covered, overlap, risk_frameworks, target)
        return FastGapReport(self, inventory, target, chosen, codes, reasons, risks, covered_via, overlap_via)

    def _implemented(self, inventory: Inventory) -> tuple[Int, Int]:
        """Nodes fully and partly implemented by the effective controls — compiled once per
        inventory (inventories are immutable), like the node sets a per-target search starts from."""
        cached = self._compiled.get(id(inventory))
        if cached is not None and cached[0] is inventory:
            return cached[1], cached[2]
        full_nodes, partial_nodes = self._compile(inventory)
        if len(self._compiled) >= 4:
            self._compiled.pop(next(iter(self._compiled)))
        self._compiled[id(inventory)] = (inventory, full_nodes, partial_nodes)
        return full_nodes, partial_nodes

    def _compile(self, inventory: Inventory) -> tuple[Int, Int]:
        full: list[str] = []
        partial: list[str] = []
        add_full, add_partial = full.append, partial.append
        for control in inventory.controls:
            status = control.status
            if status == "implemented":
                for ref in control.implements:
                    (add_full if ref.coverage == "full" else add_partial)(ref.clause)
            elif status == "partially_implemented":
                partial.extend(ref.clause for ref in control.implements)
        find = self.index.__getitem__
        return (
            np.fromiter(map(find, full), dtype=np.int64, count=len(full)),
            np.fromiter(map(find, partial), dtype=np.int64, count=len(partial)),
        )

    def _risks(self, covered: Bool, overlap: Bool, frameworks: Iterable[str] | None, target: str) -> dict[str, str]:
        """Each risk source: addressed (an addressing requirement is covered), partly
        (one is proven to overlap what is implemented) or not — gap.py's rule."""
        chosen = list(frameworks) if frameworks is not None else [
            p for p in (target, "gbt46347", "aisgf1", "iso23894") if p in self._risk_sources
        ]
        result: dict[str, str] = {}
        for prefix in dict.fromkeys(chosen):
            if prefix not in self._risk_sources:
                raise UnknownFrameworkError(prefix, self.frameworks)
            names, requirements, positions = self._risk_sources[prefix]
            levels = np.zeros(len(names), dtype=np.int64)
            np.maximum.at(levels, positions, np.where(covered[requirements], 2, overlap[requirements].astype(np.int64)))
            result.update(zip(names, (_RISK_NAMES[level] for level in levels.tolist()), strict=True))
        return result


def _union_name(members: Sequence[str]) -> str:
    from crosswalk.knowledge import union_node

    return union_node(members)


class FastGapReport:
    """Statuses of the target clauses, with the chain that explains each proven one."""

    def __init__(
        self,
        index: GapIndex,
        inventory: Inventory,
        target: str,
        clauses: _Target,
        codes: npt.NDArray[np.int8],
        reasons: dict[int, str],
        risks: dict[str, str],
        covered_via: Int,
        overlap_via: Int,
    ) -> None:
        self.gap_index = index
        self.inventory = inventory
        self.target = target
        self.clauses = clauses.clauses
        self.codes = codes
        self.risks = risks
        self._reasons = reasons
        self._covered_via = covered_via
        self._overlap_via = overlap_via
        self._position = clauses.position

    def __len__(self) -> int:
        return len(self.clauses)

    def __repr__(self) -> str:
        return f"<FastGapReport {self.target}: {self.counts}>"

    def summary_text(self, *, listed: int = 15) -> str:
        """Counts, then the gaps and undetermined clauses (the first ``listed`` of each)."""
        counts = ", ".join(f"{name} {count}" for name, count in self.counts.items())
        who = self.inventory.organisation or self.inventory.path or "inventory"
        lines = [f"Chain-based gap analysis of {who} against {self.target}: {counts}"]
        for wanted in ("gap", "undetermined"):
            found = [c for c, code in zip(self.clauses, self.codes.tolist(), strict=True) if STATUS_NAMES[code] == wanted]
            if found:
                lines.append(f"\n{wanted} ({len(found)}):")
                lines += [f"  {c.id:<30} {c.title}" for c in found[:listed]]
                if len(found) > listed:
                    lines.append(f"  … {len(found) - listed} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary_text()

    def to_excel(self, path: str | Path) -> Path:
        """Write the workbook (Findings with the chain behind each status, Risks, About); atomic."""
        from crosswalk.excel import write_fast_gap_workbook

        return write_fast_gap_workbook(self, path)

    def to_frame(self) -> pd.DataFrame:
        """One row per target clause: id, English heading, status, and the explanation."""
        import pandas as pd

        return pd.DataFrame(
            [(c.id, c.title, STATUS_NAMES[code], " → ".join(self.explain(c.id)))
             for c, code in zip(self.clauses, self.codes.tolist(), strict=True)],
            columns=["clause", "title", "status", "why"],
        )

    def _repr_html_(self) -> str:
        from crosswalk.display import STATUS_COLOURS, table_html

        counts = ", ".join(f"{name} {count}" for name, count in self.counts.items())
        rows = [(c.id, c.title, STATUS_NAMES[code]) for c, code in zip(self.clauses, self.codes.tolist(), strict=True)]
        colours = [STATUS_COLOURS.get(status) for _, _, status in rows]
        return (f"<p><b>Fast gap analysis against {escape(self.target)}</b>: {escape(counts)} "
                f"(<code>report.explain(clause)</code> gives the chain behind a status)</p>"
                + table_html(["clause", "title", "status"], rows, row_colours=colours))

    def status(self, clause_id: str) -> str:
        """The status of one target clause (KeyError if it is not a target)."""
        return STATUS_NAMES[self.codes[self._position[clause_id]]]

    @property
    def statuses(self) -> dict[str, str]:
        """Clause id -> status, in document order."""
        return {c.id: STATUS_NAMES[code] for c, code in zip(self.clauses, self.codes.tolist(), strict=True)}

    @property
    def counts(self) -> dict[str, int]:
        """How many target clauses have each status (in gap.py's order)."""
        found = np.bincount(self.codes, minlength=len(STATUS_NAMES))
        return {name: int(found[STATUS_NAMES.index(name)]) for name in reversed(STATUS_NAMES)}

    def explain(self, clause_id: str) -> list[str]:
        """The chain behind a status, control first, one fact per line."""
        position = self._position[clause_id]
        status = STATUS_NAMES[self.codes[position]]
        node = self.gap_index.index[clause_id]
        if status == "not_applicable":
            return [f"not applicable: {self._reasons[position]}"]
        if status == "covered":
            return self._covered_chain(node)
        if status == "partial":
            return self._overlap_chain(node)
        if status == "undetermined":
            return ["undetermined: a chain links an implemented clause, but no overlap follows from it"]
        return ["gap: no effective control is linked to this clause"]

    def _control_for(self, node: int, coverage: str) -> str:
        name = self.gap_index.nodes[node]
        for control in self.inventory.controls:
            if control.effective and any(
                r.clause == name and control.coverage_of(r) == coverage for r in control.implements
            ):
                return f"{control.id} implements {name} ({coverage})"
        raise AssertionError(f"no effective control implements {name}")  # pragma: no cover

    def _fact_line(self, edge: int) -> str:
        return self.gap_index._facts.line(int(self.gap_index._fact[edge]))

    def _covered_chain(self, node: int) -> list[str]:
        lines: list[str] = []
        nodes = self.gap_index.nodes
        while (via := int(self._covered_via[node])) >= 0:
            lines.append(self._fact_line(via))
            node = int(self.gap_index._source[via])
        if via == _UNION_RULE:
            members = self.gap_index._member[self.gap_index._union == node]
            lines.append(f"every member of {nodes[node]} is covered: " + ", ".join(nodes[m] for m in members))
        else:
            lines.append(self._control_for(node, "full"))
        return lines[::-1]

    def _overlap_chain(self, node: int) -> list[str]:
        lines: list[str] = []
        while self._covered_via[node] == _UNREACHED and (via := int(self._overlap_via[node])) >= 0:
            lines.append(self._fact_line(via))
            node = int(self.gap_index._source[via])
        if self._covered_via[node] != _UNREACHED:
            return self._covered_chain(node) + lines[::-1]
        return [self._control_for(node, "partial"), *lines[::-1]]


class ChainRelations:
    """What chains of facts entail between one clause and every other node.

    For each node: the intersection of the compositions of every chain (walk) of facts
    that reaches it. Sound — each composition contains the true relation, so their
    intersection does too — and found in time near-linear in the number of facts; but
    never tighter than :meth:`crosswalk.knowledge.KnowledgeBase.relation`, whose path
    consistency also intersects at the nodes in between. ``relation()`` is "any" for a
    node no informative chain reaches.
    """

    def __init__(self, index: GapIndex, clause_id: str, state: npt.NDArray[np.uint16], level: npt.NDArray[np.int32]) -> None:
        self.gap_index = index
        self.source = clause_id
        self._state = state
        self._level = level
        self._masks = _WALK_MEET[state]

    def __repr__(self) -> str:
        return f"<ChainRelations from {self.source}: {len(self.related())} related clauses>"

    def _node(self, clause_id: str) -> int:
        node = self.gap_index.index.get(clause_id)
        if node is None:
            import difflib

            from crosswalk.errors import UnknownClauseError

            names = [n for n in self.gap_index.nodes if not n.startswith("∪(")]
            raise UnknownClauseError(clause_id, difflib.get_close_matches(clause_id, names, n=3))
        return node

    def relation(self, clause_id: str) -> RelationSet:
        """The relation set the chains entail from the source to ``clause_id``."""
        return RelationSet(int(self._masks[self._node(clause_id)]))

    def related(self, framework: str | None = None) -> dict[str, RelationSet]:
        """Every clause (of ``framework``, if given) with something entailed, source excluded."""
        nodes = self.gap_index.nodes
        found = np.flatnonzero(self._masks != ALL).tolist()
        prefix = f"{framework}:" if framework else ""
        return {
            nodes[n]: RelationSet(int(self._masks[n]))
            for n in found
            if nodes[n] != self.source and nodes[n].startswith(prefix) and not nodes[n].startswith("∪(")
        }

    def to_frame(self, framework: str | None = None) -> pd.DataFrame:
        """The related clauses (of ``framework``, if given) with their relation sets."""
        import pandas as pd

        related = self.related(framework)
        return pd.DataFrame(
            [(name, str(relation), relation.status) for name, relation in related.items()],
            columns=["clause", "relation", "status_if_source_implemented"],
        )

    def _repr_html_(self) -> str:
        from crosswalk.display import STATUS_COLOURS, table_html

        related = self.related()
        rows = [(name, str(relation), relation.status) for name, relation in list(related.items())[:200]]
        more = f" (the first 200 of {len(related)})" if len(related) > 200 else ""
        return (f"<p><b>What chains entail from {escape(self.source)}</b>: {len(related)} related clauses{more}; "
                f"<code>.explain(clause)</code> shows the chains</p>"
                + table_html(["clause", "relation set", "status if the source is fully implemented"], rows,
                             row_colours=[STATUS_COLOURS.get(status) for *_, status in rows]))

    def chains(self, clause_id: str) -> list[list[tuple[int, int]]]:
        """One shortest chain per relation set the chains to ``clause_id`` compose to (the
        relation is the intersection of their compositions): each step is a fact's number
        and its relation set read along the chain, source first."""
        index = self.gap_index
        node = self._node(clause_id)
        level = self._level
        result = []
        for k in np.flatnonzero(level[node] >= 0).tolist():
            chain: list[tuple[int, int]] = []
            at, bit = node, k
            while level[at, bit] > 0:
                # the facts into `at` are its out-edges read backwards: take one from a node
                # reached a step earlier in a relation set that this fact steps to `bit`
                for edge in range(int(index._pointer[at]), int(index._pointer[at + 1])):
                    inward = converse_mask(int(index._mask[edge]))
                    if _FACT_CODE[inward] < 0:
                        continue
                    before = int(index._target[edge])
                    steps = np.flatnonzero(
                        (level[before] == level[at, bit] - 1) & (_WALK_SINGLE[_FACT_CODE[inward]] == 1 << bit)
                    )
                    if steps.size:
                        chain.append((int(index._fact[edge]), inward))
                        at, bit = before, int(steps[0])
                        break
                else:  # pragma: no cover - a state reached at depth d has a predecessor at d - 1
                    raise AssertionError(f"no predecessor of {index.nodes[at]}")
            result.append(chain[::-1])
        return result

    def explain(self, clause_id: str) -> list[list[str]]:
        """The chains of :meth:`chains`, one fact per line, with where each fact comes from."""
        table = self.gap_index._facts
        nodes = self.gap_index.nodes
        result = []
        for chain in self.chains(clause_id):
            lines, at = [], self.gap_index.index[self.source]
            for fact, mask in chain:
                left, right = int(table.left[fact]), int(table.right[fact])
                after = right if left == at else left
                origin = int(table.origin[fact])
                where = table.mappings[origin].where if origin >= 0 else _KINDS[table.kind[fact]]
                lines.append(f"{nodes[at]} {RelationSet(mask)} {nodes[after]} [{where}]")
                at = after
            result.append(lines)
        return result


_INDEXES: weakref.WeakKeyDictionary[KnowledgeBase, GapIndex] = weakref.WeakKeyDictionary()


def index_of(kb: KnowledgeBase) -> GapIndex:
    """The :class:`GapIndex` of ``kb``, built on first use and kept while ``kb`` lives."""
    index = _INDEXES.get(kb)
    if index is None:
        index = _INDEXES[kb] = GapIndex(kb)
    return index


def fast_gap_analysis(
    kb: KnowledgeBase,
    inventory: Inventory,
    *,
    target: str,
    profile: Profile | None = None,
    risk_frameworks: Iterable[str] | None = None,
) -> FastGapReport:
    """Chain-based gap analysis of ``inventory`` against ``target`` (module doc), on
    :func:`index_of` ``kb``."""
    return index_of(kb).analyse(inventory, target=target, profile=profile, risk_frameworks=risk_frameworks)
