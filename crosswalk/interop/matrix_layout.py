"""What the crosswalk matrix's writer and reader agree on.

Sheet names, the cell grammar, the grid's origin, and which asserted mappings a framework
pair's matrix shows.

The layout itself is described in :mod:`crosswalk.interop.matrix`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crosswalk.interop.vocabulary import RELATION_NAMES
from crosswalk.model.records import Mapping

if TYPE_CHECKING:
    from crosswalk.knowledge.base import KnowledgeBase

MATRIX_SHEET = "Matrix"
LEGEND_SHEET = "Legend"
RELATIONS_SHEET = "Relations"
IMPORT_AUTHOR = "matrix import"
FIRST_ROW = 3
FIRST_COLUMN = 3
UNION = " ∪ "
INFERRED = "(inferred)"
PART_SET_SUFFIX = ".parts"  # mappings/README.md, "Requirement parts"
CELL = re.compile(r"^(?P<relation>[a-z_]+)\s*(?::\s*(?P<strength>\S+))?$")

CELL_GRAMMAR = (
    "A cell holds one relation name, optionally followed by a colon and a strength "
    "from 1 to 10: `subset_of` or `subset_of:7`. Valid names: "
    + ", ".join(RELATION_NAMES)
    + ". An empty cell asserts nothing (clearing a cell removes its mapping). Grey "
    "cells ending in `(inferred)` are what crosswalk derives from other mappings; they "
    "are ignored on import unless you overwrite them with a relation name."
)

MEANINGS = {
    "equal": "A = B: both ask for the same outcomes",
    "subset_of": "A ⊂ B: B asks for more than A",
    "superset_of": "A ⊃ B: A asks for more than B",
    "intersects_with": "they overlap; neither contains the other",
    "no_relationship": "disjoint: no shared outcome (an explicit negative)",
    "addresses": "A (a requirement or measure) mitigates the risk source B",
}


def pair_mappings(kb: KnowledgeBase, subject: str, target: str) -> list[Mapping]:
    """The asserted mappings from one framework to another, in set order.

    Part-level sets (``<subject>-<object>.parts``) are left out: they are edited in their
    own files, and the matrix shows what they prove as inferred cells.
    """
    return [
        m
        for m in kb.mappings
        if m.object.split(":", 1)[0] == target
        and all(s.split(":", 1)[0] == subject for s in m.subjects)
        and not part_level(m.mapping_set)
    ]


def part_level(set_id: str) -> bool:
    """Whether a mapping set is part-level (its id ends in ``.parts``)."""
    return set_id.endswith(PART_SET_SUFFIX)
