"""The relation algebra.

The five STRM / RCC-5 base relations, sets of them, converse and composition (docs/design.md,
*Relations*).

A set of base relations is the disjunction still possible for a pair. It is held as a
5-bit mask so that composition is a table look-up. The composition table itself is data
(``ontologies/composition.tsv``), read once here and shared with the ontology and docs.

>>> from crosswalk.reasoning.relations import Relation, RelationSet
>>> RelationSet.of(Relation.SUBSET_OF).compose(RelationSet.of(Relation.SUBSET_OF))
RelationSet({subset_of})
>>> RelationSet.of(Relation.SUBSET_OF).converse()
RelationSet({superset_of})
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import Enum
from functools import cache

from crosswalk.io.resources import ontologies_dir

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


class Relation(str, Enum):
    """A base relation between two clauses read as sets of required outcomes."""

    EQUAL = "equal"
    SUBSET_OF = "subset_of"
    SUPERSET_OF = "superset_of"
    INTERSECTS_WITH = "intersects_with"
    NO_RELATIONSHIP = "no_relationship"

    @property
    def bit(self) -> int:
        """The bit of this relation in a relation mask."""
        return _BITS[self]

    @property
    def converse(self) -> Relation:
        """The relation seen from the other side (subset_of <-> superset_of)."""
        return _CONVERSE[self]

    @property
    def skos(self) -> str | None:
        """The SKOS mapping property that renders this relation, if any."""
        return _SKOS[self]

    @property
    def symbol(self) -> str:
        """A compact mathematical symbol for displays."""
        return _SYMBOL[self]

    def __str__(self) -> str:
        return self.value


_ORDER = (
    Relation.EQUAL,
    Relation.SUBSET_OF,
    Relation.SUPERSET_OF,
    Relation.INTERSECTS_WITH,
    Relation.NO_RELATIONSHIP,
)
_BITS = {relation: 1 << index for index, relation in enumerate(_ORDER)}
_CONVERSE = {
    Relation.EQUAL: Relation.EQUAL,
    Relation.SUBSET_OF: Relation.SUPERSET_OF,
    Relation.SUPERSET_OF: Relation.SUBSET_OF,
    Relation.INTERSECTS_WITH: Relation.INTERSECTS_WITH,
    Relation.NO_RELATIONSHIP: Relation.NO_RELATIONSHIP,
}
_SKOS = {
    Relation.EQUAL: "exactMatch",
    Relation.SUBSET_OF: "broadMatch",
    Relation.SUPERSET_OF: "narrowMatch",
    Relation.INTERSECTS_WITH: "relatedMatch",
    Relation.NO_RELATIONSHIP: None,
}
_SYMBOL = {
    Relation.EQUAL: "=",
    Relation.SUBSET_OF: "⊂",
    Relation.SUPERSET_OF: "⊃",
    Relation.INTERSECTS_WITH: "≬",
    Relation.NO_RELATIONSHIP: "∅",
}

ALL = 0b11111
EMPTY = 0
COVERING = _BITS[Relation.EQUAL] | _BITS[Relation.SUPERSET_OF]
"""A -> T within this set proves that A contains T (T is covered by A)."""
CONTAINED = _BITS[Relation.EQUAL] | _BITS[Relation.SUBSET_OF]
"""A -> T within this set proves that A lies inside T."""
OVERLAPPING = ALL & ~_BITS[Relation.NO_RELATIONSHIP]
"""A -> T within this set proves that A and T share outcomes."""


def _mask_of(relations: Iterable[Relation]) -> int:
    mask = 0
    for relation in relations:
        mask |= relation.bit
    return mask


def _relations_of(mask: int) -> tuple[Relation, ...]:
    return tuple(r for r in _ORDER if mask & r.bit)


@cache
def composition_table() -> dict[tuple[Relation, Relation], frozenset[Relation]]:
    """Read the base composition table from ``ontologies/composition.tsv``."""
    path = ontologies_dir() / "composition.tsv"
    rows = [
        line.split("\t")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    header, body = rows[0][1:], rows[1:]
    columns = [Relation(name) for name in header]
    table: dict[tuple[Relation, Relation], frozenset[Relation]] = {}
    for row in body:
        left = Relation(row[0])
        for right, cell in zip(columns, row[1:], strict=True):
            names = _ORDER if cell == "any" else [Relation(n) for n in cell.split(",")]
            table[left, right] = frozenset(names)
    if len(table) != 25:
        raise ValueError(f"{path}: the composition table must have 5 x 5 cells, got {len(table)}")
    return table


def _build_masks() -> tuple[tuple[int, ...], tuple[int, ...]]:
    # On plain ints: this runs on every import, and enum attribute lookups in the 25,600
    # steps of the naive triple loop cost about 10 ms.
    bits = [relation.bit for relation in _ORDER]
    base = {(a.bit, b.bit): _mask_of(cell) for (a, b), cell in composition_table().items()}
    # by_bit[a][right]: the composition of the single relation a with the set right
    by_bit = {
        a: [_union(base[a, b] for b in bits if right & b) for right in range(32)] for a in bits
    }
    compose = [
        _union(by_bit[a][right] for a in bits if left & a)
        for left in range(32)
        for right in range(32)
    ]
    converse = tuple(_mask_of(r.converse for r in _relations_of(m)) for m in range(32))
    return tuple(compose), converse


def _union(masks: Iterable[int]) -> int:
    result = 0
    for mask in masks:
        result |= mask
    return result


_COMPOSE, _CONVERSE_MASK = _build_masks()


def compose_masks(left: int, right: int) -> int:
    """Compose two relation masks: A left B, B right C gives A (result) C."""
    return _COMPOSE[left * 32 + right]


def converse_mask(mask: int) -> int:
    """The mask of the converse relations (B -> A for a mask A -> B)."""
    return _CONVERSE_MASK[mask]


def status_of_mask(mask: int) -> str:
    """The coverage status a fully implemented A gives T when A -> T is ``mask`` (§5).

    ``covered`` (A proven to contain T), ``partial`` (overlap proven), ``none`` (proven
    disjoint), ``undetermined`` otherwise; ``contradiction`` for the empty set.
    """
    if mask == EMPTY:
        return "contradiction"
    if mask & ~COVERING == 0:
        return "covered"
    if mask & ~OVERLAPPING == 0:
        return "partial"
    if mask == Relation.NO_RELATIONSHIP.bit:
        return "none"
    return "undetermined"


class RelationSet:
    """An immutable set of base relations: the relations still possible for a pair."""

    __slots__ = ("mask",)

    mask: int

    def __init__(self, mask: int = ALL) -> None:
        if not 0 <= mask <= ALL:
            raise ValueError(f"a relation mask is a 5-bit number, got {mask}")
        object.__setattr__(self, "mask", mask)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RelationSet is immutable")

    @classmethod
    def of(cls, *relations: Relation | str) -> RelationSet:
        """Build a set from relations or their names."""
        return cls(_mask_of(Relation(r) for r in relations))

    @classmethod
    def any(cls) -> RelationSet:
        """The set of all five relations: nothing is known."""
        return cls(ALL)

    def __iter__(self) -> Iterator[Relation]:
        return iter(_relations_of(self.mask))

    def __len__(self) -> int:
        return self.mask.bit_count()

    def __contains__(self, relation: object) -> bool:
        return isinstance(relation, Relation) and bool(self.mask & relation.bit)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RelationSet) and other.mask == self.mask

    def __hash__(self) -> int:
        return hash(self.mask)

    def __and__(self, other: RelationSet) -> RelationSet:
        return RelationSet(self.mask & other.mask)

    def __or__(self, other: RelationSet) -> RelationSet:
        return RelationSet(self.mask | other.mask)

    def __le__(self, other: RelationSet) -> bool:
        return self.mask & ~other.mask == 0

    def compose(self, other: RelationSet) -> RelationSet:
        """Composition: self relates A to B, other relates B to C."""
        return RelationSet(compose_masks(self.mask, other.mask))

    def converse(self) -> RelationSet:
        """The same knowledge seen from the other side."""
        return RelationSet(converse_mask(self.mask))

    @property
    def is_universal(self) -> bool:
        """True when nothing is known (all five relations remain possible)."""
        return self.mask == ALL

    @property
    def status(self) -> str:
        """Coverage status given by a fully implemented source clause (docs/design.md, *Coverage*)."""
        return status_of_mask(self.mask)

    @property
    def names(self) -> tuple[str, ...]:
        """The relation names, in the canonical order."""
        return tuple(r.value for r in self)

    def __str__(self) -> str:
        if self.mask == ALL:
            return "any"
        if self.mask == EMPTY:
            return "∅ (contradiction)"
        return " | ".join(self.names)

    def __repr__(self) -> str:
        return "RelationSet({" + ", ".join(self.names) + "})"
