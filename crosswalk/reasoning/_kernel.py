"""The compiled inner loop of the reasoning engine: every walk from every node (numba).

:mod:`crosswalk.reasoning._walks` imports this module only when it computes a closure,
so that ``import crosswalk`` (and a closure loaded from a cache, or explained) never
pays for importing numba. The function is compiled on first use and cached on disk
(``cache=True``); it is written in plain loops over arrays the caller allocates, which
keeps that compilation short.

The graph is in compressed-row form: every fact appears twice, once in each direction,
with the *state* of its relation set read in that direction (its position in the
engine's algebra). ``step[a * states + b]`` is the state of ``state a`` composed with
``state b``, or -1 when the composition is the universal relation (a walk that says
nothing, never followed).
"""

from __future__ import annotations

from numba import njit

__all__ = ["walk_rows"]


@njit(cache=True, nogil=True)
def _heapsort(values, count):  # type: ignore[no-untyped-def]
    """Sort ``values[:count]`` in place (plain loops: cheap to compile, O(n log n))."""
    for start in range(count // 2 - 1, -1, -1):
        _sift(values, start, count)
    for end in range(count - 1, 0, -1):
        values[0], values[end] = values[end], values[0]
        _sift(values, 0, end)


@njit(cache=True, nogil=True)
def _sift(values, root, end):  # type: ignore[no-untyped-def]
    while True:
        child = 2 * root + 1
        if child >= end:
            return
        if child + 1 < end and values[child + 1] > values[child]:
            child += 1
        if values[root] >= values[child]:
            return
        values[root], values[child] = values[child], values[root]
        root = child


@njit(cache=True, nogil=True)
def walk_rows(  # type: ignore[no-untyped-def]
    first,
    slot_base,
    pointer,
    target,
    edge_state,
    edge_fact,
    step,
    cover,
    state_mask,
    root,
    popcount,
    seen,
    came_from,
    came_by,
    queue,
    touched,
    first_slot,
    row_entries,
    row_slots,
    neighbour,
    mask,
    slot_start,
    slot_pred,
    slot_fact,
    slot_state,
):
    """The rows of the closure from node ``first`` on, until the output buffers are full.

    For each node ``s``, a breadth-first search over (node, state) pairs: the states are
    the relation sets the walks from ``s`` compose to. A node's relation is the
    intersection (meet) of its states; each state keeps the fact that first reached it
    and the state it came from, so that every relation can be explained.

    Two kinds of walk are not followed, neither of which can change a meet
    (docs/engine.md): walks that come back to ``s`` (on a consistent network such a walk
    starts with a closed walk whose composition contains ``equal``, so it is never
    tighter than its remainder; on an inconsistent one, a closed walk that excludes
    ``equal`` already leaves an empty meet at the node before ``s``), and a state at a
    node that already has a state inside it (``cover[k]``: the states whose sets lie
    inside state k's) — composition is monotone, so every continuation of the larger set
    contains the same continuation of the smaller one.

    Writes, per row: its entries (sorted neighbours, their masks, each entry's first
    slot, counting ``slot_base`` slots written before), and per slot the slot it extends
    (relative to the row, -1 for a walk of one fact), its fact (number * 2, + 1 when read
    against its direction) and its state; ``row_entries[s]`` and ``row_slots[s]`` count
    them. ``seen`` must be all zero. Returns the next node to do, and the entries and
    slots written (a row that does not fit is left for the next call; one entry is
    always left free after the last).
    """
    states = state_mask.size
    size = pointer.size - 1
    every = (1 << states) - 1
    entries = 0
    slots = 0
    for s in range(first, size):
        count = 0
        head = 0
        tail = 0
        queue[tail] = s * states + root
        tail += 1
        seen[s] = every  # walks back to s: never followed
        while head < tail:
            code = queue[head]
            head += 1
            u = code // states
            row = (code - u * states) * states
            for e in range(pointer[u], pointer[u + 1]):
                after = step[row + edge_state[e]]
                if after < 0:
                    continue
                v = target[e]
                if seen[v] & cover[after]:
                    continue
                if seen[v] == 0:
                    touched[count] = v
                    count += 1
                seen[v] |= 1 << after
                came_from[v * states + after] = code
                came_by[v * states + after] = edge_fact[e]
                queue[tail] = v * states + after
                tail += 1

        _heapsort(touched, count)
        row_base = slots
        total = 0
        for t in range(count):
            v = touched[t]
            first_slot[v] = total
            total += popcount[seen[v]]
        if entries + count >= neighbour.size or slots + total > slot_pred.size:
            for t in range(count):
                seen[touched[t]] = 0
            seen[s] = 0
            return s, entries, slots
        for t in range(count):
            v = touched[t]
            bits = seen[v]
            meet = 31
            neighbour[entries] = v
            slot_start[entries] = slot_base + row_base + first_slot[v]
            for k in range(states):
                if not (bits >> k) & 1:
                    continue
                meet &= state_mask[k]
                before = came_from[v * states + k]
                u = before // states
                if u == s:
                    slot_pred[slots] = -1
                else:
                    below = seen[u] & ((1 << (before - u * states)) - 1)
                    slot_pred[slots] = first_slot[u] + popcount[below]
                slot_fact[slots] = came_by[v * states + k]
                slot_state[slots] = k
                slots += 1
            mask[entries] = meet
            entries += 1
        for t in range(count):
            seen[touched[t]] = 0
        seen[s] = 0
        row_entries[s] = count
        row_slots[s] = total
    return size, entries, slots
