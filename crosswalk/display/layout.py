"""Where each clause of a neighbourhood sits: concentric rings by distance from the centre.

Pure geometry, no markup: the positions feed the SVG drawing
(:mod:`crosswalk.display.svg`), and can be checked without reading any.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from crosswalk.display.links import Link

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

__all__ = ["Positions", "ring_layout"]

Positions = dict[str, tuple[float, float]]
"""The (x, y) of each clause id, the centre at (0, 0)."""


def ring_layout(
    kb: KnowledgeBase,
    center: str,
    nodes: Mapping[str, int],
    links: Sequence[Link],
    *,
    depth: int,
) -> tuple[Positions, list[float]]:
    """Positions on concentric rings by distance, and the rings' radii (the centre's is 0).

    Each ring is sorted to sit near its inner neighbours, then by framework and order.
    ``nodes`` maps each clause id to its distance from ``center``; ``depth`` is the
    neighbourhood's, which spaces the first ring.
    """
    rings: dict[int, list[str]] = {}
    for node, distance in nodes.items():
        rings.setdefault(distance, []).append(node)
    adjacent: dict[str, set[str]] = {}
    for link in links:
        adjacent.setdefault(link.source, set()).add(link.target)
        adjacent.setdefault(link.target, set()).add(link.source)
    positions: Positions = {center: (0.0, 0.0)}
    angles: dict[str, float] = {center: 0.0}
    radii = [0.0]
    radius = 0.0
    for distance in sorted(d for d in rings if d > 0):
        members = rings[distance]

        def key(node: str, distance: int = distance) -> tuple[float, str, int]:
            inner = [
                angles[n]
                for n in adjacent.get(node, ())
                if nodes.get(n) == distance - 1 and n in angles
            ]
            clause = kb.clauses[node]
            mean = (
                math.atan2(sum(math.sin(a) for a in inner), sum(math.cos(a) for a in inner))
                if inner and distance > 1
                else 0.0
            )
            return (mean % (2 * math.pi), clause.framework, clause.order)

        members.sort(key=key)
        step = (130 if depth == 1 else 190) if distance == 1 else 230
        radius = max(radius + step, len(members) * 17 / (2 * math.pi))
        radii.append(radius)
        start = -math.pi / 2
        for number, node in enumerate(members):
            angle = start + 2 * math.pi * number / len(members)
            angles[node] = angle
            positions[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return positions, radii
