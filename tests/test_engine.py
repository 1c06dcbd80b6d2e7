"""The reasoning engine (crosswalk.reasoning.engine).

The same closure as the PC-2 path consistency it replaced (kept as its fallback, the oracle
here), sound against random set models, exact where path consistency is complete (a
brute-force oracle over every set model of up to four clauses), explained by derivations
whose facts reproduce each result, and minimal contradiction sets.
"""

from __future__ import annotations

import functools
import itertools
import random
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate
from crosswalk.knowledge import KnowledgeBase
from crosswalk.reasoning import engine
from crosswalk.reasoning._queue import queue_closure
from crosswalk.reasoning.engine import (
    DIS,
    EQ,
    FACT_MASKS,
    INT,
    SUB,
    SUP,
    Closure,
    Derivation,
    Fact,
    Network,
    algebra,
)
from crosswalk.reasoning.relations import ALL, compose_masks, converse_mask

from .test_inference import _kb_from_model, set_models
from .test_relations import true_relation

settings.register_profile("engine", deadline=None, suppress_health_check=[HealthCheck.too_slow])
ALGEBRA = [m for m in algebra().masks if m != ALL]
"""The relation sets of the engine's algebra (universal set left out)."""


def facts_of(network: Network) -> list[Fact]:
    """The facts of a knowledge base's network (engine facts, in their order)."""
    return list(network.facts)


def close_kb(kb: KnowledgeBase) -> Closure:
    network = kb.network
    return engine.close(len(network.nodes), facts_of(network))


def masks(closure: Closure) -> dict[tuple[int, int], int]:
    """Every stored (non-universal) ordered pair with its mask."""
    return {(i, j): m for i in range(closure.size) for j, m in closure.neighbours(i).items()}


def derived(closure: Closure, i: int, j: int) -> Derivation:
    """The derivation of a pair that the closure holds a relation for."""
    derivation = closure.derivation(i, j)
    assert derivation is not None
    return derivation


def reference_masks(network: Network) -> dict[tuple[int, int], int]:
    """The closure of the PC-2 queue: the oracle the walk search must equal.

    The queue is the engine's fallback and the algorithm of the engine it replaced.
    """
    pointer, neighbour, relation, _, _ = queue_closure(len(network.nodes), network.facts)
    return {
        (i, int(j)): int(m)
        for i in range(len(network.nodes))
        for j, m in zip(
            neighbour[pointer[i] : pointer[i + 1]],
            relation[pointer[i] : pointer[i + 1]],
            strict=True,
        )
    }


def mask_of(relation: str) -> int:
    return {
        "equal": EQ,
        "subset_of": SUB,
        "superset_of": SUP,
        "intersects_with": INT,
        "no_relationship": DIS,
    }[relation]


# -- the algebra ------------------------------------------------------------------------------


def test_the_fact_sets_generate_a_distributive_algebra_of_fourteen_sets() -> None:
    found = algebra()
    assert len(found.masks) == 14 and found.masks[-1] == ALL
    assert found.distributive
    assert {converse_mask(m) for m in found.masks} == set(found.masks)
    for x, y in itertools.product(found.masks, repeat=2):
        assert found.contains(compose_masks(x, y))
        assert found.contains(x & y) or not x & y


def test_the_properties_the_proofs_in_docs_engine_use() -> None:
    """Composition's laws on every pair of masks.

    Equal is in x ∘ y exactly when x meets the converse of y; the universal set composed with
    anything non-empty stays universal; composition is monotone.
    """
    for x, y in itertools.product(range(1, 32), repeat=2):
        assert bool(compose_masks(x, y) & EQ) == bool(x & converse_mask(y))
        assert compose_masks(ALL, y) == compose_masks(x, ALL) == ALL
        for z in range(1, 32):
            if x & ~z == 0:  # x inside z
                assert compose_masks(x, y) & ~compose_masks(z, y) == 0


# -- (a) the same closure as today's path consistency ----------------------------------------


def test_identical_to_path_consistency_on_the_bundled_data(kb: KnowledgeBase) -> None:
    closure = close_kb(kb)
    assert not closure.contradictions
    assert masks(closure) == reference_masks(kb.network)


@functools.cache
def synthetic_s() -> KnowledgeBase:
    return generate("S").knowledge_base()


def test_identical_to_path_consistency_on_synthetic_s() -> None:
    kb = synthetic_s()
    closure = close_kb(kb)
    assert not closure.contradictions
    assert masks(closure) == reference_masks(kb.network)
    assert closure.edge_count() == 36_994  # the density measured for docs/engine.md


