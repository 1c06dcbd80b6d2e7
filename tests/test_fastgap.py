"""The vectorised gap propagation (crosswalk.reasoning.chains).

The lemmas that make its covered and partial statuses exactly those of gap_analysis, hand-written
cases, random set models, generated catalogues and the bundled data.
"""

from __future__ import annotations

import gc
import itertools
import weakref
from collections import deque

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import Size, generate
from crosswalk.api import KnowledgeBase
from crosswalk.gap.analysis import gap_analysis
from crosswalk.gap.fast import fast_gap_analysis
from crosswalk.gap.fast_report import STATUS_NAMES
from crosswalk.model.errors import UnknownClauseError, UnknownFrameworkError
from crosswalk.model.inventory import ClauseRef, Control, Inventory
from crosswalk.reasoning.chains import LETTERS, GapIndex
from crosswalk.reasoning.inference import DIS, Derivation
from crosswalk.reasoning.relations import (
    ALL,
    CONTAINED,
    COVERING,
    OVERLAPPING,
    compose_masks,
    converse_mask,
)

from .conftest import EXAMPLES, synthetic_kb
from .test_relations import true_relation


def inside(mask: int, allowed: int) -> bool:
    return mask & ~allowed == 0


# -- the lemmas: every PC relation set lies in a small algebra where covering, contained
#    and overlapping sets only ever come from chains of such steps ------------------------


def algebra() -> set[int]:
    """Every relation set path consistency can produce from the facts' sets.

    The closure of the seven fact sets under composition and intersection (contradictions and "any"
    left out).
    """
    values = set(LETTERS)
    while True:
        new = {
            made
            for x, y in itertools.product(values, repeat=2)
            for made in (compose_masks(x, y), x & y)
            if made not in (0, ALL) and made not in values
        }
        if not new:
            return values
        values |= new


def test_the_fact_sets_generate_thirteen_relation_sets() -> None:
    values = algebra()
    assert len(values) == 13
    assert {converse_mask(v) for v in values} == values


def test_covering_and_contained_sets_come_only_from_chains() -> None:
    for x, y in itertools.product(algebra(), repeat=2):
        for allowed in (COVERING, CONTAINED):
            if inside(compose_masks(x, y), allowed):
                assert inside(x, allowed) and inside(y, allowed), (x, y)
            if x & y and inside(x & y, allowed):
                assert inside(x, allowed) or inside(y, allowed), (x, y)


def test_overlapping_sets_come_only_from_chains() -> None:
    """A ∘ B overlapping needs (A ⊇-chain, B overlapping) or (A overlapping, B ⊆-chain).

    Chains of the form ⊇* [step ⊆*], the partial rule of fastgap.
    """
    for x, y in itertools.product(algebra(), repeat=2):
        if inside(compose_masks(x, y), OVERLAPPING):
            assert (inside(x, COVERING) and inside(y, OVERLAPPING)) or (
                inside(x, OVERLAPPING) and inside(y, CONTAINED)
            ), (x, y)
        if x & y and inside(x & y, OVERLAPPING):
            assert inside(x, OVERLAPPING) or inside(y, OVERLAPPING), (x, y)


def test_every_fact_of_the_bundled_data_has_a_letter(kb: KnowledgeBase) -> None:
    unknown = {f.mask for f in kb.network.facts} - set(LETTERS)
    assert not unknown, "fastgap would not follow facts with these relation sets"


# -- hand-written cases ------------------------------------------------------------------


def inventory(*refs: tuple[str, str, str]) -> Inventory:
    """Controls from (clause, control status, coverage) triples."""
    return Inventory(
        controls=tuple(
            Control(
                id=f"K{n}",
                title="k",
                status=status,
                implements=(ClauseRef(clause=f"t:{clause}", coverage=coverage),),
            )  # type: ignore[arg-type]
            for n, (clause, status, coverage) in enumerate(refs)
        )
    )


