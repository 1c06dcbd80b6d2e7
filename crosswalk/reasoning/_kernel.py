"""The compiled inner loop of the reasoning engine: every walk from every node (numba).

:mod:`crosswalk.reasoning.engine` imports this module only when it computes a closure,
so that ``import crosswalk`` (and a knowledge base loaded from the cache) never pays for
importing numba. Functions are compiled on first use and cached on disk (``cache=True``).

The arrays describe a directed graph in compressed-row form: every fact appears twice,
once in each direction, with the *state* of its relation set read in that direction (a
position in the engine's algebra). ``step[a, b]`` is the state of ``state a`` composed
with ``state b``, or -1 when the composition is the universal relation (a walk that says
nothing, never followed).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["walk_closure"]

_ROW_SENTINEL = -1


@njit(cache=True, nogil=True)
def _grown(array, needed):  # type: ignore[no-untyped-def]
    """A copy of ``array`` with room for at least ``needed`` items (doubling)."""
    size = max(needed, 2 * array.size, 1024)
    bigger = np.empty(size, dtype=array.dtype)
    bigger[: array.size] = array
    return bigger


@njit(cache=True, nogil=True)
def walk_closure(size, pointer, target, edge_state, edge_fact, step, state_mask, root, estimate):  # type: ignore[no-untyped-def]
    """For every node ``s``, a breadth-first search over (node, state) pairs: the states
    are the relation sets the walks from ``s`` compose to. A node's relation is the
    intersection (meet) of its states; each state keeps the edge that first reached it
    and the state it came from, so that every relation can later be explained.

    Walks that come back to ``s`` are not followed: on a consistent network such a walk
    starts with a closed walk whose composition contains ``equal`` and so is never tighter
    than the rest of it; on an inconsistent one, the first closed walk that excludes
    ``equal`` already leaves an empty meet at the node before ``s`` (module docs of
    :mod:`crosswalk.reasoning.engine`).

    Returns, row by row in node order and sorted by neighbour within a row: the row
    pointers, the neighbours and their relation masks, each entry's first state slot
    (one more for the end), the rows' first slots, and for every slot its
    predecessor slot (relative to the row, -1 for a single fact from ``s``), its fact
    (number * 2, + 1 when read against its direction) and its state; and the
    contradictions, as pairs (s, node) with an empty meet and s < node.
    """
    states = state_mask.size
    popcount = np.zeros(1 << states, dtype=np.int32)
    for bits in range(1, 1 << states):
        popcount[bits] = popcount[bits >> 1] + (bits & 1)

    seen = np.zeros(size, dtype=np.int32)  # bit k: some walk from s reaches the node in state k
    came_from = np.empty(size * states, dtype=np.int64)  # (node * states + state) before it
    came_by = np.empty(size * states, dtype=np.int32)  # the fact code of the step
    queue = np.empty(size * states, dtype=np.int64)
    touched = np.empty(size, dtype=np.int64)
    first_slot = np.zeros(size, dtype=np.int32)

    row_pointer = np.zeros(size + 1, dtype=np.int64)
    row_slot = np.zeros(size + 1, dtype=np.int64)
    capacity = max(estimate, 1024)
    neighbour = np.empty(capacity, dtype=np.int32)
    mask = np.empty(capacity, dtype=np.uint8)
    slot_start = np.empty(capacity + 1, dtype=np.int64)
    slot_capacity = 2 * capacity
    slot_pred = np.empty(slot_capacity, dtype=np.int32)
    slot_fact = np.empty(slot_capacity, dtype=np.int32)
    slot_state = np.empty(slot_capacity, dtype=np.int8)
    conflicts = np.empty(64, dtype=np.int64)
    conflict_count = 0
    entries = 0
    slots = 0

    for s in range(size):
        count = 0
        head = 0
        tail = 0
        queue[tail] = s * states + root
        tail += 1
        while head < tail:
            code = queue[head]
            head += 1
            u = code // states
            state = code - u * states
            for e in range(pointer[u], pointer[u + 1]):
                v = target[e]
                if v == s:
                    continue
                after = step[state, edge_state[e]]
                if after < 0:
                    continue
                bit = np.int32(1) << after
                if seen[v] & bit:
                    continue
                if seen[v] == 0:
                    touched[count] = v
                    count += 1
                seen[v] |= bit
                came_from[v * states + after] = code
                came_by[v * states + after] = edge_fact[e]
                queue[tail] = v * states + after
                tail += 1

        row = np.sort(touched[:count])
        row_base = slots
        total = 0
        for t in range(count):
            v = row[t]
            first_slot[v] = total
            total += popcount[seen[v]]
        if entries + count + 1 > neighbour.size:
            neighbour = _grown(neighbour, entries + count + 1)
            mask = _grown(mask, entries + count + 1)
            slot_start = _grown(slot_start, entries + count + 1)
        if slots + total > slot_pred.size:
            slot_pred = _grown(slot_pred, slots + total)
            slot_fact = _grown(slot_fact, slots + total)
            slot_state = _grown(slot_state, slots + total)
        for t in range(count):
            v = row[t]
            bits = seen[v]
            meet = 31
            neighbour[entries] = v
            slot_start[entries] = row_base + first_slot[v]
            for k in range(states):
                if not (bits >> k) & 1:
                    continue
                meet &= state_mask[k]
                before = came_from[v * states + k]
                u = before // states
                if u == s:
                    slot_pred[slots] = _ROW_SENTINEL
                else:
                    below = seen[u] & ((np.int32(1) << (before - u * states)) - 1)
                    slot_pred[slots] = first_slot[u] + popcount[below]
                slot_fact[slots] = came_by[v * states + k]
                slot_state[slots] = k
                slots += 1
            mask[entries] = meet
            entries += 1
            if meet == 0 and s < v:
                if conflict_count + 2 > conflicts.size:
                    conflicts = _grown(conflicts, conflict_count + 2)
                conflicts[conflict_count] = s
                conflicts[conflict_count + 1] = v
                conflict_count += 2
        for t in range(count):
            seen[row[t]] = 0
        row_pointer[s + 1] = entries
        row_slot[s + 1] = slots

    slot_start[entries] = slots
    return (
        row_pointer,
        neighbour[:entries].copy(),
        mask[:entries].copy(),
        slot_start[: entries + 1].copy(),
        row_slot,
        slot_pred[:slots].copy(),
        slot_fact[:slots].copy(),
        slot_state[:slots].copy(),
        conflicts[:conflict_count].copy().reshape(-1, 2),
    )
