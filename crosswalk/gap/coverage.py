"""The statuses of a gap analysis, for every target clause at once, over the closure's arrays.

This is the whole of what a gap analysis must compute before it can say how many clauses
are covered: which nodes the effective controls cover (the least fixpoint through proven
containment and unions), and per target which of the coverage rules first holds. Evidence,
reasons, causes and remedies are read from the same arrays later, finding by finding
(:mod:`crosswalk.gap.evidence`), and only when a caller asks for them.

What depends only on the knowledge base (the containment edges of the closure, the union
members) is kept on the closure; what depends on the inventory (which nodes its effective
controls implement, fully or in part) is kept on the network, for the last few inventories
analysed: an :class:`~crosswalk.model.inventory.Inventory` is frozen, so its index never
goes stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from crosswalk.model.inventory import Control, Inventory
from crosswalk.reasoning.algebra import CONVERSE
from crosswalk.reasoning.relations import (
    ALL,
    CONTAINED,
    COVERING,
    OVERLAPPING,
    RelationSet,
)

if TYPE_CHECKING:
    from crosswalk.reasoning.closure import Closure
    from crosswalk.reasoning.engine import Network

__all__ = ["STATUS_CODES", "Coverage", "Implemented", "coverage", "implemented"]

STATUS_CODES = ("covered", "partial", "undetermined", "gap")
"""The proven statuses by code (0–3), as :func:`Coverage.statuses` returns them."""
COVERED, PARTIAL, UNDETERMINED, GAP = range(4)

_DISJOINT = RelationSet.of("no_relationship").mask
_INVENTORIES = 4
"""How many inventories' indexes a network keeps (an analysis per framework reuses one)."""

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Implemented:
    """Which nodes the effective controls of one inventory implement, fully or in part.

    ``full`` and ``partial`` map a node to its (control, cited clause) pairs in inventory
    order; the arrays mark the same nodes, to filter rows of the closure at once.
    """

    full: dict[int, list[tuple[Control, str]]]
    partial: dict[int, list[tuple[Control, str]]]
    is_full: npt.NDArray[np.bool_]
    is_partial: npt.NDArray[np.bool_]


def implemented(network: Network, inventory: Inventory) -> Implemented:
    """The index of ``inventory`` over ``network``'s nodes, built once per inventory."""
    cache: dict[int, tuple[Inventory, Implemented]] = network.__dict__.setdefault(
        "_gap_inventories", {}
    )
    found = cache.get(id(inventory))
    if found is not None and found[0] is inventory:
        return found[1]
    index = network.index
    full: dict[int, list[tuple[Control, str]]] = {}
    partial: dict[int, list[tuple[Control, str]]] = {}
    for control in inventory.controls:
        if not control.effective:
            continue
        for ref in control.implements:
            bucket = full if control.coverage_of(ref) == "full" else partial
            bucket.setdefault(index[ref.clause], []).append((control, ref.clause))
    size = len(network.nodes)
    result = Implemented(full, partial, _marked(size, full), _marked(size, partial))
    while len(cache) >= _INVENTORIES:  # the inventory is kept alive by its entry: few of them
        cache.pop(next(iter(cache)))
    cache[id(inventory)] = (inventory, result)
    return result


def _marked(size: int, nodes: dict[int, list[tuple[Control, str]]]) -> npt.NDArray[np.bool_]:
    array = np.zeros(size, dtype=np.bool_)
    array[np.fromiter(nodes, dtype=np.int64, count=len(nodes))] = True
    return array


def _gather(pointer: npt.NDArray[np.int64], rows: Ints) -> tuple[Ints, Ints]:
    """The positions of the entries of ``rows`` (in that order) and the row each belongs to."""
    starts = pointer[rows]
    lengths = pointer[rows + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    positions = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)
    return positions, np.repeat(np.arange(rows.size, dtype=np.int64), lengths)


