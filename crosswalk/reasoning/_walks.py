"""The walk search that computes the closure's rows, and the derivations it leaves.

:func:`walk_search` runs the compiled search of :mod:`._kernel` over every node and
collects the rows. :class:`Walks` keeps, for every entry, the states the walks to it
reached and how each was first reached, and expands them into derivations
(docs/engine.md §3–§4).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from crosswalk.io.cache import trusted_directory
from crosswalk.reasoning.derivation import Derivation, Fact
from crosswalk.reasoning.relations import _CONVERSE_MASK, ALL

__all__ = ["Tables", "Walks", "walk_search"]

Int = npt.NDArray[np.int64]
Array = npt.NDArray[Any]

ENTRIES_PER_EDGE = 32
"""Room for this many entries per directed edge in the first output buffers (S needs 7,
L 15; more rows go to further buffers)."""
MINIMUM_BUFFER = 4096

_KINDS = ((np.int32, 1), (np.uint8, 1), (np.int64, 1), (np.int32, 2), (np.int32, 2), (np.int8, 2))
"""The output arrays: per entry its neighbour, mask and first slot; per slot the slot it
extends (relative to its row), its fact and its state — dtype, and slots per entry of
the first buffers."""


class Tables(NamedTuple):
    """The algebra as the kernel reads it (see :class:`crosswalk.reasoning.algebra.Algebra`)."""

    step: npt.NDArray[np.int8]  # flat: step[a * states + b]
    cover: npt.NDArray[np.int32]
    popcount: npt.NDArray[np.int32]
    masks: tuple[int, ...]
    root: int  # the state of {equal}


@dataclass
class Walks:
    """The states of every walk search.

    For each entry of the rows: the relation sets the walks to it compose to (its *slots*,
    entry by entry), and for each slot the fact that first reached it and the slot it extends
    (relative to the row's first slot, -1 for a walk of one fact). Following them back gives a
    chain of facts.
    """

    slot_start: Int
    row_slot: Int
    slot_pred: npt.NDArray[np.int32]
    slot_fact: npt.NDArray[np.int32]
    slot_state: npt.NDArray[np.int8]
    masks: tuple[int, ...]

    def chain(self, left: int, slot: int) -> list[int]:
        """The slots from ``left``'s first step to ``slot``, in walk order."""
        base = int(self.row_slot[left])
        steps = [slot]
        previous = int(self.slot_pred[slot])
        while previous >= 0:
            steps.append(base + previous)
            previous = int(self.slot_pred[base + previous])
        steps.reverse()
        return steps

    def derivation(
        self, facts: Sequence[Fact], left: int, right: int, position: int, mask: int
    ) -> Derivation:
        """The intersection of the fewest walks (shortest first) that give the entry's relation.

        Each walk is a left-deep chain of compositions whose leaves are its facts.
        """
        chosen = self._chosen(left, position, mask)
        parts = tuple(self._walk(facts, left, slot) for slot in chosen)
        if len(parts) == 1:
            return parts[0]
        return Derivation(left, right, mask, "intersection", parts=parts)

    def strength(
        self, facts: Sequence[Fact], left: int, right: int, position: int, mask: int
    ) -> int:
        """The strength of the entry's derivation (its weakest fact), without building it.

        The same walks as :meth:`derivation`; a gap analysis ranks evidence by this and
        expands only the derivations that are shown.
        """
        strengths = [
            facts[int(self.slot_fact[step]) >> 1].strength
            for slot in self._chosen(left, position, mask)
            for step in self.chain(left, slot)
        ]
        return min(strengths, default=10)

    def _chosen(self, left: int, position: int, mask: int) -> list[int]:
        """The fewest walks to the entry (shortest first) whose states meet in its mask."""
        slots = range(int(self.slot_start[position]), int(self.slot_start[position + 1]))
        walks = sorted((len(self.chain(left, slot)), slot) for slot in slots)
        chosen: list[int] = []
        meet = ALL
        for _, slot in walks:
            state_mask = self.masks[self.slot_state[slot]]
            if meet & state_mask != meet:
                chosen.append(slot)
                meet &= state_mask
        for slot in reversed(chosen[:]):  # drop a walk the others no longer need
            rest = ALL
            for other in chosen:
                if other != slot:
                    rest &= self.masks[self.slot_state[other]]
            if len(chosen) > 1 and rest == mask:
                chosen.remove(slot)
        return chosen

    def _walk(self, facts: Sequence[Fact], left: int, slot: int) -> Derivation:
        result: Derivation | None = None
        node = left
        for step in self.chain(left, slot):
            code = int(self.slot_fact[step])
            fact = facts[code >> 1]
            if code & 1:
                far, mask, rule = fact.left, _CONVERSE_MASK[fact.mask], f"{fact.kind} (converse)"
            else:
                far, mask, rule = fact.right, fact.mask, fact.kind
            leaf = Derivation(node, far, mask, rule, fact=fact)
            if result is None:
                result = leaf
            else:
                state_mask = self.masks[self.slot_state[step]]
                result = Derivation(
                    left, far, state_mask, "composition", via=node, parts=(result, leaf)
                )
            node = far
        assert result is not None, "an entry always has a walk"
        return result


def _numba_cache_beside_us() -> None:
    """Choose where numba keeps the compiled kernel.

    Beside the module when that is writable (a development checkout, most installs), else in
    crosswalk's own cache directory — so the kernel is compiled once, not in every process
    (``NUMBA_CACHE_DIR`` set by the user wins; numba reads it when first imported).
    """
    if "numba" in sys.modules or os.environ.get("NUMBA_CACHE_DIR"):
        return
    here = Path(__file__).resolve().parent
    if os.access(here / "__pycache__", os.W_OK) or os.access(here, os.W_OK):
        return
    directory = trusted_directory(create=True)
    if directory is not None:
        os.environ["NUMBA_CACHE_DIR"] = str(directory / "numba")


def walk_search(
    pointer: Int,
    target: npt.NDArray[np.int32],
    state: npt.NDArray[np.int8],
    code: npt.NDArray[np.int32],
    tables: Tables,
) -> tuple[Walks, Int, npt.NDArray[np.int32], npt.NDArray[np.uint8]]:
    """The closure's rows (pointers, sorted neighbours, masks) and their walks.

    Computed a buffer at a time. Pages of ``np.empty`` that are never written cost no memory,
    so the buffers are made large enough for one call in all but rare cases, and a single
    buffer is kept as it is, without a copy.
    """
    _numba_cache_beside_us()
    from crosswalk.reasoning._kernel import walk_rows

    size = pointer.size - 1
    states = len(tables.masks)
    scratch = (
        np.zeros(size, dtype=np.int32),  # seen: the states reached, one bit each
        np.empty(size * states, dtype=np.int64),  # came_from: (node * states + state) before
        np.empty(size * states, dtype=np.int32),  # came_by: the fact code of that step
        np.empty(size * states, dtype=np.int64),  # queue
        np.empty(size, dtype=np.int64),  # touched
        np.empty(size, dtype=np.int32),  # first_slot
    )
    row_entries = np.zeros(size, dtype=np.int64)
    row_slots = np.zeros(size, dtype=np.int64)
    inputs = (
        pointer,
        target,
        state,
        code,
        tables.step,
        tables.cover,
        np.asarray(tables.masks, dtype=np.int64),
        tables.root,
        tables.popcount,
    )
    parts: list[list[Array]] = [[] for _ in _KINDS]
    capacity = max(MINIMUM_BUFFER, ENTRIES_PER_EDGE * int(target.size))
    first = slots_done = 0
    while True:
        buffers = [np.empty(scale * capacity, dtype=dtype) for dtype, scale in _KINDS]
        outputs = (row_entries, row_slots, *buffers)
        done, entries, slots = walk_rows(first, slots_done, *inputs, *scratch, *outputs)
        if done == first < size:  # one row larger than the buffers
            capacity *= 2
            continue
        slots_done += slots
        last = int(done == size)
        if last:
            buffers[2][entries] = slots_done  # where the last entry's slots end
        lengths = (entries, entries, entries + last, slots, slots, slots)
        for part, buffer, length in zip(parts, buffers, lengths, strict=True):
            part.append(buffer[:length])
        first = done
        if last:
            break
    neighbour, relation, slot_start, pred, fact, slot_state = (
        part[0] if len(part) == 1 else np.concatenate(part) for part in parts
    )
    row_pointer = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(row_entries, out=row_pointer[1:])
    row_slot = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(row_slots, out=row_slot[1:])
    walks = Walks(slot_start, row_slot, pred, fact, slot_state, tables.masks)
    return walks, row_pointer, neighbour, relation