@st.composite
def model_facts(
    draw: st.DrawFn, *, masks: list[int] = ALGEBRA
) -> tuple[list[frozenset[int]], list[Fact]]:
    """Random non-empty sets and facts about random pairs.

    Each fact's set contains the true relation (a random superset of it from ``masks``).
    """
    count = draw(st.integers(2, 9))
    sets = [frozenset(draw(st.sets(st.integers(0, 6), min_size=1))) for _ in range(count)]
    pairs = list(itertools.permutations(range(count), 2))
    facts = []
    for i, j in draw(st.lists(st.sampled_from(pairs), max_size=16)):
        truth = mask_of(true_relation(sets[i], sets[j]).value)
        facts.append(Fact(i, j, draw(st.sampled_from([m for m in masks if m & truth]))))
    return sets, facts


@settings(parent=settings.get_profile("engine"), max_examples=150)
@given(model_facts())
def test_the_walk_search_equals_the_queue_on_consistent_networks(model) -> None:
    """Differential: the compiled walk search and PC-2 give the same closure."""
    sets, facts = model
    closure = engine.close(len(sets), facts)
    pointer, neighbour, relation, _, contradictions = queue_closure(len(sets), facts)
    assert not closure.contradictions and not contradictions
    assert np.array_equal(closure.row_pointer, pointer)
    assert np.array_equal(closure.neighbour, neighbour) and np.array_equal(
        closure.relation, relation
    )


# -- (b) properties on random set models ---------------------------------------------------------


@settings(parent=settings.get_profile("engine"), max_examples=150)
@given(set_models())
def test_sound_and_converse_consistent_on_knowledge_bases_of_random_set_models(model) -> None:
    """Hierarchy, union subjects and mappings as a knowledge base builds them."""
    sets, parents, pairs, unions = model
    kb = _kb_from_model(sets, parents, pairs, unions)
    closure = close_kb(kb)
    assert not closure.contradictions
    assert masks(closure) == reference_masks(kb.network)
    for i, j in itertools.permutations(range(len(sets)), 2):
        assert mask_of(true_relation(sets[i], sets[j]).value) & closure.mask(i, j)
        assert closure.mask(j, i) == converse_mask(closure.mask(i, j))


@settings(parent=settings.get_profile("engine"), max_examples=150)
@given(model_facts(masks=list(range(1, 32))))
def test_sound_with_any_relation_sets(model) -> None:
    """Facts with any relation set containing the truth: every result contains it too.

    A set outside the algebra takes the PC-2 path.
    """
    sets, facts = model
    closure = engine.close(len(sets), facts)
    assert not closure.contradictions
    for i, j in itertools.permutations(range(len(sets)), 2):
        assert mask_of(true_relation(sets[i], sets[j]).value) & closure.mask(i, j)
        assert closure.mask(j, i) == converse_mask(closure.mask(i, j))


@settings(parent=settings.get_profile("engine"), max_examples=100)
@given(model_facts())
def test_idempotent(model) -> None:
    """Closing the closed network (every stored pair as a fact) changes nothing."""
    sets, facts = model
    closure = engine.close(len(sets), facts)
    again = engine.close(len(sets), [Fact(i, j, m) for (i, j), m in masks(closure).items()])
    assert masks(again) == masks(closure)


@settings(parent=settings.get_profile("engine"), max_examples=100)
@given(model_facts(), st.data())
def test_monotone(model, data) -> None:
    """One more true fact never loosens a relation."""
    sets, facts = model
    i, j = data.draw(st.sampled_from(list(itertools.permutations(range(len(sets)), 2))))
    truth = mask_of(true_relation(sets[i], sets[j]).value)
    before = engine.close(len(sets), facts)
    after = engine.close(
        len(sets),
        [*facts, Fact(i, j, data.draw(st.sampled_from([m for m in ALGEBRA if m & truth])))],
    )
    for a, b in itertools.permutations(range(len(sets)), 2):
        assert after.mask(a, b) & ~before.mask(a, b) == 0


# -- (c) precision: a brute-force oracle over every set model of up to four clauses ------------