@dataclass(frozen=True)
class _Containment:
    """The closure's entries ``node ⊇ other`` ({equal, superset_of}), in rows like the closure's."""

    pointer: npt.NDArray[np.int64]
    neighbour: npt.NDArray[np.int32]
    mask: npt.NDArray[np.uint8]


def _containment(closure: Closure) -> _Containment:
    """The containment rows of ``closure``, filtered once per closure."""
    found: _Containment | None = closure.__dict__.get("_gap_containment")
    if found is None:
        inside = (closure.relation & (ALL & ~COVERING)) == 0
        before = np.zeros(inside.size + 1, dtype=np.int64)  # entries kept before each one
        np.cumsum(inside, out=before[1:])
        pointer = before[np.asarray(closure.row_pointer, dtype=np.int64)]
        found = _Containment(pointer, closure.neighbour[inside], closure.relation[inside])
        closure.__dict__["_gap_containment"] = found
    return found


@dataclass
class Coverage:
    """The covered nodes of one inventory and how each was reached.

    ``middle[n]`` is the covered node that ``n`` was first found inside (−1: ``n`` is
    implemented in full itself, or a union of covered members), ``mask[n]`` the relation
    ``middle → n``, ``seed[n]`` the fully implemented node the chain started from; the order
    of discovery is the old breadth-first order, so evidence built from these arrays is
    the same, whatever the order a caller reads it in. ``unions`` are the union nodes
    covered because all their members are.
    """

    closure: Closure
    network: Network
    implemented: Implemented
    covered: npt.NDArray[np.bool_]
    middle: Ints
    mask: npt.NDArray[np.uint8]
    seed: Ints
    unions: list[int]

    def statuses(
        self, targets: Ints, linked: Callable[[], dict[int, set[int]]]
    ) -> npt.NDArray[np.int8]:
        """The status code of every node in ``targets`` (:data:`STATUS_CODES`), at once.

        The rules of :mod:`crosswalk.gap.analysis`, each a filter over the targets' rows
        of the closure; the two-mapping chain of an undetermined status (``linked``: the
        asserted mappings' neighbours, asked for only then) is looked up only for the few
        targets left.
        """
        closure, marks = self.closure, self.implemented
        status = np.full(targets.size, GAP, dtype=np.int8)
        covered = self.covered[targets]
        status[covered] = COVERED
        open_ = np.flatnonzero(~covered)
        positions, row = _gather(closure.row_pointer, targets[open_])
        others = closure.neighbour[positions]
        toward = CONVERSE[closure.relation[positions]]  # other → target
        overlap = (self.covered[others] & ((toward & (ALL & ~OVERLAPPING)) == 0)) | (
            marks.is_partial[others] & ((toward & (ALL & ~CONTAINED)) == 0)
        )
        hit = np.bincount(row[overlap], minlength=open_.size) > 0
        hit |= marks.is_partial[targets[open_]]
        status[open_[hit]] = PARTIAL
        either = marks.is_full[others] | marks.is_partial[others]
        near = np.bincount(row[either & (toward != _DISJOINT)], minlength=open_.size) > 0
        status[open_[near & ~hit]] = UNDETERMINED
        left = open_[~near & ~hit].tolist()
        neighbours = linked() if left else {}
        for position in left:
            if _chained(int(targets[position]), neighbours, marks):
                status[position] = UNDETERMINED
        return status


def _chained(target: int, linked: dict[int, set[int]], marks: Implemented) -> bool:
    """True when a chain of at most two asserted mappings reaches an implemented clause."""
    for node in linked.get(target, ()):
        if marks.is_full[node] or marks.is_partial[node]:
            return True
        for other in linked.get(node, ()):
            if marks.is_full[other] or marks.is_partial[other]:
                return True
    return False