def statuses(kb: KnowledgeBase, inv: Inventory) -> dict[str, str]:
    fast = fast_gap_analysis(kb, inv, target="t").statuses
    slow = {f.clause.id: f.status for f in gap_analysis(kb, inv, target="t").findings}
    assert fast == slow
    return {k[2:]: v for k, v in fast.items()}


def test_a_chain_of_containment_covers_and_explains_itself() -> None:
    kb = synthetic_kb(
        ["a", "b", "c", "d"],
        [("a", "superset_of", "b"), ("c", "subset_of", "b"), ("c", "intersects_with", "d")],
    )
    inv = inventory(("a", "implemented", "full"))
    assert statuses(kb, inv) == {"a": "covered", "b": "covered", "c": "covered", "d": "partial"}
    lines = fast_gap_analysis(kb, inv, target="t").explain("t:c")
    assert lines[0] == "K0 implements t:a (full)"
    assert [line.split(" [")[0] for line in lines[1:]] == [
        "t:a superset_of t:b",
        "t:c subset_of t:b",
    ]
    partial = fast_gap_analysis(kb, inv, target="t").explain("t:d")
    assert (
        partial[-1].startswith("t:c intersects_with t:d [m mapping #3]") and partial[0] == lines[0]
    )


def test_parents_cover_children_and_an_exhaustive_split_covers_the_parent() -> None:
    clauses = [("p", None), ("x", "p"), ("y", "p"), ("q", None), ("z", "q")]
    kb = synthetic_kb(clauses, [], exhaustive=["p"])
    both = inventory(("x", "implemented", "full"), ("y", "implemented", "full"))
    assert statuses(kb, both)["p"] == "covered"
    lines = fast_gap_analysis(kb, both, target="t").explain("t:p")
    assert "every member of ∪(t:x,t:y) is covered" in lines[0]
    assert statuses(kb, inventory(("q", "implemented", "full")))["z"] == "covered"
    # not exhaustive: a covered child only overlaps its parent
    assert statuses(kb, inventory(("z", "implemented", "full")))["q"] == "partial"


def test_a_union_subject_needs_every_member() -> None:
    kb = synthetic_kb(["s1", "s2", "t1"], [(("s1", "s2"), "superset_of", "t1")])
    assert (
        statuses(kb, inventory(("s1", "implemented", "full"), ("s2", "implemented", "full")))["t1"]
        == "covered"
    )
    assert statuses(kb, inventory(("s1", "implemented", "full")))["t1"] == "undetermined"


def test_partial_implementation_is_at_most_partial() -> None:
    kb = synthetic_kb(["a", "b", "c"], [("a", "subset_of", "b"), ("a", "superset_of", "c")])
    inv = inventory(("a", "implemented", "partial"))
    assert statuses(kb, inv) == {"a": "partial", "b": "partial", "c": "undetermined"}
    lines = fast_gap_analysis(kb, inv, target="t").explain("t:b")
    assert lines == ["K0 implements t:a (partial)", "t:a subset_of t:b [m mapping #1]"]
    found = statuses(kb, inventory(("a", "partially_implemented", "full")))
    assert found["a"] == "partial" and found["c"] == "undetermined"


def test_undetermined_and_gap() -> None:
    kb = synthetic_kb(
        ["a", "b", "c", "e"], [("a", "intersects_with", "b"), ("b", "intersects_with", "c")]
    )
    assert statuses(kb, inventory(("a", "implemented", "full"))) == {
        "a": "covered",
        "b": "partial",
        "c": "undetermined",
        "e": "gap",
    }


def test_path_consistency_is_stronger_between_undetermined_and_gap() -> None:
    """The documented difference.

    A1 is disjoint from b (one mapping); the walk a1 ⊇ a2 ⊆ a1 ∅ b composes to "⊃, ≬ or disjoint"
    and links b for fastgap, while PC intersects both and keeps "disjoint", so gap_analysis says
    gap.
    """
    kb = synthetic_kb([("a1", None), ("a2", "a1"), ("b", None)], [("a1", "no_relationship", "b")])
    inv = inventory(("a1", "implemented", "full"))
    assert fast_gap_analysis(kb, inv, target="t").status("t:b") == "undetermined"
    assert gap_analysis(kb, inv, target="t").status("t:b") == "gap"
    assert kb.closure.mask(kb.network.index["t:a1"], kb.network.index["t:b"]) == DIS


