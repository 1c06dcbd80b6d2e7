"""Sound inference: hand-written cases and property tests against random set models."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswalk.model.errors import ContradictionError
from crosswalk.reasoning.relations import (
    COVERING,
    OVERLAPPING,
    Relation,
    RelationSet,
    composition_table,
)

from .conftest import synthetic_kb
from .test_relations import true_relation

RELATIONS = [r.value for r in Relation]


@pytest.mark.parametrize(("first", "second"), list(itertools.product(RELATIONS, RELATIONS)))
def test_every_cell_of_the_composition_table(first: str, second: str) -> None:
    """A r1 B, B r2 C gives exactly the table's cell for A -> C."""
    kb = synthetic_kb(["a", "b", "c"], [("a", first, "b"), ("b", second, "c")])
    expected = RelationSet.of(*composition_table()[Relation(first), Relation(second)])
    assert kb.relation("t:a", "t:c").relations == expected


def test_converse_is_used() -> None:
    kb = synthetic_kb(["a", "b"], [("a", "subset_of", "b")])
    assert kb.relation("t:b", "t:a").relations == RelationSet.of("superset_of")
    assert kb.relation("t:b", "t:a").status == "covered"


def test_missing_mapping_never_means_no_relationship() -> None:
    kb = synthetic_kb(["a", "b", "c"], [("a", "subset_of", "b")])
    result = kb.relation("t:a", "t:c")
    assert result.relations.is_universal
    assert result.derivation is None


def test_hierarchy_child_inside_parent() -> None:
    kb = synthetic_kb([("p", None), ("c", "p"), "x"], [("x", "superset_of", "p")])
    assert kb.relation("t:x", "t:c").status == "covered"
    assert kb.relation("t:c", "t:p").relations == RelationSet.of("equal", "subset_of")


def test_path_consistency_intersects_paths() -> None:
    # a ⊃ b and b ⊃ c give a ⊃ c; a ⊂ d and d ⊂ c would give a ⊂ c: contradiction
    kb = synthetic_kb(
        ["a", "b", "c", "d"],
        [("a", "superset_of", "b"), ("b", "superset_of", "c"), ("a", "intersects_with", "c")],
    )
    with pytest.raises(ContradictionError) as raised:
        kb.relation("t:a", "t:c")
    problems = raised.value.problems
    assert problems and problems[0].rule == "consistency"
    # the smallest set: all three mappings are needed, and nothing else
    assert problems[0].message.count("mapping") == 3


def test_contradiction_report_is_minimal() -> None:
    kb = synthetic_kb(
        ["a", "b", "c", "d", "e"],
        [
            ("a", "equal", "b"),
            ("b", "no_relationship", "c"),
            ("a", "superset_of", "c"),
            ("d", "intersects_with", "e"),
        ],
    )
    problems = kb.validate()
    assert len(problems) == 1
    message = problems[0].message
    assert "t:d" not in message and "t:e" not in message
    assert "t:a" in message and "t:c" in message


def test_explanation_names_the_mappings() -> None:
    kb = synthetic_kb(["a", "b", "c"], [("a", "superset_of", "b"), ("b", "superset_of", "c")])
    result = kb.relation("t:a", "t:c")
    assert result.status == "covered"
    assert [m.index for m in result.mappings] == [0, 1]
    text = result.explain()
    assert "composition through t:b" in text and "m mapping #1" in text
    assert result.strength == 7 and result.rationale == "semantic"
    assert "<pre" in result._repr_html_()


def test_union_subject() -> None:
    kb = synthetic_kb(["t1", "s1", "s2"], [(("s1", "s2"), "equal", "t1")])
    # each member lies inside the union, so inside t1: partial only
    assert kb.relation("t:s1", "t:t1").relations == RelationSet.of("equal", "subset_of")
    assert kb.relation("t:s1", "t:t1").status == "partial"


# -- random set models -------------------------------------------------------------------

UNIVERSE = 7


@st.composite
def set_models(
    draw: st.DrawFn,
) -> tuple[
    list[frozenset[int]], list[int | None], list[tuple[int, int]], list[tuple[int, int, int]]
]:
    """Random non-empty sets, a parent for some (child ⊆ parent), and random true facts."""
    count = draw(st.integers(min_value=3, max_value=10))
    sets: list[frozenset[int]] = []
    parents: list[int | None] = []
    for index in range(count):
        parent = draw(st.none() | st.integers(min_value=0, max_value=index - 1)) if index else None
        pool = sorted(sets[parent]) if parent is not None else list(range(UNIVERSE))
        members = draw(st.sets(st.sampled_from(pool), min_size=1))
        sets.append(frozenset(members))
        parents.append(parent)
    pairs = [(i, j) for i in range(count) for j in range(count) if i != j]
    given_pairs = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=min(len(pairs), 14)))
    unions = draw(
        st.lists(
            st.tuples(
                st.integers(0, count - 1), st.integers(0, count - 1), st.integers(0, count - 1)
            ),
            max_size=2,
        )
    )
    return sets, parents, given_pairs, [u for u in unions if len({u[0], u[1], u[2]}) == 3]