@functools.cache
def venn_models(count: int) -> np.ndarray:
    """The base relation of every ordered pair in every model of ``count`` non-empty sets.

    A model is fixed by which of the 2**count - 1 regions of the Venn diagram are
    non-empty (any finite sets give one of these patterns), so this enumerates them all.
    """
    regions = range(1, 1 << count)
    patterns = np.arange(1, 1 << len(regions), dtype=np.int64)
    inside = [
        sum(1 << k for k, region in enumerate(regions) if region >> i & 1) for i in range(count)
    ]
    sets = [patterns & inside[i] for i in range(count)]
    nonempty = np.all([s != 0 for s in sets], axis=0)
    sets = [s[nonempty] for s in sets]
    result = np.zeros((int(nonempty.sum()), count, count), dtype=np.int64)
    for i, j in itertools.product(range(count), repeat=2):
        a, b = sets[i], sets[j]
        result[:, i, j] = np.select(
            [a == b, a & ~b == 0, b & ~a == 0, a & b != 0], [EQ, SUB, SUP, INT], default=DIS
        )
    return result


def entailed(count: int, facts: list[Fact]) -> np.ndarray | None:
    """What every model of ``facts`` allows for each pair (None if there is no model)."""
    models = venn_models(count)
    keep = np.ones(len(models), dtype=np.bool_)
    for fact in facts:
        keep &= (models[:, fact.left, fact.right] & fact.mask) != 0
    if not keep.any():
        return None
    return np.bitwise_or.reduce(models[keep], axis=0)


@st.composite
def small_networks(draw: st.DrawFn, *, masks: list[int]) -> tuple[int, list[Fact]]:
    """Two to four nodes and facts about them, some networks inconsistent.

    Facts are true in a random model (weakened to a set of ``masks``), or arbitrary.
    """
    count = draw(st.integers(2, 4))
    models = venn_models(count)
    model = models[draw(st.integers(0, len(models) - 1))]
    pairs = list(itertools.permutations(range(count), 2))
    facts = []
    for i, j in draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=6)):
        true_to_model = draw(st.booleans())
        allowed = [m for m in masks if m & int(model[i, j])] if true_to_model else masks
        facts.append(Fact(i, j, draw(st.sampled_from(allowed))))
    return count, facts


def check_against_the_oracle(count: int, facts: list[Fact], *, exact: bool) -> None:
    closure = engine.close(count, facts)
    truth = entailed(count, facts)
    if truth is None:
        if exact:
            assert closure.contradictions, facts
        return
    assert not closure.contradictions, facts
    for i, j in itertools.permutations(range(count), 2):
        mask = closure.mask(i, j)
        assert mask & truth[i, j] == truth[i, j], ("unsound", i, j, mask, int(truth[i, j]))
        if exact:
            assert mask == truth[i, j], ("not the tightest", i, j, mask, int(truth[i, j]))


@settings(parent=settings.get_profile("engine"), max_examples=300)
@given(small_networks(masks=[EQ, SUB, SUP, INT, DIS]))
def test_exact_on_atomic_networks(network) -> None:
    """Base relations only: path consistency decides RCC-5 and gives the tightest sets."""
    check_against_the_oracle(*network, exact=True)


@settings(parent=settings.get_profile("engine"), max_examples=300)
@given(small_networks(masks=ALGEBRA))
def test_exact_on_networks_over_the_distributive_algebra(network) -> None:
    """Over a distributive subalgebra of RCC-5 the result is exactly what the models allow.

    Path consistency gives the minimal network there (Long & Li 2015; Li, Long, Liu, Duckham
    & Both 2015).
    """
    check_against_the_oracle(*network, exact=True)


@settings(parent=settings.get_profile("engine"), max_examples=300)
@given(small_networks(masks=list(range(1, 32))))
def test_sound_on_networks_with_any_relation_sets(network) -> None:
    check_against_the_oracle(*network, exact=False)


# -- (d) derivations ----------------------------------------------------------------------------


def check_derivation(closure: Closure, derivation: Derivation) -> None:
    """Leaves are facts read in the right direction; every inner step is sound."""
    if derivation.fact is not None:
        fact = derivation.fact
        assert not derivation.parts and fact in closure.facts
        if (fact.left, fact.right) == (derivation.left, derivation.right):
            assert derivation.mask == fact.mask
        else:
            assert (fact.right, fact.left) == (derivation.left, derivation.right)
            assert derivation.mask == converse_mask(fact.mask)
        return
    assert derivation.parts
    for part in derivation.parts:
        check_derivation(closure, part)
    if derivation.rule == "composition":
        first, second = derivation.parts
        assert (first.left, first.right, second.left, second.right) == (
            derivation.left,
            derivation.via,
            derivation.via,
            derivation.right,
        )
        assert compose_masks(first.mask, second.mask) & ~derivation.mask == 0
    else:
        assert derivation.rule == "intersection"
        meet = ALL
        for part in derivation.parts:
            assert (part.left, part.right) == (derivation.left, derivation.right)
            meet &= part.mask
        assert meet & ~derivation.mask == 0