def coverage(closure: Closure, network: Network, marks: Implemented) -> Coverage:
    """Least fixpoint from the fully implemented nodes through proven containment and unions.

    Round by round like a breadth-first search: a node not yet covered is reached from the
    first covered node of the round (in discovery order) proven to contain it; then every
    union touched whose members are all covered is covered too.
    """
    size = len(network.nodes)
    rows = _containment(closure)
    covered = np.zeros(size, dtype=np.bool_)
    middle = np.full(size, -1, dtype=np.int64)
    mask = np.zeros(size, dtype=np.uint8)
    seed = np.full(size, -1, dtype=np.int64)
    frontier = np.fromiter(marks.full, dtype=np.int64, count=len(marks.full))
    covered[frontier] = True
    seed[frontier] = frontier
    union_rows = _unions(network)
    unions: list[int] = []
    while frontier.size:
        positions, row = _gather(rows.pointer, frontier)
        others = rows.neighbour[positions]
        fresh = ~covered[others]
        others, positions, row = others[fresh], positions[fresh], row[fresh]
        _, first = np.unique(others, return_index=True)
        first.sort()  # discovery order: frontier order, then row order
        found = others[first].astype(np.int64)
        middles = frontier[row[first]]
        covered[found] = True
        middle[found] = middles
        mask[found] = rows.mask[positions[first]]
        seed[found] = seed[middles]
        moved = np.concatenate([found, frontier])
        added = _covered_unions(network, union_rows, covered, seed, moved)
        unions += added
        frontier = np.concatenate([found, np.array(added, dtype=np.int64)])
    return Coverage(closure, network, marks, covered, middle, mask, seed, unions)


@dataclass(frozen=True)
class _Unions:
    """The union nodes of a network, as arrays: entry ``i`` says ``node[i]`` is a member of ``union[i]``.

    ``nested`` is true when a union is a member of another (then a union covered in a round
    can complete another in the same round, and the rounds are checked one by one).
    """

    ids: Ints
    size: Ints
    node: Ints
    union: Ints
    nested: bool


def _unions(network: Network) -> _Unions:
    """The unions of ``network`` (kept on it: they depend on nothing else)."""
    found: _Unions | None = network.__dict__.get("_gap_unions")
    if found is None:
        ids = np.array(sorted(network.unions), dtype=np.int64)
        members = [network.unions[int(u)] for u in ids]
        node = np.array([m for group in members for m in group], dtype=np.int64)
        union = np.repeat(np.arange(ids.size), [len(group) for group in members])
        nested = bool(np.isin(node, ids).any())
        size = np.array([len(group) for group in members], dtype=np.int64)
        found = network.__dict__["_gap_unions"] = _Unions(ids, size, node, union, nested)
    return found


def _covered_unions(
    network: Network,
    unions: _Unions,
    covered: npt.NDArray[np.bool_],
    seed: Ints,
    moved: Ints,
) -> list[int]:
    """The unions with a member in ``moved`` whose members are now all covered (marked covered).

    In increasing node order, like the loop over the touched unions it replaces.
    """
    if not unions.ids.size or not moved.size:
        return []
    flag = np.zeros(covered.size, dtype=np.bool_)
    flag[moved] = True
    count = unions.ids.size
    touched = np.bincount(unions.union[flag[unions.node]], minlength=count) > 0
    if unions.nested:
        return _covered_unions_one_by_one(network, unions.ids[touched], covered, seed)
    complete = np.bincount(unions.union[covered[unions.node]], minlength=count) == unions.size
    added = unions.ids[touched & complete & ~covered[unions.ids]]
    covered[added] = True
    firsts = np.array([network.unions[int(u)][0] for u in added], dtype=np.int64)
    seed[added] = seed[firsts] if firsts.size else seed[added]
    return [int(u) for u in added]


def _covered_unions_one_by_one(
    network: Network, touched: Ints, covered: npt.NDArray[np.bool_], seed: Ints
) -> list[int]:
    added = []
    for union in touched.tolist():
        members = network.unions[union]
        if not covered[union] and all(covered[m] for m in members):
            covered[union] = True
            seed[union] = seed[members[0]]
            added.append(union)
    return added
