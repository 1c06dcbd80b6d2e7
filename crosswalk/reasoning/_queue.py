"""Path consistency by the PC-2 queue, for networks outside the engine's algebra.

:func:`crosswalk.reasoning.closure.close` sends here only networks with a fact whose
relation set lies outside the 14-set algebra (an empty set, or a disjunction such as
"subset_of or superset_of"): a knowledge base never builds one. PC-2 (Mackworth 1977,
as in GQR and SparQ) keeps a queue of the pairs that changed and revises, for each, the
pairs of a triangle through it. Each tightening is recorded as a *support* — a fact, or
a composition through a third node with the order in which it happened — so that any
result can be expanded into a derivation whose leaves are facts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from crosswalk.reasoning.derivation import EQ, Derivation, Fact
from crosswalk.reasoning.relations import _COMPOSE, _CONVERSE_MASK, ALL

__all__ = ["Supports", "queue_closure"]

Support = tuple[int, int, tuple[str, int]]  # (order, mask low -> high, ("fact", n) | ("via", node))
Rows = tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.uint8]]


@dataclass
class Supports:
    """For each pair (low, high), its tightenings in the order they happened."""

    supports: dict[tuple[int, int], list[Support]]

    def derivation(
        self, facts: Sequence[Fact], left: int, right: int, position: int, mask: int
    ) -> Derivation:
        """Expand the supports of a pair into a derivation."""
        return self._derive(facts, left, right, 1 << 62, {})

    def strength(
        self, facts: Sequence[Fact], left: int, right: int, position: int, mask: int
    ) -> int:
        """The strength of the pair's derivation (its weakest fact)."""
        return self.derivation(facts, left, right, position, mask).strength

    def _derive(
        self,
        facts: Sequence[Fact],
        left: int,
        right: int,
        before: int,
        memo: dict[tuple[int, int, int], Derivation],
    ) -> Derivation:
        low, high = (left, right) if left < right else (right, left)
        entries = [s for s in self.supports.get((low, high), ()) if s[0] < before]
        key = (left, right, len(entries))
        if key in memo:
            return memo[key]
        parts = []
        for order, low_mask, (kind, payload) in entries:
            mask = low_mask if left == low else _CONVERSE_MASK[low_mask]
            if kind == "fact":
                fact = facts[payload]
                rule = fact.kind if fact.left == left else f"{fact.kind} (converse)"
                parts.append(Derivation(left, right, mask, rule, fact=fact))
            else:
                first = self._derive(facts, left, payload, order, memo)
                second = self._derive(facts, payload, right, order, memo)
                parts.append(
                    Derivation(left, right, mask, "composition", via=payload, parts=(first, second))
                )
        if len(parts) == 1:
            result = parts[0]
        else:
            total = ALL
            for part in parts:
                total &= part.mask
            result = Derivation(left, right, total, "intersection", parts=tuple(parts))
        memo[key] = result
        return result


def queue_closure(
    size: int, facts: Sequence[Fact]
) -> tuple[*Rows, Supports, list[tuple[int, int]]]:
    """Path consistency (PC-2 over a sparse network) with supports recorded.

    Returns the rows (pointers, sorted neighbours, masks), the supports and the contradictions.
    """
    relations: list[dict[int, int]] = [{} for _ in range(size)]
    supports: dict[tuple[int, int], list[Support]] = {}
    contradictions: list[tuple[int, int]] = []
    queue: deque[tuple[int, int]] = deque()
    compose = _COMPOSE
    converse = _CONVERSE_MASK
    order = 0

    def tighten(i: int, j: int, mask: int, support: tuple[str, int]) -> None:
        nonlocal order
        current = relations[i].get(j, ALL)
        new = current & mask
        if new == current:
            return
        relations[i][j] = new
        relations[j][i] = converse[new]
        order += 1
        pair, recorded = ((i, j), mask) if i < j else ((j, i), converse[mask])
        supports.setdefault(pair, []).append((order, recorded, support))
        if new == 0:
            contradictions.append((min(i, j), max(i, j)))
            return
        queue.append((i, j))

    for number, fact in enumerate(facts):
        if fact.left == fact.right:
            if not fact.mask & EQ:
                contradictions.append((fact.left, fact.left))
            continue
        tighten(fact.left, fact.right, fact.mask, ("fact", number))

    while queue:
        i, j = queue.popleft()
        row_i, row_j = relations[i], relations[j]
        rij = row_i.get(j, ALL)
        if rij == 0 or rij == ALL:
            continue
        row = rij * 32
        # tighten(i, k) changes only rows i and k (k != j), so row j can be read as it
        # changes; likewise row i in the second loop
        for k, rjk in row_j.items():
            if k == i or rjk == 0:
                continue
            mask = compose[row + rjk]
            if mask != ALL and row_i.get(k, ALL) & ~mask:
                tighten(i, k, mask, ("via", j))
        for k, rik in row_i.items():
            if k == j or rik == 0:
                continue
            mask = compose[converse[rik] * 32 + rij]
            if mask != ALL and converse[row_j.get(k, ALL)] & ~mask:
                tighten(k, j, mask, ("via", i))

    return (*_rows(relations), Supports(supports), contradictions)


def _rows(relations: list[dict[int, int]]) -> Rows:
    """The relations of each node as compressed rows, neighbours sorted."""
    size = len(relations)
    counts = np.array([len(r) for r in relations], dtype=np.int64)
    pointer = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(counts, out=pointer[1:])
    neighbour = np.empty(int(pointer[-1]), dtype=np.int32)
    relation = np.empty(int(pointer[-1]), dtype=np.uint8)
    for node, row_of in enumerate(relations):
        ordered = sorted(row_of.items())
        start = int(pointer[node])
        neighbour[start : start + len(ordered)] = [k for k, _ in ordered]
        relation[start : start + len(ordered)] = [m for _, m in ordered]
    return pointer, neighbour, relation
