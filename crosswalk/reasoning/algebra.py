"""The engine's algebra: the 14 relation sets the facts of a knowledge base generate.

:mod:`crosswalk.reasoning.relations` holds RCC-5 itself (every 5-bit set, its converse,
the composition table read from the ontology). This module holds what the closure
needs on top of it, as numpy tables: :data:`CONVERSE` and :data:`COMPOSE` indexed by
mask (the gap analysis, its evidence and the statistics read the closure's rows with
them), the relation sets facts carry (:data:`FACT_MASKS`) and :func:`algebra`, their
closure under composition, converse and intersection, numbered as the states of the walk
search. It is apart from :mod:`crosswalk.reasoning.closure` because it is the same
for every network: what the walk search reads, not what it computes (docs/engine.md §2).

>>> found = algebra()
>>> len(found.masks), found.distributive
(14, True)
>>> found.contains(EQ | SUB), found.contains(SUB | SUP)
(True, False)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from crosswalk.reasoning.derivation import DIS, EQ, INT, SUB, SUP
from crosswalk.reasoning.relations import _COMPOSE, _CONVERSE_MASK, ALL

__all__ = ["COMPOSE", "CONVERSE", "FACT_MASKS", "Algebra", "algebra"]

CONVERSE = np.array(_CONVERSE_MASK, dtype=np.uint8)
"""The converse of every relation mask, indexed by mask: reads a closure row the other way."""
COMPOSE = np.array(_COMPOSE, dtype=np.uint8)
"""Composition of masks as one table: ``COMPOSE[left * 32 + right]``."""

FACT_MASKS = (EQ, SUB, SUP, INT, DIS, EQ | SUB, EQ | SUP)
"""The relation sets facts of a knowledge base carry: the five base relations (mappings,
adoption, exhaustive splits) and "inside" / "contains" (hierarchy, union membership)."""


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
