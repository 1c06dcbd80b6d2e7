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

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from crosswalk.model.inventory import Control, Inventory
from crosswalk.reasoning.relations import (
    _CONVERSE_MASK,
    ALL,
    CONTAINED,
    COVERING,
    OVERLAPPING,
    RelationSet,
)

if TYPE_CHECKING:
    from crosswalk.reasoning.engine import Closure, Network

__all__ = ["STATUS_CODES", "Coverage", "Implemented", "coverage", "implemented"]

STATUS_CODES = ("covered", "partial", "undetermined", "gap")
"""The proven statuses by code (0–3), as :func:`Coverage.statuses` returns them."""
COVERED, PARTIAL, UNDETERMINED, GAP = range(4)

_CONVERSE = np.array(_CONVERSE_MASK, dtype=np.uint8)
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
        rows = np.repeat(np.arange(closure.size), np.diff(closure.row_pointer))
        pointer = np.zeros(closure.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows[inside], minlength=closure.size), out=pointer[1:])
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

    def statuses(self, targets: Ints, linked: dict[int, set[int]]) -> npt.NDArray[np.int8]:
        """The status code of every node in ``targets`` (:data:`STATUS_CODES`), at once.

        The rules of :mod:`crosswalk.gap.analysis`, each a filter over the targets' rows
        of the closure; the two-mapping chain of an undetermined status (``linked``: the
        asserted mappings' neighbours) is looked up only for the few targets left.
        """
        closure, marks = self.closure, self.implemented
        status = np.full(targets.size, GAP, dtype=np.int8)
        covered = self.covered[targets]
        status[covered] = COVERED
        open_ = np.flatnonzero(~covered)
        positions, row = _gather(closure.row_pointer, targets[open_])
        others = closure.neighbour[positions]
        toward = _CONVERSE[closure.relation[positions]]  # other → target
        overlap = (self.covered[others] & ((toward & (ALL & ~OVERLAPPING)) == 0)) | (
            marks.is_partial[others] & ((toward & (ALL & ~CONTAINED)) == 0)
        )
        hit = np.bincount(row[overlap], minlength=open_.size) > 0
        hit |= marks.is_partial[targets[open_]]
        status[open_[hit]] = PARTIAL
        either = marks.is_full[others] | marks.is_partial[others]
        near = np.bincount(row[either & (toward != _DISJOINT)], minlength=open_.size) > 0
        status[open_[near & ~hit]] = UNDETERMINED
        for position in open_[~near & ~hit].tolist():
            if _chained(int(targets[position]), linked, marks):
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
    unions_of = _unions_of(network)
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
        added = _covered_unions(network, unions_of, covered, seed, found, frontier)
        unions += added
        frontier = np.concatenate([found, np.array(added, dtype=np.int64)])
    return Coverage(closure, network, marks, covered, middle, mask, seed, unions)


def _unions_of(network: Network) -> tuple[dict[int, list[int]], npt.NDArray[np.bool_]]:
    """The unions each node is a member of, and which nodes are members of one.

    Kept on the network: they depend on nothing else.
    """
    found: tuple[dict[int, list[int]], npt.NDArray[np.bool_]] | None = network.__dict__.get(
        "_gap_unions_of"
    )
    if found is None:
        unions_of: dict[int, list[int]] = {}
        for union, members in network.unions.items():
            for member in members:
                unions_of.setdefault(member, []).append(union)
        is_member = np.zeros(len(network.nodes), dtype=np.bool_)
        is_member[np.fromiter(unions_of, dtype=np.int64, count=len(unions_of))] = True
        found = network.__dict__["_gap_unions_of"] = (unions_of, is_member)
    return found


def _covered_unions(
    network: Network,
    unions_of: tuple[dict[int, list[int]], npt.NDArray[np.bool_]],
    covered: npt.NDArray[np.bool_],
    seed: Ints,
    found: Ints,
    frontier: Ints,
) -> list[int]:
    """The unions touched this round whose members are now all covered (marked covered)."""
    by_member, member = unions_of
    touched_members = [n for n in (found, frontier) if n.size]
    if not by_member or not touched_members:
        return []
    moved = np.concatenate(touched_members)
    touched = sorted({u for n in moved[member[moved]].tolist() for u in by_member[n]})
    added = []
    for union in touched:
        members = network.unions[union]
        if not covered[union] and all(covered[m] for m in members):
            covered[union] = True
            seed[union] = seed[members[0]]
            added.append(union)
    return added