def check_derivations(closure: Closure, pairs: list[tuple[int, int]]) -> None:
    for i, j in pairs:
        derivation = closure.derivation(i, j)
        assert derivation is not None
        assert derivation.mask == closure.mask(i, j)
        check_derivation(closure, derivation)
        alone = engine.close(closure.size, derivation.distinct_facts())
        assert alone.mask(i, j) & ~closure.mask(i, j) == 0  # its facts alone prove it


@settings(parent=settings.get_profile("engine"), max_examples=100)
@given(model_facts(masks=[*ALGEBRA, SUB | SUP, EQ | INT]))
def test_every_derivation_rests_on_facts_that_reproduce_it(model) -> None:
    sets, facts = model
    closure = engine.close(len(sets), facts)
    check_derivations(closure, list(masks(closure)))


def test_derivations_on_synthetic_s() -> None:
    closure = close_kb(synthetic_s())
    pairs = sorted(masks(closure))
    check_derivations(closure, random.Random(0).sample(pairs, 300))
    assert closure.derivation(0, 0) is None


def test_a_derivation_through_two_facts_names_them_in_path_order() -> None:
    facts = [Fact.asserted(0, 1, SUP, label="a ⊃ b"), Fact.asserted(2, 1, SUB, label="c ⊂ b")]
    closure = engine.close(3, facts)
    derivation = closure.derivation(0, 2)
    assert derivation is not None and derivation.rule == "composition" and derivation.via == 1
    assert [f.label for f in derivation.facts()] == ["a ⊃ b", "c ⊂ b"]
    assert derivation.parts[1].rule == "mapping (converse)"
    assert derivation.mask == closure.mask(0, 2) == SUP


def test_an_intersection_keeps_only_the_walks_it_needs() -> None:
    # a ⊂ b ⊂ c gives a ⊂ c; a ≬ d ⊆ c gives {⊂, ≬}, which adds nothing to it
    facts = [Fact(0, 1, SUB), Fact(1, 2, SUB), Fact(0, 3, INT), Fact(3, 2, SUB | EQ)]
    closure = engine.close(4, facts)
    derivation = closure.derivation(0, 2)
    assert derivation is not None and derivation.mask == SUB
    assert derivation.rule == "composition" and {f.left for f in derivation.facts()} == {0, 1}


def test_the_closure_is_rebuilt_from_its_arrays_with_its_derivations() -> None:
    """What the cache stores: numbers only; the rebuilt closure explains itself alike."""
    facts = facts_of(synthetic_s().network)
    closure = engine.close(len(synthetic_s().network.nodes), facts)
    arrays = engine.closure_arrays(closure)
    assert arrays is not None and all(a.dtype.kind in "iu" for a in arrays.values())
    copy = engine.closure_from_arrays(closure.size, facts, arrays)
    assert masks(copy) == masks(closure) and copy.contradictions == closure.contradictions
    for i, j in random.Random(2).sample(sorted(masks(closure)), 50):
        assert list(derived(copy, i, j).facts()) == list(derived(closure, i, j).facts())


def test_arrays_that_do_not_fit_the_facts_are_refused() -> None:
    closure = engine.close(3, [Fact(0, 1, SUB), Fact(1, 2, SUB)])
    arrays = engine.closure_arrays(closure)
    assert arrays is not None
    with pytest.raises(ValueError):
        engine.closure_from_arrays(3, [Fact(0, 1, SUB)], arrays)  # a slot names fact 1
    with pytest.raises(ValueError):
        engine.closure_from_arrays(2, closure.facts, arrays)
    shifted = {**arrays, "neighbour": arrays["neighbour"] + 5}
    with pytest.raises(ValueError):
        engine.closure_from_arrays(3, closure.facts, shifted)
    with pytest.raises(ValueError):
        engine.closure_from_arrays(3, closure.facts, {**arrays, "relation": arrays["neighbour"]})


def test_explaining_a_stored_closure_does_not_import_numba() -> None:
    arrays = engine.closure_arrays(engine.close(3, [Fact(0, 1, SUB), Fact(1, 2, SUB)]))
    assert arrays is not None
    listing = {name: (a.dtype.str, a.tolist()) for name, a in arrays.items()}
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from crosswalk.reasoning import engine\n"
        "from crosswalk.reasoning.derivation import Fact, SUB\n"
        f"arrays = {{n: np.array(v, dtype=d) for n, (d, v) in {listing!r}.items()}}\n"
        "closure = engine.closure_from_arrays(3, [Fact(0, 1, SUB), Fact(1, 2, SUB)], arrays)\n"
        "assert closure.derivation(0, 2).mask == closure.mask(0, 2) == SUB\n"
        "assert 'numba' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- (e) contradictions --------------------------------------------------------------------------