def test_the_cached_index_does_not_keep_the_knowledge_base_alive() -> None:
    kb = synthetic_kb(["a", "b"], [("a", "equal", "b")])
    inv = inventory(("a", "implemented", "full"))
    assert fast_gap_analysis(kb, inv, target="t").status("t:b") == "covered"
    alive = weakref.ref(kb)
    del kb
    gc.collect()
    assert alive() is None


def test_unknown_target_framework_is_an_error() -> None:
    kb = synthetic_kb(["a"], [])
    with pytest.raises(UnknownFrameworkError):
        fast_gap_analysis(kb, Inventory(), target="nope")


# -- random set models ---------------------------------------------------------------------

UNIVERSE = 6


@st.composite
def models(
    draw: st.DrawFn,
) -> tuple[KnowledgeBase, Inventory, dict[str, frozenset[int]], frozenset[int], frozenset[int]]:
    """A consistent network (true relations of random sets.

    Children inside parents; true exhaustive splits; union subjects) and an inventory, with what it
    really implements.
    """
    count = draw(st.integers(3, 9))
    sets: list[frozenset[int]] = []
    parents: list[int | None] = []
    for index in range(count):
        parent = draw(st.none() | st.integers(0, index - 1)) if index else None
        pool = sorted(sets[parent]) if parent is not None else list(range(UNIVERSE))
        sets.append(frozenset(draw(st.sets(st.sampled_from(pool), min_size=1))))
        parents.append(parent)
    pairs = [(i, j) for i in range(count) for j in range(count) if i != j]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=12))
    mappings: list[tuple[str | tuple[str, ...], str, str]] = [
        (f"c{i}", true_relation(sets[i], sets[j]).value, f"c{j}") for i, j in chosen
    ]
    for a, b, t in draw(st.lists(st.tuples(*[st.integers(0, count - 1)] * 3), max_size=2)):
        if len({a, b, t}) == 3:
            mappings.append(
                ((f"c{a}", f"c{b}"), true_relation(sets[a] | sets[b], sets[t]).value, f"c{t}")
            )
    children: dict[int, list[int]] = {}
    for child, parent in enumerate(parents):
        if parent is not None:
            children.setdefault(parent, []).append(child)
    exhaustive = [
        f"c{p}"
        for p, kids in children.items()
        if frozenset().union(*(sets[k] for k in kids)) == sets[p] and draw(st.booleans())
    ]
    clauses = [(f"c{i}", f"c{p}" if p is not None else None) for i, p in enumerate(parents)]
    kb = synthetic_kb(clauses, mappings, exhaustive=exhaustive)
    full: frozenset[int] = frozenset()
    touched: frozenset[int] = frozenset()
    controls = []
    for i in draw(st.lists(st.integers(0, count - 1), unique=True, max_size=4)):
        status = draw(st.sampled_from(["implemented", "partially_implemented", "planned"]))
        coverage = draw(st.sampled_from(["full", "partial"]))
        if status == "implemented" and coverage == "full":
            full |= sets[i]
            touched |= sets[i]
        elif status != "planned":  # some non-empty part of the clause is implemented
            touched |= draw(st.sets(st.sampled_from(sorted(sets[i])), min_size=1))
        ref = ClauseRef(clause=f"t:c{i}", coverage=coverage)  # type: ignore[arg-type]
        controls.append(Control(id=f"K{i}", title="k", status=status, implements=(ref,)))  # type: ignore[arg-type]
    truth = {f"t:c{i}": s for i, s in enumerate(sets)}
    return kb, Inventory(controls=tuple(controls)), truth, full, touched


def has_intersection(derivation: Derivation | None) -> bool:
    return derivation is not None and (
        derivation.rule == "intersection" or any(has_intersection(p) for p in derivation.parts)
    )


