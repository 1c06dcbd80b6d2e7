"""The relation algebra: the composition table is verified by brute force over set models."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from crosswalk.reasoning.relations import (
    ALL,
    COVERING,
    OVERLAPPING,
    Relation,
    RelationSet,
    compose_masks,
    composition_table,
    converse_mask,
    status_of_mask,
)

UNIVERSE = range(5)
SUBSETS = [frozenset(c) for n in range(1, 6) for c in itertools.combinations(UNIVERSE, n)]


def true_relation(a: frozenset[int], b: frozenset[int]) -> Relation:
    """The base relation that holds between two non-empty sets."""
    if a == b:
        return Relation.EQUAL
    if a < b:
        return Relation.SUBSET_OF
    if a > b:
        return Relation.SUPERSET_OF
    if a & b:
        return Relation.INTERSECTS_WITH
    return Relation.NO_RELATIONSHIP


def test_composition_table_is_exactly_what_set_models_allow() -> None:
    """Every cell equals the relations realised by some triple of subsets of a 5-set."""
    seen: dict[tuple[Relation, Relation], set[Relation]] = {}
    for a in SUBSETS:
        for b in SUBSETS:
            r1 = true_relation(a, b)
            for c in SUBSETS:
                seen.setdefault((r1, true_relation(b, c)), set()).add(true_relation(a, c))
    table = composition_table()
    for key, cell in table.items():
        assert set(cell) == seen[key], f"cell {key} in ontologies/composition.tsv is wrong"


def test_design_document_table_matches_the_data_file() -> None:
    """docs/design.md, "Composition", prints the table: it must be the data file's."""
    design = Path(__file__).resolve().parents[1] / "docs" / "design.md"
    assert design.exists(), "docs/design.md is missing: it documents the composition table"
    short = {
        "eq": "equal",
        "sub": "subset_of",
        "sup": "superset_of",
        "int": "intersects_with",
        "no": "no_relationship",
    }
    rows = [
        line for line in design.read_text(encoding="utf-8").splitlines() if line.startswith("| **")
    ]
    assert len(rows) == 5, "docs/design.md must print all five rows of the composition table"
    table = composition_table()
    order = [Relation(v) for v in short.values()]
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        left = Relation(cells[0].strip("*"))
        for right, cell in zip(order, cells[1:], strict=True):
            expected = (
                set(order)
                if cell == "any"
                else {Relation(short[x.strip()]) for x in cell.split(",")}
            )
            assert set(table[left, right]) == expected


masks = st.integers(min_value=1, max_value=ALL)


@given(masks, masks)
def test_converse_reverses_composition(a: int, b: int) -> None:
    assert converse_mask(compose_masks(a, b)) == compose_masks(converse_mask(b), converse_mask(a))


@given(masks)
def test_converse_is_an_involution(a: int) -> None:
    assert converse_mask(converse_mask(a)) == a


@given(masks, masks, masks)
def test_composition_is_monotone(a: int, b: int, c: int) -> None:
    assert compose_masks(a & c, b) & ~compose_masks(a, b) == 0


def test_equal_is_the_identity() -> None:
    for relation in Relation:
        assert compose_masks(Relation.EQUAL.bit, relation.bit) == relation.bit
        assert compose_masks(relation.bit, Relation.EQUAL.bit) == relation.bit


def test_statuses_follow_the_coverage_rules() -> None:
    assert status_of_mask(Relation.EQUAL.bit) == "covered"
    assert status_of_mask(COVERING) == "covered"
    assert status_of_mask(Relation.SUBSET_OF.bit) == "partial"
    assert status_of_mask(OVERLAPPING) == "partial"
    assert status_of_mask(Relation.NO_RELATIONSHIP.bit) == "none"
    assert status_of_mask(ALL) == "undetermined"
    assert status_of_mask(Relation.SUBSET_OF.bit | Relation.NO_RELATIONSHIP.bit) == "undetermined"
    assert status_of_mask(0) == "contradiction"


def test_relation_set_api() -> None:
    subset = RelationSet.of("subset_of")
    assert subset.converse() == RelationSet.of("superset_of")
    assert str(RelationSet.any()) == "any"
    assert Relation.SUBSET_OF in subset and len(subset) == 1
    assert subset.compose(RelationSet.of("superset_of")).is_universal
    assert Relation.SUBSET_OF.skos == "broadMatch"
