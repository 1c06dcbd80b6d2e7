"""A closure as raw arrays: what the cache stores, and rebuilding a closure from them.

:func:`closure_arrays` lists the numbers a closure of the walk search consists of (its
rows and its walk states); :func:`closure_from_arrays` checks them against the facts and
rebuilds the closure, explained as before, without numba. It is apart from
:mod:`crosswalk.reasoning.closure` because it is a file format, with its own checks:
:mod:`crosswalk.io.cache` writes the arrays and reads them back with
``numpy.frombuffer``, and a damaged store must be refused here, never read.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from crosswalk.reasoning._walks import Walks
from crosswalk.reasoning.algebra import algebra
from crosswalk.reasoning.closure import Closure, empty_pairs
from crosswalk.reasoning.derivation import EQ, Fact

__all__ = ["closure_arrays", "closure_from_arrays"]


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
    pairs = [(n, n) for n in contradictions] + empty_pairs(*rows)
    return Closure(size, facts, *rows, walks, pairs)