def check_agreement(
    kb: KnowledgeBase, inv: Inventory, target: str, risk_frameworks: list[str] | None = None
) -> None:
    """Covered and partial: equal. undetermined vs gap: the two documented PC cases only."""
    fast = fast_gap_analysis(kb, inv, target=target, risk_frameworks=risk_frameworks)
    slow = gap_analysis(kb, inv, target=target, risk_frameworks=risk_frameworks)
    closure, index = kb.closure, kb.network.index
    implemented = {index[r.clause] for c in inv.controls if c.effective for r in c.implements}
    for finding in slow.findings:
        mine, theirs = fast.status(finding.clause.id), finding.status
        if theirs == "not_an_obligation":  # the fast analysis does not type provisions
            continue
        if "covered" in (mine, theirs) or "partial" in (mine, theirs):
            assert mine == theirs, (finding.clause.id, mine, theirs)
        elif mine != theirs:
            node = index[finding.clause.id]
            masks = {n: closure.mask(n, node) for n in implemented}
            if mine == "undetermined":  # PC proved the only links disjoint
                assert DIS in masks.values(), (finding.clause.id, masks)
            else:  # PC's link rests on intersecting paths
                links = [n for n, m in masks.items() if m not in (ALL, DIS)]
                assert links and all(has_intersection(closure.derivation(n, node)) for n in links)
    assert fast.risks == {r.risk.id: r.status for r in slow.risks}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_agrees_with_gap_analysis_and_the_truth_on_random_set_models(model) -> None:
    kb, inv, truth, full, touched = model
    check_agreement(kb, inv, "t")
    for clause_id, status in fast_gap_analysis(kb, inv, target="t").statuses.items():
        if status == "covered":
            assert truth[clause_id] <= full, clause_id
        if status == "partial":
            assert truth[clause_id] & touched, clause_id


def walk_states(index: GapIndex, start: set[int]) -> set[tuple[int, int]]:
    """Every (node, composed relation set) a walk of facts from ``start`` reaches ("any" not followed)."""
    seen = {(node, 1) for node in start}  # 1: equal
    queue = deque(seen)
    while queue:
        node, mask = queue.popleft()
        for edge in range(int(index._source.size)):
            if index._source[edge] == node and int(index._mask[edge]) in LETTERS:
                state = (int(index._target[edge]), compose_masks(mask, int(index._mask[edge])))
                if state[1] != ALL and state not in seen:
                    seen.add(state)
                    queue.append(state)
    return seen


def walks(index: GapIndex, start: set[int]) -> set[int]:
    """Reference for the undetermined rule: nodes some walk reaches, not as exactly disjoint."""
    return {node for node, mask in walk_states(index, start) if mask != DIS}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_the_eight_class_closures_are_the_walk_search(model) -> None:
    kb, inv, *_ = model
    index = GapIndex(kb.facts)
    start = {index.index[r.clause] for c in inv.controls if c.effective for r in c.implements}
    near: set[int] = set()
    for node in start:
        for first in kb.mapping_neighbours.get(node, ()):
            near.add(first)
            near.update(kb.mapping_neighbours.get(first, ()))
    linked = index.linked(np.array(sorted(start), dtype=np.int64))
    assert set(np.flatnonzero(linked).tolist()) == walks(index, start) | near
    # asked only about some nodes (the undecided targets), it is exact on those
    others = sorted(set(range(len(index.nodes))) - start)
    for only in (others, others[::2], others[-1:]):
        chosen = np.array(only, dtype=np.int64)
        partly = index.linked(np.array(sorted(start), dtype=np.int64), only=chosen)
        assert np.array_equal(partly[chosen], linked[chosen])


# -- generated catalogues and the bundled data ----------------------------------------------

TINY = Size("tiny", clauses=240, mappings=720, controls=80, frameworks=4)


