"""Chains of facts as edge arrays: gap propagation and pairwise relations at any size.

:func:`crosswalk.gap.analysis.gap_analysis` reads its statuses off the path-consistent (PC)
closure, whose cost grows much faster than the number of mappings. This module derives
them from *chains* of facts, for every target clause at once, in time near-linear in the
number of facts: the facts are numpy edge arrays (each fact in both directions, sorted by
source, so the in-edges of a node are the converses of its out-edges), relation sets are
5-bit masks, and chains are followed by breadth-first closures over edge classes.

Facts carry one of seven relation sets: a base relation (mappings), {equal, subset_of}
(hierarchy, union membership) or its converse. Up to the statuses, composing a chain
with the table of :mod:`crosswalk.reasoning.relations` is a small automaton over five letters —
E (equal), C (⊆: subset_of, {equal, subset_of}), V (⊇: superset_of, {equal,
superset_of}), I (intersects_with), N (no_relationship) — and each status is a regular
set of chains :

- **covered**: the least fixpoint of ``(E|V)*`` from the fully implemented clauses
  (a parent contains its children, a union its members), plus the union rule: a union
  node — and so an exhaustively split clause — is covered when all its members are;
- **partial**: ``covered (E|V)* [any of E C V I] (E|C)*`` or ``partly-implemented (E|C)*``
  — the chains whose composition excludes no_relationship;
- **undetermined**: a chain from an implemented clause whose composition is neither
  "any" nor exactly "disjoint" (eight relation-set classes, each one closure, see
  :meth:`GapIndex._linked`), or a mapping chain of at most two steps (gap.py's fallback);
- **gap** otherwise; **not_applicable** by :func:`crosswalk.gap.applicability.applicability`.

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
(:meth:`crosswalk.knowledge.base.KnowledgeBase.validate`, or the data tests). The
analysis itself, with targets, applicability and risks, is :mod:`crosswalk.gap.fast`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from crosswalk.model.inventory import Inventory
from crosswalk.reasoning.chain_relations import IMPLEMENTED, UNION_RULE, UNREACHED, ChainRelations
from crosswalk.reasoning.facts import FactTable
from crosswalk.reasoning.inference import DIS, EQ, INT, SUB, SUP
from crosswalk.reasoning.relations import (
    ALL,
    CONTAINED,
    COVERING,
    OVERLAPPING,
    compose_masks,
    converse_mask,
)

__all__ = ["LETTERS", "Bool", "GapIndex", "Int", "index_of"]

LETTERS: dict[int, str] = {
    EQ: "E",
    SUB: "C",
    EQ | SUB: "C",
    SUP: "V",
    EQ | SUP: "V",
    INT: "I",
    DIS: "N",
}
"""The relation set of a fact (read in one direction) -> its letter; a fact with any other
set is not followed (which can only lose proofs, never add one)."""

Int = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
_FACT_SETS = tuple(LETTERS)  # the relation sets a fact can carry, in a fixed order


def _walk_tables() -> tuple[tuple[int, ...], npt.NDArray[np.uint16], npt.NDArray[np.uint16], Int]:
    """For :meth:`GapIndex.relations_from`.

    The relation sets a chain from a node can compose to ("any" left out: such a chain says
    nothing); for each fact set and each of them, the set one fact further, as a bit; the same over
    every set of them (a row per fact set); and the intersection of each set of them.
    """
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
    within: Bool = np.isin(masks, list(LETTERS)) & ((masks & ~allowed) == 0)
    return within


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
    first: Bool = claims[keys] == positions
    return first


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
        gathered: Int = numbers
        return gathered

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
        """Add to ``reached`` every node reachable from ``frontier``.

        ``via`` records the edge (its number among all edges) that first reached each.
        """
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


class GapIndex:
    """The facts of a knowledge base as edge arrays, built once for many gap analyses.

    >>> import crosswalk
    >>> index = GapIndex(crosswalk.load().facts)
    >>> index.edge_count > 0
    True
    """

    def __init__(self, facts: FactTable) -> None:
        self.facts = facts
        self.nodes: list[str] = facts.nodes
        self.index: dict[str, int] = facts.index
        size = len(self.nodes)
        left = np.array(facts.left, dtype=np.int64)
        right = np.array(facts.right, dtype=np.int64)
        mask = np.array(facts.mask, dtype=np.int64)
        union = np.fromiter((k == "union" for k in facts.kind), dtype=np.bool_, count=len(facts))
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
        self._compiled: dict[int, tuple[Inventory, Int, Int]] = {}

    @property
    def edge_count(self) -> int:
        """Directed edges (each fact counts twice: as asserted and as its converse)."""
        return int(self._source.size)

    def _links(self) -> Int:
        """(subject clause, object clause) of every asserted, non-negative mapping.

        A union subject gives one pair per member.
        """
        facts, index = self.facts, self.index
        pairs: list[tuple[int, int]] = []
        for number, mapping in enumerate(facts.mapping):
            if mapping is None or mapping.relation == "no_relationship":
                continue
            right = facts.right[number]
            if mapping.is_union:
                pairs.extend((index[s], right) for s in mapping.subjects)
            else:
                pairs.append((facts.left[number], right))
        return np.array(pairs, dtype=np.int64).reshape(-1, 2)

    def degrees(self) -> Int:
        """How many directed edges leave each node."""
        return np.bincount(self._source, minlength=len(self.nodes)).astype(np.int64)

    def fact_line(self, edge: int) -> str:
        """The fact behind directed edge ``edge``, as a line of an explanation."""
        return self.facts.line(int(self._fact[edge]))

    def edge_source(self, edge: int) -> int:
        """The node directed edge ``edge`` leaves."""
        return int(self._source[edge])

    def union_members(self, node: int) -> list[int]:
        """The members of union node ``node``."""
        members: list[int] = self._member[self._union == node].tolist()
        return members

    def _mapping_graph(self) -> _Edges:
        """Asserted, non-negative mappings between clauses, both ways (gap.py's two-step rule)."""
        ends = self._links()
        source = np.concatenate([ends[:, 0], ends[:, 1]])
        target = np.concatenate([ends[:, 1], ends[:, 0]])
        order = np.argsort(source, kind="stable")
        return _Edges.sorted(source[order], target[order], order, len(self.nodes))  # number: unused

    # -- propagation -------------------------------------------------------------------

    def covered(self, full: Int) -> tuple[Bool, Int]:
        """Least fixpoint of proven containment; ``via``: the edge that reached each node."""
        size = len(self.nodes)
        covered = np.zeros(size, dtype=np.bool_)
        via = np.full(size, UNREACHED, dtype=np.int64)
        covered[full] = True
        via[full] = IMPLEMENTED
        frontier = np.flatnonzero(covered)
        edges = self._covering
        claims = np.empty(size, dtype=np.int64)
        while frontier.size:
            edges.extend(covered, via, frontier, claims)
            # the union rule: a union node whose members are all covered is covered
            done = np.bincount(self._union[covered[self._member]], minlength=size)
            frontier = np.flatnonzero(
                (self._union_size > 0) & (done == self._union_size) & ~covered
            )
            covered[frontier] = True
            via[frontier] = UNION_RULE
        return covered, via

    def overlap(self, covered: Bool, partial: Int) -> tuple[Bool, Int]:
        """Nodes proven to share outcomes with what is implemented (see the module doc)."""
        size = len(self.nodes)
        reached = np.zeros(size, dtype=np.bool_)
        via = np.full(size, UNREACHED, dtype=np.int64)
        claims = np.empty(size, dtype=np.int64)
        # seeds: overlapping neighbours of covered nodes, covered nodes, partly implemented
        edges = self._overlapping
        step = edges.gather(covered.nonzero()[0])
        neighbours = edges.target[step]
        kept = _first_claims(neighbours, claims)
        reached[neighbours[kept]] = True
        via[neighbours[kept]] = edges.number[step[kept]]
        reached[covered] = True
        via[covered] = IMPLEMENTED
        reached[partial] = True
        via[partial] = IMPLEMENTED
        # what a covered node contains is already a seed: follow (E|C)* from the others
        self._contained.extend(reached, via, np.flatnonzero(reached & ~covered), claims)
        return reached, via

    def _equal_closure(self, start: Bool) -> Bool:
        """``start`` and every node a chain of equal facts reaches: whole components."""
        hit = np.zeros(start.size, dtype=np.bool_)
        hit[self._equal_part[start]] = True
        return hit[self._equal_part]

    def linked(self, implemented: Int, only: Int | None = None) -> Bool:
        """Nodes linked to an implemented node, though no overlap may follow.

        Linked means: reached by a chain whose composition is neither "any" nor exactly
        "disjoint", or by a mapping chain of at most two steps — exactly on the nodes of
        ``only`` when it is given (the undecided targets), elsewhere perhaps fewer.

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
        linked: Bool = (
            equal | sup | sub | overlaps | sub_overlaps | one | self._mapping_links.step(one)
        )
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
        """What chains of facts entail between ``clause_id`` and every node.

        One breadth-first search over (node, composed relation set) states, each node's reachable
        sets held as bits of one integer, stepped by table lookup.
        """
        source = self.index[clause_id]
        size = len(self.nodes)
        edges = self._followed
        claims = np.empty(size, dtype=np.int64)
        state = np.zeros(size, dtype=np.uint16)  # bit k: some chain composes to _WALK_STATES[k]
        pending = np.zeros(size, dtype=np.uint16)  # bits a frontier node has not passed on
        level = np.full(
            (size, len(_WALK_STATES)), -1, dtype=np.int32
        )  # chain length at first reach
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
        return ChainRelations(self, clause_id, _WALK_MEET[state], level)

    def implemented(self, inventory: Inventory) -> tuple[Int, Int]:
        """Nodes fully and partly implemented by the effective controls.

        Compiled once per inventory (inventories are immutable), like the node sets a
        per-target search starts from.
        """
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

    def chains_to(self, level: npt.NDArray[np.int32], node: int) -> list[list[tuple[int, int]]]:
        """Shortest chains to ``node`` of a search by :meth:`relations_from`.

        ``level`` is the search's array; one chain per relation set they compose to, as
        (fact number, relation set) steps.
        """
        index = self
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
                        (level[before] == level[at, bit] - 1)
                        & (_WALK_SINGLE[_FACT_CODE[inward]] == 1 << bit)
                    )
                    if steps.size:
                        chain.append((int(index._fact[edge]), inward))
                        at, bit = before, int(steps[0])
                        break
                else:  # pragma: no cover - a state reached at depth d has a predecessor at d - 1
                    raise AssertionError(f"no predecessor of {index.nodes[at]}")
            result.append(chain[::-1])
        return result


_INDEXES: weakref.WeakKeyDictionary[FactTable, GapIndex] = weakref.WeakKeyDictionary()


def index_of(facts: FactTable) -> GapIndex:
    """The :class:`GapIndex` of ``facts``, built on first use and kept while they live."""
    index = _INDEXES.get(facts)
    if index is None:
        index = _INDEXES[facts] = GapIndex(facts)
    return index