def _kb_from_model(sets, parents, pairs, unions):
    clauses = [(f"c{i}", f"c{p}" if p is not None else None) for i, p in enumerate(parents)]
    mappings: list[tuple[str | tuple[str, str], str, str]] = [
        (f"c{i}", true_relation(sets[i], sets[j]).value, f"c{j}") for i, j in pairs
    ]
    for a, b, target in unions:
        mappings.append(
            ((f"c{a}", f"c{b}"), true_relation(sets[a] | sets[b], sets[target]).value, f"c{target}")
        )
    return synthetic_kb(clauses, mappings)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(set_models())
def test_inference_is_sound_on_random_set_models(model) -> None:
    """(a) every inferred set contains the true relation.

    (b) covered/partial claims are true; (c) converse consistency.
    """
    sets, parents, pairs, unions = model
    kb = _kb_from_model(sets, parents, pairs, unions)
    for i, j in itertools.permutations(range(len(sets)), 2):
        result = kb.relation(f"t:c{i}", f"t:c{j}")
        truth = true_relation(sets[i], sets[j])
        assert truth in result.relations, (i, j, result.relations, truth)
        if result.status == "covered":
            assert sets[i] >= sets[j]
        if result.status == "partial":
            assert sets[i] & sets[j]
        back = kb.relation(f"t:c{j}", f"t:c{i}")
        assert back.relations == result.relations.converse()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(set_models())
def test_inference_is_idempotent(model) -> None:
    """(d) feeding the inferred relations back as mappings changes nothing."""
    sets, parents, pairs, unions = model
    kb = _kb_from_model(sets, parents, pairs, unions)
    closure = kb.closure
    count = len(sets)
    before = {(i, j): closure.mask(i, j) for i, j in itertools.permutations(range(count), 2)}
    clauses = [(f"c{i}", f"c{p}" if p is not None else None) for i, p in enumerate(parents)]
    mappings: list[tuple[str | tuple[str, str], str, str]] = [
        (f"c{i}", true_relation(sets[i], sets[j]).value, f"c{j}") for i, j in pairs
    ]
    for a, b, target in unions:
        mappings.append(
            ((f"c{a}", f"c{b}"), true_relation(sets[a] | sets[b], sets[target]).value, f"c{target}")
        )
    again = synthetic_kb(clauses, mappings)
    network = again.network
    from crosswalk.reasoning.derivation import Fact

    for (i, j), mask in before.items():
        if mask != 31 and i < j:
            network.add(Fact(i, j, mask, "mapping", "inferred"))
    closure2 = network.close()
    for (i, j), mask in before.items():
        assert closure2.mask(i, j) == mask


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(set_models(), st.data())
def test_adding_a_true_mapping_never_loosens(model, data) -> None:
    """(e) monotonicity: one more true mapping only tightens (or keeps) every result."""
    sets, parents, pairs, unions = model
    kb = _kb_from_model(sets, parents, pairs, unions)
    count = len(sets)
    candidates = [(i, j) for i, j in itertools.permutations(range(count), 2) if (i, j) not in pairs]
    if not candidates:
        return
    extra = data.draw(st.sampled_from(candidates))
    more = _kb_from_model(sets, parents, [*pairs, extra], unions)
    for i, j in itertools.permutations(range(count), 2):
        old = kb.relation(f"t:c{i}", f"t:c{j}").relations
        new = more.relation(f"t:c{i}", f"t:c{j}").relations
        assert new <= old


def test_status_sets_are_the_design_ones() -> None:
    assert RelationSet(COVERING).status == "covered"
    assert RelationSet(OVERLAPPING).status == "partial"


def test_addressed_by_direct_and_through_containment() -> None:
    kb = synthetic_kb(
        [("p", None), ("r", "p"), "x", "risk", "other"],
        [("r", "addresses", "risk"), ("x", "superset_of", "r"), ("other", "intersects_with", "r")],
        kinds={"risk": "risk_source"},
    )
    found = {a.clause: a for a in kb.addressed_by("t:risk")}
    assert found["t:r"].direct
    assert not found["t:p"].direct and not found["t:x"].direct  # parent and superset contain r
    assert "t:other" not in found  # overlap is not containment
    assert "proven to contain t:r" in found["t:x"].explain()