def test_the_generator_is_seeded_and_its_mappings_are_true() -> None:
    first, again, other = generate(TINY, seed=3), generate(TINY, seed=3), generate(TINY, seed=4)
    assert first.mappings == again.mappings and first.inventory == again.inventory
    assert first.mappings != other.mappings
    counts = first.relation_counts()
    assert set(counts) == {
        "equal",
        "subset_of",
        "superset_of",
        "intersects_with",
        "no_relationship",
        "addresses",
    }
    assert counts["intersects_with"] == max(counts.values())
    for mapping in first.mappings:
        if mapping.relation != "addresses":
            left = frozenset().union(*(first.sets[s] for s in mapping.subjects))
            assert true_relation(left, first.sets[mapping.object]).value == mapping.relation
    assert all(
        first.sets[c.id] <= first.sets[c.parent]
        for c in first.clauses
        if c.parent and c.id in first.sets
    )


def test_agrees_with_gap_analysis_on_generated_data() -> None:
    data = generate(TINY, seed=1)
    kb = data.knowledge_base()
    assert not kb.validate()
    check_agreement(kb, data.inventory, data.target, risk_frameworks=["risk"])


@pytest.mark.parametrize("example", ["eu-provider.yaml", "cn-enterprise.yaml"])
def test_agrees_with_gap_analysis_on_the_bundled_data(kb: KnowledgeBase, example: str) -> None:
    inv = kb.read_inventory(EXAMPLES / example)
    for target in kb.frameworks:
        fast = fast_gap_analysis(kb, inv, target=target)
        slow = gap_analysis(kb, inv, target=target)
        # the full report keeps parts under their clause and types provisions: compare its rows
        counted = {f.clause.id: f.status for f in slow.findings if f.status != "not_an_obligation"}
        assert {k: fast.statuses[k] for k in counted} == counted, target
        assert fast.risks == {r.risk.id: r.status for r in slow.risks}
        for clause_id, status in fast.statuses.items():
            assert status in STATUS_NAMES and fast.explain(clause_id)


def network_facts(kb: KnowledgeBase) -> list[tuple[int, int, int, str, str]]:
    """kb.network's facts, with where each comes from, in a comparable order."""
    return sorted(
        (f.left, f.right, f.mask, f.kind, f.payload.where if f.payload is not None else "")
        for f in kb.network.facts
    )


def index_facts(index: GapIndex) -> list[tuple[int, int, int, str, str]]:
    table = index.facts
    rows = []
    for n in range(len(table)):
        mapping = table.mapping[n]
        where = mapping.where if mapping is not None else ""
        rows.append((table.left[n], table.right[n], table.mask[n], table.kind[n], where))
    return sorted(rows)


def test_the_index_holds_the_facts_of_the_network_without_building_it(kb: KnowledgeBase) -> None:
    generated = generate(TINY, seed=2).knowledge_base()
    for base in (kb, generated):
        index = GapIndex(base.facts)
        assert (
            index.nodes == base.network.nodes
        )  # same numbering: node n is the same clause or union
        assert index_facts(index) == network_facts(base)
    fresh = generate(TINY, seed=2).knowledge_base()  # the index itself never needs the network
    GapIndex(fresh.facts)
    assert "network" not in vars(fresh)


def test_targets_are_requirements_or_headings_over_requirements(kb: KnowledgeBase) -> None:
    from crosswalk.gap.targets import EXCLUDED_KINDS as _EXCLUDED_KINDS
    from crosswalk.gap.targets import is_target

    for clause in kb.clauses.values():
        below = kb.descendants(clause.id)
        expected = clause.kind not in _EXCLUDED_KINDS and (
            not below or any(kb.clauses[c].kind not in _EXCLUDED_KINDS for c in below)
        )
        assert is_target(kb, clause) == expected, clause.id


# -- relations from one clause along chains -------------------------------------------------


