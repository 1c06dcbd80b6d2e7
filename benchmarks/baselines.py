"""The two ways other tools derive coverage, as pure-Python baselines for the benchmarks.

- :func:`per_target_search`: for each target clause, a breadth-first search over the
  fact edges, backwards from the target, carrying the composed relation set (the same
  chain statuses as :mod:`crosswalk.reasoning.chains`, without the union rule), one target at a time;
- :func:`path_enumeration`: for each (implemented clause, target clause) pair, every
  simple path of at most four edges, composed and intersected.

Both are too slow to finish on large catalogues; :func:`timed_sample` runs them on a
seeded random sample within a time budget and extrapolates (the benchmark table says so).
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar, overload

from crosswalk.reasoning.chains import LETTERS
from crosswalk.reasoning.inference import DIS, EQ, Network
from crosswalk.reasoning.relations import (
    ALL,
    CONTAINED,
    COVERING,
    OVERLAPPING,
    compose_masks,
    converse_mask,
)

__all__ = [
    "Adjacency",
    "PairGrid",
    "Sample",
    "adjacency",
    "path_enumeration",
    "per_target_search",
    "timed_sample",
]

Item = TypeVar("Item")
Adjacency = list[list[tuple[int, int]]]
"""For each node, its neighbours with the relation set node -> neighbour."""


def adjacency(network: Network) -> Adjacency:
    """Both directions of every fact, as Python lists."""
    result: Adjacency = [[] for _ in network.nodes]
    for fact in network.facts:
        if fact.left != fact.right and fact.mask in LETTERS:
            result[fact.left].append((fact.right, fact.mask))
            result[fact.right].append((fact.left, converse_mask(fact.mask)))
    return result


def per_target_search(edges: Adjacency, target: int, full: set[int], partial: set[int]) -> str:
    """The chain status of one target: search (node, relation node -> target) backwards."""
    seen = {(target, EQ)}
    queue = deque(seen)
    best = "gap"
    while queue:
        node, mask = queue.popleft()
        if node in full:
            if mask & ~COVERING == 0:
                return "covered"
            if mask & ~OVERLAPPING == 0:
                best = "partial"
        if node in partial and mask & ~CONTAINED == 0:
            best = "partial"
        if best == "gap" and (node in full or node in partial) and mask not in (ALL, DIS):
            best = "undetermined"
        for other, relation in edges[node]:
            # other -> target = (other -> node) ∘ (node -> target)
            state = (other, compose_masks(converse_mask(relation), mask))
            if state[1] != ALL and state not in seen:
                seen.add(state)
                queue.append(state)
    return best


def path_enumeration(edges: Adjacency, source: int, target: int, depth: int = 4) -> int:
    """Intersect the compositions of every simple path of at most ``depth`` edges.

    The paths run from source to target; ALL when there is none.
    """
    result = ALL
    stack: list[tuple[int, int, int, frozenset[int]]] = [(source, EQ, 0, frozenset((source,)))]
    while stack:
        node, mask, length, visited = stack.pop()
        if node == target:
            result &= mask
            continue
        if length == depth:
            continue
        for other, relation in edges[node]:
            if other not in visited:
                stack.append((other, compose_masks(mask, relation), length + 1, visited | {other}))
    return result


@dataclass(frozen=True)
class Sample:
    """How long a sample took, and the estimate for all items."""

    done: int
    total: int
    seconds: float

    @property
    def estimate(self) -> float:
        """Seconds for every item, extrapolated linearly from the sample."""
        return self.seconds / self.done * self.total if self.done else float("inf")

    @property
    def complete(self) -> bool:
        """True when every item was run (nothing extrapolated)."""
        return self.done == self.total


class PairGrid(Sequence[tuple[int, int]]):
    """Every (source, target) pair, without building the list."""

    def __init__(self, sources: Sequence[int], targets: Sequence[int]) -> None:
        self.sources, self.targets = sources, targets

    def __len__(self) -> int:
        return len(self.sources) * len(self.targets)

    @overload
    def __getitem__(self, position: int) -> tuple[int, int]: ...
    @overload
    def __getitem__(self, position: slice) -> Sequence[tuple[int, int]]: ...
    def __getitem__(self, position: int | slice) -> tuple[int, int] | Sequence[tuple[int, int]]:
        if isinstance(position, slice):
            return [self[k] for k in range(*position.indices(len(self)))]
        row, column = divmod(position, len(self.targets))
        return self.sources[row], self.targets[column]


def _random_order(total: int, rng: random.Random) -> Iterator[int]:
    """The positions 0..total-1 in random order, drawn lazily when there are many."""
    if total <= 1_000_000:
        order = list(range(total))
        rng.shuffle(order)
        yield from order
        return
    seen: set[int] = set()
    while len(seen) < total:
        position = rng.randrange(total)
        if position not in seen:
            seen.add(position)
            yield position


def timed_sample(
    items: Sequence[Item], run: Callable[[Item], object], *, budget: float, seed: int = 0
) -> Sample:
    """Run ``run`` on items in a seeded random order until the budget (seconds) is spent."""
    start = time.perf_counter()
    done = 0
    for position in _random_order(len(items), random.Random(seed)):
        run(items[position])
        done += 1
        if time.perf_counter() - start > budget:
            break
    return Sample(done, len(items), time.perf_counter() - start)