def check_minimal(closure: Closure) -> None:
    assert closure.contradictions
    conflicts = closure.conflicts()
    assert conflicts
    for facts in conflicts:
        assert engine.close(closure.size, facts).contradictions
        for index in range(len(facts)):
            rest = facts[:index] + facts[index + 1 :]
            assert not engine.close(closure.size, rest).contradictions, "not minimal"


@settings(parent=settings.get_profile("engine"), max_examples=150)
@given(small_networks(masks=ALGEBRA))
def test_contradictions_on_random_networks_have_minimal_sets(network) -> None:
    count, facts = network
    closure = engine.close(count, facts)
    assume(closure.contradictions)
    check_minimal(closure)
    left, right = closure.contradictions[0]
    assert closure.conflict(left, right)


@settings(parent=settings.get_profile("engine"), max_examples=60)
@given(small_networks(masks=list(range(32))))
def test_contradictions_with_any_relation_sets_have_minimal_sets(network) -> None:
    count, facts = network
    closure = engine.close(count, facts)
    assume(closure.contradictions)
    check_minimal(closure)


def test_a_contradiction_on_a_single_node() -> None:
    closure = engine.close(2, [Fact(1, 1, SUB), Fact(0, 1, EQ)])
    assert closure.contradictions == [(1, 1)]
    assert closure.conflicts() == [[Fact(1, 1, SUB)]]


def test_a_planted_contradiction_at_size_m() -> None:
    """A disjointness asserted against a derived subset relation, among ~51,000 facts."""
    network = generate("M").knowledge_base().network
    facts = facts_of(network)
    closure = engine.close(len(network.nodes), facts)
    assert not closure.contradictions
    asserted = {(f.left, f.right) for f in facts} | {(f.right, f.left) for f in facts}
    i, j = next(
        (i, j)
        for i in range(closure.size)
        for j, m in closure.neighbours(i).items()
        if m == SUB and (i, j) not in asserted and len(derived(closure, i, j).distinct_facts()) >= 3
    )
    planted = Fact.asserted(i, j, DIS, label="planted")
    broken = engine.close(len(network.nodes), [*facts, planted])
    assert broken.contradictions
    conflict = broken.conflict(*broken.contradictions[0])
    assert planted in conflict and len(conflict) >= 3
    for index in range(len(conflict)):
        assert not engine.close(
            broken.size, conflict[:index] + conflict[index + 1 :]
        ).contradictions
    every = broken.conflicts()
    assert every and all(planted in found for found in every)


def test_a_fact_outside_the_range_of_nodes_is_an_error() -> None:
    with pytest.raises(IndexError):
        engine.close(2, [Fact(0, 2, SUB)])


def test_importing_the_engine_does_not_import_numba() -> None:
    code = "import sys\nfrom crosswalk.reasoning import engine\nassert 'numba' not in sys.modules\n"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_fact_masks_are_the_knowledge_base_ones(kb: KnowledgeBase) -> None:
    assert {f.mask for f in kb.network.facts} <= set(FACT_MASKS)


def test_minimal_conflict_drops_the_facts_a_contradiction_does_not_need() -> None:
    needed = [Fact(0, 1, SUB), Fact(1, 2, SUB), Fact(0, 2, DIS)]
    extra = [Fact(2, 3, INT), Fact(0, 3, SUP | EQ)]
    assert engine.minimal_conflict([extra[0], *needed, extra[1]]) == needed


def test_rows_split_over_many_output_buffers_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Buffers far too small for the closure leave the rows and derivations unchanged.

    Every row starts a new buffer, and rows larger than a buffer double it.
    """
    from crosswalk.reasoning import _walks

    facts = facts_of(synthetic_s().network)
    size = len(synthetic_s().network.nodes)
    whole = engine.close(size, facts)
    monkeypatch.setattr(_walks, "ENTRIES_PER_EDGE", 0)
    monkeypatch.setattr(_walks, "MINIMUM_BUFFER", 16)
    pieces = engine.close(size, facts)
    assert masks(pieces) == masks(whole)
    assert np.array_equal(pieces.explainer.slot_start, whole.explainer.slot_start)  # type: ignore[attr-defined]
    for i, j in random.Random(1).sample(sorted(masks(whole)), 100):
        assert list(derived(pieces, i, j).facts()) == list(derived(whole, i, j).facts())