def walk_meet(index: GapIndex, source: int) -> dict[int, int]:
    """Reference: every (node, composed relation set) a walk reaches, intersected per node."""
    meet: dict[int, int] = {}
    for node, mask in walk_states(index, {source}):
        meet[node] = meet.get(node, ALL) & mask
    return meet


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_chain_relations_are_the_walk_intersection_sound_and_explained(model) -> None:
    kb, _, truth, *_ = model
    index = GapIndex(kb.facts)
    closure = kb.closure
    for source in truth:
        found = index.relations_from(source)
        meet = walk_meet(index, index.index[source])
        for node, name in enumerate(index.nodes):
            mask = found.relation(name).mask
            assert mask == meet.get(node, ALL), (source, name)
            # sound: contains what path consistency entails, hence the true relation
            assert closure.mask(index.index[source], node) & ~mask == 0, (source, name)
            if name in truth and name != source:
                assert true_relation(truth[source], truth[name]).bit & mask
            # explained: the chains compose to sets whose intersection is the relation
            composed = ALL
            for chain in found.chains(name):
                step = 1  # equal
                for _, relation in chain:
                    step = compose_masks(step, relation)
                composed &= step
            assert composed == mask, (source, name)


def test_chain_relations_on_the_bundled_data(kb: KnowledgeBase) -> None:
    found = kb.chain_relations("iso23894:6.4.2")
    related = found.related("gbt46347")
    assert related and all(name.startswith("gbt46347:") for name in related)
    for name, relation in related.items():
        assert (
            kb.relation("iso23894:6.4.2", name).relations.mask & ~relation.mask == 0
        )  # never tighter than PC
        assert all(
            chain and chain[0].startswith("iso23894:6.4.2 ") for chain in found.explain(name)
        )
    with pytest.raises(UnknownClauseError):
        kb.chain_relations("iso23894:99.99")


def test_fast_report_and_chain_relations_display_in_jupyter_and_pandas(kb: KnowledgeBase) -> None:
    report = kb.fast_gap(EXAMPLES / "cn-enterprise.yaml", target="gbt46347")
    frame = report.to_frame()
    assert list(frame.columns) == ["clause", "title", "status", "why"]
    assert frame.status.value_counts().to_dict() == {k: v for k, v in report.counts.items() if v}
    html = report._repr_html_()
    assert "gbt46347:planning.governance" in html and "#c6efce" in html  # covered rows coloured
    chains = kb.chain_relations("iso23894:6.4.2")
    table = chains.to_frame("gbt46347")
    assert set(table.clause) == set(chains.related("gbt46347"))
    assert "iso23894:6.4.2" in chains._repr_html_() and "<table" in chains._repr_html_()


def test_fast_workbook_keeps_hostile_text_as_text(kb: KnowledgeBase, tmp_path) -> None:
    import openpyxl

    inv = kb.read_inventory(EXAMPLES / "cn-enterprise.yaml").model_copy(
        update={"organisation": '=HYPERLINK("http://x")'}
    )
    path = kb.fast_gap(inv, target="gbt46347").to_excel(tmp_path / "fast.xlsx")
    about = {
        row[0].value: row[1] for row in openpyxl.load_workbook(path)["About"].iter_rows(min_row=2)
    }
    assert (
        about["Organisation"].value == '=HYPERLINK("http://x")'
        and about["Organisation"].data_type == "s"
    )


@pytest.mark.usefixtures("failing_save")
def test_a_failed_fast_workbook_leaves_the_users_file(kb: KnowledgeBase, tmp_path) -> None:
    existing = tmp_path / "keep.xlsx"
    existing.write_bytes(b"the user's file")
    with pytest.raises(OSError):
        kb.fast_gap(EXAMPLES / "cn-enterprise.yaml", target="gbt46347").to_excel(existing)
    assert existing.read_bytes() == b"the user's file"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.xlsx"]


def test_chain_relations_name_the_closest_ids_for_an_unknown_one(kb: KnowledgeBase) -> None:
    found = kb.chain_relations("iso23894:6.4.2")
    for ask in (found.relation, found.chains, found.explain):
        with pytest.raises(UnknownClauseError, match="iso23894:6.4.2"):
            ask("iso23894:6.4.2.9")
