"""Compatibility name: the relation algebra lives in :mod:`crosswalk.reasoning.relations`."""

from __future__ import annotations

from crosswalk.reasoning.relations import (
    ALL,
    CONTAINED,
    COVERING,
    EMPTY,
    OVERLAPPING,
    Relation,
    RelationSet,
    compose_masks,
    composition_table,
    converse_mask,
    status_of_mask,
)

__all__ = [
    "ALL",
    "CONTAINED",
    "COVERING",
    "EMPTY",
    "OVERLAPPING",
    "Relation",
    "RelationSet",
    "compose_masks",
    "composition_table",
    "converse_mask",
    "status_of_mask",
]
